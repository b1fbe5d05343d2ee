"""Checks that look at many questions together: the longest-option cue across a
bank (L101) and near-duplicate questions across everything checked (L109).

L101, the statistics. For a choice question with k options, a key written without
regard to length is the strictly longest option with probability at most 1/k. The
number of questions of a bank whose key is the longest is then at most a sum of
independent Bernoulli(1/k_i) variables (a Poisson-binomial distribution). The bank
is flagged when the count is so high that chance gives it less than 5 % of the time
(an exact one-sided test, `SIGNIFICANCE`) AND the share is at least 1.25 times what
chance gives (`MIN_EXCESS`, so that a very large bank is not flagged for a
trivial excess), with at least `MIN_ITEMS` questions. A tie for longest does not
count as longest, so the test errs towards silence. The review behind issue 16
found the key longest in 19 of 41 questions, 46 % against 25 %: p < 0.01.

L109 compares the words of each question's type, prompt and answer, as sets, by
their Jaccard similarity: `NEAR_DUPLICATE` or more is a near-duplicate. Two
questions with the same non-trivial answer are near-duplicates already when most
words of the shorter prompt are in the other (`SAME_ANSWER_OVERLAP`).
The pairs are found with prefix filtering (Bayardo, Ma & Srikant 2007, "Scaling up
all pairs similarity search"), so tens of thousands of questions take well under a
second instead of comparing every pair.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from quiz.core.lint.base import Sink
from quiz.core.lint.words import is_trivial, phrase, words
from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

SIGNIFICANCE = 0.05
MIN_EXCESS = 1.25
MIN_ITEMS = 5
NEAR_DUPLICATE = 0.8
SAME_ANSWER_OVERLAP = 0.8
EXACT_UP_TO = 3000
"""Above this many questions the tail probability uses the normal approximation."""


def tail_probability(probabilities: list[float], observed: int) -> float:
    """P(X >= observed) for X a sum of independent Bernoulli(p_i) (exact up to
    `EXACT_UP_TO` terms, then normal with continuity correction)."""
    if observed <= 0:
        return 1.0
    if len(probabilities) > EXACT_UP_TO:
        mean = sum(probabilities)
        sd = math.sqrt(sum(p * (1 - p) for p in probabilities))
        return 0.5 * math.erfc((observed - 0.5 - mean) / (sd * math.sqrt(2))) if sd else float(observed <= mean)
    dist = [1.0]
    for p in probabilities:
        nxt = [0.0] * (len(dist) + 1)
        for k, mass in enumerate(dist):
            nxt[k] += mass * (1 - p)
            nxt[k + 1] += mass * p
        dist = nxt
    return min(1.0, sum(dist[observed:]))


def check_longest_share(bank: Bank, sink: Sink) -> None:
    """L101 (Haladyna et al. 2002, guideline 24, "keep the length of choices about
    equal"): the key is the longest option far more often than chance."""
    probabilities: list[float] = []
    longest: list[str] = []
    for question in bank.questions:
        if not isinstance(question, ChoiceQuestion) or len(question.choices) < 2:
            continue
        if sink.silenced("L101", bank, question):
            continue
        probabilities.append(1 / len(question.choices))
        key = len(phrase(question.answer))
        others = [len(phrase(c)) for c in question.choices if c != question.answer]
        if key > max(others):
            longest.append(question.id)
    count = len(probabilities)
    if count < MIN_ITEMS or not longest:
        return
    expected = sum(probabilities)
    p_value = tail_probability(probabilities, len(longest))
    if p_value >= SIGNIFICANCE or len(longest) < MIN_EXCESS * expected:
        return
    where = bank.marks.get("questions") or (1, 1)
    sink.bank(
        "L101",
        bank,
        where,
        f"the key is the longest option in {len(longest)} of {count} choice questions "
        f"({len(longest) / count:.0%}; chance gives {expected / count:.0%}, p = {p_value:.2g}): "
        f"a learner who picks the longest option scores that well; even out the lengths in "
        f"{', '.join(longest)}",
    )


def _answer_words(question: Question) -> list[str]:
    if isinstance(question, ChoiceQuestion | CardQuestion):
        return [question.answer]
    if isinstance(question, MultiQuestion):
        return sorted(question.answers)
    if isinstance(question, TrueFalseQuestion):
        return [str(question.answer)]
    if isinstance(question, ShortQuestion):
        return [question.answers[0]]
    if isinstance(question, NumberQuestion):
        return [f"{question.answer:g}"]
    if isinstance(question, ClozeQuestion):
        return [question.text]
    if isinstance(question, OrderQuestion):
        return list(question.items)
    if isinstance(question, MatchQuestion):
        return [f"{left} {right}" for left, right in question.pairs]
    return []


def signature(question: Question) -> frozenset[str]:
    """The words near-duplicates are compared on: type, prompt and answer."""
    text = " ".join([question.prompt, *_answer_words(question)])
    return frozenset([f"<{question.type}>", *words(text)])


def _pairs_by_signature(entries: list[tuple[Bank, Question, list[str]]]) -> dict[int, tuple[float, int]]:
    """For each question, an earlier one at `NEAR_DUPLICATE` or more (Jaccard of
    `signature`), found by prefix filtering."""
    frequency: Counter[str] = Counter(t for _, _, tokens in entries for t in tokens)
    index: dict[str, list[int]] = defaultdict(list)
    found: dict[int, tuple[float, int]] = {}
    for position, (_, _, tokens) in enumerate(entries):
        tokens.sort(key=lambda t: (frequency[t], t))
        size = len(tokens)
        prefix = size - math.ceil(NEAR_DUPLICATE * size) + 1
        mine = set(tokens)
        seen: set[int] = set()
        for token in tokens[:prefix]:
            for other in index[token]:
                if other in seen:
                    continue
                seen.add(other)
                theirs = entries[other][2]
                if min(size, len(theirs)) < NEAR_DUPLICATE * max(size, len(theirs)):
                    continue
                shared = len(mine.intersection(theirs))
                similarity = shared / (size + len(theirs) - shared)
                if similarity >= NEAR_DUPLICATE:
                    found[position] = (similarity, other)
                    break  # the earliest is enough to report (and a bank of copies stays linear)
            if position in found:
                break
        for token in tokens[:prefix]:
            index[token].append(position)
    return found


def _pairs_by_answer(entries: list[tuple[Bank, Question, list[str]]]) -> dict[int, tuple[float, int]]:
    """For each question, an earlier one with the same (non-trivial) answer whose
    prompt words mostly repeat its own: `SAME_ANSWER_OVERLAP` of the shorter prompt's
    words or more ("On what date was the early presidential election held?" and
    "On what date was the presidential election held that Putin was looking ahead to?")."""
    groups: dict[str, list[int]] = defaultdict(list)
    for position, (_, question, _) in enumerate(entries):
        for answer in {phrase(a) for a in _answer_words(question)}:
            if not isinstance(
                question, TrueFalseQuestion | ClozeQuestion | OrderQuestion | MatchQuestion
            ) and not is_trivial(answer):
                groups[answer].append(position)
    prompts = [frozenset(words(question.prompt)) for _, question, _ in entries]
    found: dict[int, tuple[float, int]] = {}
    for members in groups.values():
        for i, later in enumerate(members):
            for earlier in members[:i]:
                a, b = prompts[later], prompts[earlier]
                if not a or not b:
                    continue
                overlap = len(a & b) / min(len(a), len(b))
                if overlap >= SAME_ANSWER_OVERLAP and overlap > found.get(later, (0.0, 0))[0]:
                    found[later] = (overlap, earlier)
    return found


def check_near_duplicates(banks: tuple[Bank, ...], sink: Sink) -> None:
    """L109 (Haladyna et al. 2002, guideline 8, "avoid ... items that cue the answer
    to other items"; a question asked twice also splits its score history in two)."""
    entries = [(bank, question, list(signature(question))) for bank in banks for question in bank.questions]
    found = {p: (s, o, "of their words shared") for p, (s, o) in _pairs_by_signature(entries).items()}
    for position, (overlap, other) in _pairs_by_answer(entries).items():
        found.setdefault(position, (overlap, other, "of the shorter prompt's words in the other, and the same answer"))
    for position in sorted(found):
        similarity, other, how = found[position]
        bank, question, _ = entries[position]
        other_bank, other_question, _ = entries[other]
        if sink.silenced("L109", other_bank, other_question):
            continue
        sink.question(
            "L109",
            bank,
            question,
            "prompt",
            f"nearly the same question as {other_question.key} ({other_question.file}:{other_question.line}; "
            f"{similarity:.0%} {how}): merge them, or make them ask different things",
        )
