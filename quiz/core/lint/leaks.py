"""Answers given away by text the learner reads first: L103 (the question's own
prompt or hint) and L104 (another question of the same deck).

Haladyna, Downing & Rodriguez (2002), guidelines 31c ("avoid clang associations")
and 8 ("avoid ... items that cue the answer to other items"; Haladyna 2004 calls it
"interitem cueing"). What counts as the answer: the key of a choice question, the
right options of a multi, every accepted answer of short and cloze, a number's
value, a card's answer. Order, match and true/false questions have no answer a
text could repeat. Trivial answers (common words, numbers under 3 digits) are never
a leak: "2" or "war" in another prompt gives nothing away.

Besides whole answers, a choice key's *distinctive* words count: words of the key
that no other option has (they are what sets it apart) and that are not common.
(A word that shares its stem with a word of a wrong option, "Syria" against
"Syrian", does not set the key apart, and neither does a month: dates are
everywhere in a history deck.) Such a word in the hint, or in the text of
another question where it is rare
(at most `RARE_IN_DECK` questions of the deck), points at the key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from quiz.core.lint.base import Sink, split_options
from quiz.core.lint.words import COMMON_WORDS, MONTHS, contains, content_words, is_trivial, phrase, same_stem, words
from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ShortQuestion,
)

RARE_IN_DECK = 2
"""A distinctive key word shown by at most this many other questions is a cue to the key;
one shown by more is the deck's own vocabulary."""
MIN_DISTINCTIVE = 4
"""Distinctive key words shorter than this are not counted (too many chance matches)."""
SHOWN = 3
CONTEXT_SHARE = 0.1
CONTEXT_MIN = 3
"""A word used by at most this share of a deck's questions (and at least `CONTEXT_MIN`) is rare."""
"""How many other questions a message names at most."""


def _format_number(value: float) -> str:
    value = float(f"{value:.12g}")
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def answers(question: Question) -> list[str]:
    """The texts that are this question's answer, trivial ones left out."""
    found: list[str]
    if isinstance(question, ChoiceQuestion):
        found = [question.answer]
    elif isinstance(question, MultiQuestion):
        found = sorted(question.answers)
    elif isinstance(question, ShortQuestion):
        found = list(question.answers)
    elif isinstance(question, NumberQuestion):
        found = [_format_number(question.answer)]
    elif isinstance(question, ClozeQuestion):
        found = [answer for gap in question.gaps for answer in gap.answers]
    elif isinstance(question, CardQuestion):
        found = [question.answer]
    else:
        return []
    return list(dict.fromkeys(answer for answer in found if not is_trivial(answer)))


def shown(question: Question) -> Iterator[tuple[str, str]]:
    """(field, phrase) of what the learner reads before answering: prompt, hint, and
    the text of a cloze around its gaps."""
    if question.prompt:
        yield "prompt", phrase(question.prompt)
    if question.hint:
        yield "hint", phrase(question.hint)
    if isinstance(question, ClozeQuestion):
        yield "text", " | ".join(phrase(part) for part in question.parts if isinstance(part, str))


def _distinctive(question: ChoiceQuestion | MultiQuestion) -> set[str]:
    """Words of the right options that no wrong option has and that are not common."""
    keys, distractors = split_options(question)
    if not distractors:
        return set()
    in_keys = set().union(*(content_words(question.choices[i]) for i in keys))
    in_wrong = set().union(*(words(question.choices[i]) for i in distractors))
    return {
        w
        for w in in_keys - in_wrong
        if len(w) >= MIN_DISTINCTIVE
        and w not in COMMON_WORDS
        and w not in MONTHS
        and not any(same_stem(w, x) for x in in_wrong)
    }


def _quoted(texts: list[str]) -> str:
    return ", ".join(f"'{t}'" for t in texts)


def check_own_text(bank: Bank, sink: Sink) -> None:
    """L103: the prompt or hint contains the answer."""
    for question in bank.questions:
        fields = dict(shown(question))
        needles = [(a, phrase(a)) for a in answers(question)]
        if isinstance(question, ChoiceQuestion | MultiQuestion):
            _, distractors = split_options(question)
            wrong = [phrase(question.choices[i]) for i in distractors]
            stem = " | ".join(fields.values())
            if any(contains(stem, w) for w in wrong if not is_trivial(w)):
                needles = []  # the stem names options on both sides ("Rome or Paris?")
        done = False
        for name, text in fields.items():
            for answer, needle in needles:
                if contains(text, needle):
                    what = "text around the gaps" if name == "text" else name
                    sink.question("L103", bank, question, name, f"the {what} contains the answer '{answer}'")
                    done = True
                    break
            if done:
                break
        if done or not question.hint or not isinstance(question, ChoiceQuestion | MultiQuestion):
            continue
        cues = sorted(_distinctive(question) & set(words(question.hint)) - set(words(question.prompt)))
        if cues:
            sink.question(
                "L103",
                bank,
                question,
                "hint",
                f"the hint says {_quoted(cues)}, which only the key has among the options: it gives the answer away",
            )


