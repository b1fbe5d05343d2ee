"""What the learners picked at their first attempt: the choice table of the class report.

For choice, multi and true/false questions every choice is counted by learners
(not by answers: a learner who tried three times counts once); open questions
list their most common first responses; a card lists its self-grades, which are
never "wrong answers". The flags are defined in `quiz.core.class_report`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from quiz.core.history import response_text
from quiz.core.model import CardQuestion, ChoiceQuestion, MultiQuestion, Question, TrueFalseQuestion

__all__ = [
    "CARD_GRADES",
    "MIN_LEARNERS_FOR_UNUSED",
    "ChoiceCount",
    "FirstAttempt",
    "choice_counts",
    "response_counts",
]

MIN_LEARNERS_FOR_UNUSED = 5
"""Learners who answered before a distractor nobody picked is flagged."""
TOP_RESPONSES = 5
"""First-attempt responses listed for an open question (the rest are counted as "other")."""
CARD_GRADES = ("Again", "Hard", "Good", "Easy")
MIN_LEARNERS_FOR_STRONG_WEAK = 10
"""Learners needed before a distractor is flagged as preferred by strong learners
(`class_report.MIN_LEARNERS_FOR_DISCRIMINATION`)."""


@dataclass(slots=True)
class FirstAttempt:
    """A learner's first attempt at a question (slots: a report holds one per learner and question)."""

    learner: int
    correct: bool
    overridden: bool
    response: object


@dataclass(frozen=True)
class ChoiceCount:
    """One choice (or response, or self-grade) and the learners who picked it first."""

    text: str
    learners: int
    share: float
    """Of the question's learners."""
    correct: bool
    """A right choice, a right response, or a card grade of Hard or better."""
    kind: Literal["choice", "response", "other", "grade"]
    flags: tuple[str, ...] = ()


def _canonical(value: object, qtype: str) -> str:
    """A key under which equal responses count together (a multi's ticks in any order)."""
    if isinstance(value, str):
        return json.dumps(value.strip(), ensure_ascii=False)
    if qtype == "multi" and isinstance(value, list):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _picks(question: Question, response: object) -> set[str] | None:
    """The choices a first attempt picked, for the types that have choices."""
    if isinstance(question, ChoiceQuestion):
        return {response.strip()} if isinstance(response, str) else set()
    if isinstance(question, MultiQuestion):
        return {item.strip() for item in response if isinstance(item, str)} if isinstance(response, list) else set()
    if isinstance(question, TrueFalseQuestion):
        return {"true" if response else "false"} if isinstance(response, bool) else set()
    return None


def choice_counts(
    question: Question,
    firsts: Sequence[FirstAttempt],
    strong: set[int],
    weak: set[int],
) -> tuple[ChoiceCount, ...]:
    """Every choice with the learners who picked it first (module docstring)."""
    total = len(firsts)

    def share(count: int) -> float:
        return count / total if total else 0.0

    if isinstance(question, CardQuestion):
        grades = Counter(first.response for first in firsts if type(first.response) is int)
        return tuple(
            ChoiceCount(f"{grade} {name}", grades[grade], share(grades[grade]), grade >= 2, "grade")
            for grade, name in enumerate(CARD_GRADES, start=1)
        )
    options: list[tuple[str, bool]]
    if isinstance(question, ChoiceQuestion):
        options = [(choice, choice == question.answer) for choice in question.choices]
    elif isinstance(question, MultiQuestion):
        options = [(choice, choice in question.answers) for choice in question.choices]
    elif isinstance(question, TrueFalseQuestion):
        options = [("true", question.answer), ("false", not question.answer)]
    else:
        return response_counts(question, firsts)
    picked = {first.learner: _picks(question, first.response) or set() for first in firsts}
    strong_answered = [learner for learner in picked if learner in strong]
    weak_answered = [learner for learner in picked if learner in weak]
    known = {text.strip() for text, _ in options}
    rows: list[ChoiceCount] = []
    for text, correct in options:
        who = [learner for learner, picks in picked.items() if text.strip() in picks]
        flags: list[str] = []
        if not correct:
            if not who and total >= MIN_LEARNERS_FOR_UNUSED:
                flags.append("never picked")
            if total >= MIN_LEARNERS_FOR_STRONG_WEAK and strong_answered and weak_answered:
                strong_share = sum(1 for learner in who if learner in strong) / len(strong_answered)
                weak_share = sum(1 for learner in who if learner in weak) / len(weak_answered)
                if strong_share > weak_share:
                    flags.append("picked more by strong learners")
        rows.append(ChoiceCount(text, len(who), share(len(who)), correct, "choice", tuple(flags)))
    others = sum(1 for picks in picked.values() if picks - known or not picks)
    if others:
        rows.append(ChoiceCount("(another answer)", others, share(others), False, "other"))
    return tuple(rows)


def response_counts(question: Question, firsts: Sequence[FirstAttempt]) -> tuple[ChoiceCount, ...]:
    """An open question's most common first-attempt responses, one count per learner."""
    counts: Counter[str] = Counter()
    text: dict[str, str] = {}
    right: dict[str, bool] = {}
    for first in firsts:
        canonical = _canonical(first.response, question.type)
        counts[canonical] += 1
        text.setdefault(canonical, response_text(first.response))
        right[canonical] = right.get(canonical, False) or first.correct
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    total = len(firsts)
    rows = [
        ChoiceCount(text[canonical], count, count / total, right[canonical], "response")
        for canonical, count in ranked[:TOP_RESPONSES]
    ]
    rest = sum(count for _, count in ranked[TOP_RESPONSES:])
    if rest:
        rows.append(ChoiceCount(f"({len(ranked) - TOP_RESPONSES} other responses)", rest, rest / total, False, "other"))
    return tuple(rows)
