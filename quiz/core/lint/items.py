"""Checks on one question at a time: its options (L102, L105, L106, L107) and its
stem (L108).

The guidelines are those of Haladyna, Downing & Rodriguez (2002), "A Review of
Multiple-Choice Item-Writing Guidelines for Classroom Assessment", Applied
Measurement in Education 15(3), 309-333; the numbers in the docstrings are theirs.
"""

from __future__ import annotations

import re

from quiz.core.lint.base import Sink, split_options
from quiz.core.lint.words import ABSOLUTE_WORDS, NEGATIVE_WORDS, contains, phrase, words
from quiz.core.model import Bank, CardQuestion, ChoiceQuestion, MultiQuestion, Question, TrueFalseQuestion

LONGER_RATIO = 1.5
"""L102: a key at least this many times as long as the longest distractor..."""
LONGER_BY = 12
"""...and longer by at least this many characters (short options differ by a word)."""

_ABOVE = re.compile(
    r"^(?:(?:all|none|any|both|neither) (?:of )?(?:the )?(?:above|these|those|options|answers|choices)"
    r"|(?:all|none) above|both [a-d1-4] and [a-d1-4]|[a-d1-4] and [a-d1-4])\b"
)
_OPENERS = re.compile(r"[\"“«„(\[]")
_CLOSERS = {'"': '"', "“": "”", "«": "»", "„": "“”", "(": ")", "[": "]"}
"""What closes each quotation mark or bracket (German „ closes with “ or ”)."""
_NEGATION = re.compile(r"(?<![\w'’])(\w+n['’]t|not|except|never|cannot|least)(?![\w'’])", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_NOT_A_NEGATION = re.compile(r"\b(?:not only|not just|whether or not|at least|not least)\b", re.IGNORECASE)


def check_items(bank: Bank, sink: Sink) -> None:
    """Run the per-question checks over every question of `bank`."""
    for question in bank.questions:
        if isinstance(question, ChoiceQuestion | MultiQuestion):
            _key_much_longer(bank, question, sink)
            _all_none_above(bank, question, sink)
            _absolute_words(bank, question, sink)
            _distractor_in_key(bank, question, sink)
        elif isinstance(question, TrueFalseQuestion):
            _absolute_false_statement(bank, question, sink)
        if not isinstance(question, CardQuestion):
            _negative_stem(bank, question, sink)


def _length(text: str) -> int:
    return len(phrase(text))


def _key_much_longer(bank: Bank, question: ChoiceQuestion | MultiQuestion, sink: Sink) -> None:
    """L102 (guideline 23, "keep choices homogeneous in content and grammatical
    structure"; 24, "keep the length of choices about equal")."""
    keys, distractors = split_options(question)
    if not keys or not distractors:
        return
    shortest_key = min(keys, key=lambda i: _length(question.choices[i]))
    key_length = _length(question.choices[shortest_key])
    longest = max(_length(question.choices[i]) for i in distractors)
    if key_length >= LONGER_RATIO * longest and key_length - longest >= LONGER_BY:
        what = "the key" if isinstance(question, ChoiceQuestion) else "every right option"
        sink.question(
            "L102",
            bank,
            question,
            f"choices.{shortest_key}",
            f"{what} is much longer than every distractor ({key_length} characters against at most "
            f"{longest}): a learner can pick it by its length",
        )


def _all_none_above(bank: Bank, question: ChoiceQuestion | MultiQuestion, sink: Sink) -> None:
    """L105 (guideline 29, "none of the above should be used carefully"; 30, "avoid
    all of the above"): the options are shuffled, and such an option tests reading
    strategy rather than knowledge."""
    for index, choice in enumerate(question.choices):
        if _ABOVE.match(phrase(choice)):
            sink.question(
                "L105",
                bank,
                question,
                f"choices.{index}",
                f"option '{choice}' refers to the other options (and they are shown shuffled): "
                "write a plausible option of its own",
            )
            return


def _absolutes(text: str) -> list[str]:
    return [word for word in words(text) if word in ABSOLUTE_WORDS]


def _absolute_words(bank: Bank, question: ChoiceQuestion | MultiQuestion, sink: Sink) -> None:
    """L106 (guideline 31b, "avoid specific determiners including always, never,
    completely, and absolutely"): when only wrong options say them, they mark them.
    "All of the above" is L105's, not counted here."""
    keys, distractors = split_options(question)
    if any(_absolutes(question.choices[i]) for i in keys):
        return
    marked = [
        (i, _absolutes(question.choices[i])) for i in distractors if not _ABOVE.match(phrase(question.choices[i]))
    ]
    marked = [(i, found) for i, found in marked if found]
    if not marked:
        return
    found_words = sorted({w for _, found in marked for w in found})
    listed = ", ".join(f"'{w}'" for w in found_words)
    count = f"{len(marked)} of {len(distractors)} distractors" if len(distractors) > 1 else "the distractor"
    sink.question(
        "L106",
        bank,
        question,
        f"choices.{marked[0][0]}",
        f"absolute words ({listed}) appear in {count} and in no right option: "
        "learners learn that such options are wrong",
    )


def _absolute_false_statement(bank: Bank, question: TrueFalseQuestion, sink: Sink) -> None:
    """L106 for true/false: a false statement made false by "always" or "only" is
    the same cue as a distractor that says it."""
    found = _absolutes(_unquoted(question.prompt))
    if question.answer is False and found:
        listed = ", ".join(f"'{w}'" for w in sorted(set(found)))
        sink.question(
            "L106",
            bank,
            question,
            "prompt",
            f"the statement is false and says {listed}: learners learn that absolute statements are false; "
            "make it false on its content, or add true statements that say it",
        )


def _distractor_in_key(bank: Bank, question: ChoiceQuestion | MultiQuestion, sink: Sink) -> None:
    """L107 (guideline 31c, "avoid ... choices identical to or resembling words in
    the stem"; 22, "make sure that only one of these choices is the right answer"):
    a distractor that is the key written differently is also right, and one that is
    part of the key is half right."""
    keys, distractors = split_options(question)
    for d in distractors:
        wrong = phrase(question.choices[d])
        for k in keys:
            right = phrase(question.choices[k])
            if wrong == right:
                how = "is the same as the key after ignoring case and punctuation"
            elif contains(right, wrong):
                how = "is contained in the key"
            else:
                continue
            sink.question(
                "L107",
                bank,
                question,
                f"choices.{d}",
                f"distractor '{question.choices[d]}' {how} '{question.choices[k]}'",
            )
            return


def _unquoted(text: str) -> str:
    """`text` without quotations and parentheses (a quoted "not" is not the stem's), each
    from its opening mark to the first closing one, leftmost first.

    In linear time, unlike one regular expression (from each of many unclosed "(" it
    scanned to the end again): a mark that finds no closing one now finds none later."""
    parts: list[str] = []
    done = 0
    unclosed: set[str] = set()
    for opening in _OPENERS.finditer(text):
        start = opening.start()
        mark = opening.group()
        if start < done or mark in unclosed:
            continue
        ends = [end for closer in _CLOSERS[mark] if (end := text.find(closer, start + 1)) >= 0]
        if not ends:
            unclosed.add(mark)
            continue
        parts += (text[done:start], " ")
        done = min(ends) + 1
    parts.append(text[done:])
    return "".join(parts)


def _negative_stem(bank: Bank, question: Question, sink: Sink) -> None:
    """L108 (guideline 17, "word the stem positively, avoid negatives such as NOT or
    EXCEPT; if negative words are used, use the word cautiously and always ensure
    that the word appears capitalized and boldface"). Quiz shows text as typed, so
    the emphasis is capitals (NOT, EXCEPT) or *stars* / _underscores_ around it.

    Only the sentence that asks counts (the last one with a question mark; the whole
    prompt when none has one, as in a true/false statement): "Putin quoted a speech
    saying that not placing an army there ... Who was that Secretary General?" is
    not a negative stem. Quotations and parentheses are left out too. Cards are
    left alone: the learner grades a card after reading its answer."""
    sentences = _SENTENCE.split(question.prompt.strip())
    asking = [s for s in sentences if "?" in s]
    text = _NOT_A_NEGATION.sub(" ", _unquoted(asking[-1] if asking else question.prompt))
    for match in _NEGATION.finditer(text):
        word = match.group(1)
        if word.lower() not in NEGATIVE_WORDS and not re.fullmatch(r"\w+n['’]t", word, re.IGNORECASE):
            continue
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        if (word.isupper() and len(word) > 1) or (before in "*_" and before and after == before):
            continue
        sink.question(
            "L108",
            bank,
            question,
            "prompt",
            f"negative stem '{word}' is easy to miss: write the question positively, "
            f"or emphasise the word as {word.upper()}",
        )
        return