class _Deck:
    """What the questions of one deck show, indexed by word."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self.texts = [dict(shown(q)) for q in bank.questions]
        self.words = [set(" ".join(fields.values()).split()) for fields in self.texts]
        self.index: dict[str, set[int]] = defaultdict(set)
        for position, present in enumerate(self.words):
            for word in present:
                self.index[word].add(position)
        self.rare_limit = max(CONTEXT_MIN, int(CONTEXT_SHARE * len(bank.questions)))

    def context(self, question: Question) -> set[str]:
        """The rare content words of what `question` asks: a question that shares one
        of them and shows the answer is about the same fact."""
        asked = " ".join(t for t in (question.prompt, question.hint or "") if t)
        answer_words = {w for a in answers(question) for w in words(a)}
        return {
            w
            for w in content_words(asked) - answer_words
            if len(self.index.get(w, ())) <= self.rare_limit and w not in MONTHS
        }

    def showing(self, needle: str, but: int) -> list[int]:
        """The questions (other than `but`) that show the phrase `needle`."""
        candidates = set.intersection(*(self.index.get(t, set()) for t in needle.split())) - {but}
        return [o for o in sorted(candidates) if any(contains(t, needle) for t in self.texts[o].values())]

    def field_with(self, other: int, needle: str) -> str:
        """Which field of question `other` shows `needle`."""
        return next((n for n, t in self.texts[other].items() if contains(t, needle)), "prompt")


def _hits(deck: _Deck, position: int) -> dict[int, tuple[str, str]]:
    """The other questions that give away question `position`'s answer: (field, what)."""
    question = deck.bank.questions[position]
    context = deck.context(question)
    wrong: list[str] = []
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        _, distractors = split_options(question)
        wrong = [w for w in (phrase(question.choices[i]) for i in distractors) if not is_trivial(w)]
    recall = not isinstance(question, ChoiceQuestion | MultiQuestion)

    def about_the_same(other: int, rare: bool) -> bool:
        if not (context & deck.words[other] or (recall and rare)):
            return False
        joined = " | ".join(deck.texts[other].values())
        return not any(contains(joined, w) for w in wrong)

    hits: dict[int, tuple[str, str]] = {}
    for answer in answers(question):
        needle = phrase(answer)
        showing = deck.showing(needle, position)
        for other in showing:
            if other not in hits and about_the_same(other, len(showing) <= RARE_IN_DECK):
                hits[other] = (deck.field_with(other, needle), f"the answer '{answer}'")
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        for word in sorted(_distinctive(question) - deck.words[position]):
            others = deck.index.get(word, set()) - {position}
            if len(others) > RARE_IN_DECK:
                continue
            for other in sorted(others):
                if other not in hits and about_the_same(other, False):
                    what = f"'{word}', a word only the key has among the options,"
                    hits[other] = (deck.field_with(other, word), what)
    return hits


def check_other_questions(bank: Bank, sink: Sink) -> None:
    """L104: an answer of one question shown by the prompt, hint or cloze text of
    another question of the same deck, about the same thing.

    "About the same thing": the other question shares a rare content word with this
    one's prompt (one used by at most a tenth of the deck, `CONTEXT_SHARE`); for the
    recall types (short, number, cloze, card) it is enough that the answer itself is
    rare in the deck (at most `RARE_IN_DECK` other questions show it). And for
    choice and multi, the other question must show none of the wrong options: a
    prompt that names the key and a distractor alike ("Clinton told Putin")
    teaches nothing about which is right.
    """
    deck = _Deck(bank)
    for position, question in enumerate(bank.questions):
        hits = _hits(deck, position)
        if not hits:
            continue
        listed = sorted(hits)
        first_what = hits[listed[0]][1]
        where = [f"{bank.questions[o].id} (line {bank.questions[o].line}, {hits[o][0]})" for o in listed[:SHOWN]]
        more = f" and {len(listed) - SHOWN} more" if len(listed) > SHOWN else ""
        sink.question(
            "L104",
            bank,
            question,
            next((f for f in ("answer", "answers", "text") if f in question.marks), "prompt"),
            f"{first_what} is shown by {', '.join(where)}{more}, which asks about the same thing: "
            "a learner who saw that question knows this one",
        )
