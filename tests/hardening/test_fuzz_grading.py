"""Whatever a learner types (or a widget hands over), grading gives a verdict and never
raises, and the verdict survives the trip through the score log's JSON.

Typed answers are the one input that comes from the keyboard: 5,000-character
words, control characters, other scripts' digits, numbers too large for a float.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.bank import load_text
from quiz.core.grading import Outcome, grade, response_from_json, response_to_json
from quiz.core.model import Question
from tests.hardening.conftest import PROFILE
from tests.hardening.hostile import HOSTILE, PLAIN_BANK

FUZZ = settings.get_profile(PROFILE)


def questions() -> dict[str, Question]:
    bank, problems = load_text(PLAIN_BANK, "every.yaml")
    assert bank is not None, problems
    return {q.type: q for q in bank.questions}


QUESTIONS = questions()
typed = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        ["", " ", HOSTILE, "9" * 5000, "1e400", "nan", "-inf", "٢٠٠٠", "２０００", "2,000.5", "0x7D0", "x" * 5000]
    ),
)


@st.composite
def response_for(draw: st.DrawFn, question: Question) -> Any:
    """A response of the shape the question's widget produces, with any content."""
    qtype = question.type
    if qtype in ("short", "number"):
        return draw(typed)
    if qtype == "choice":
        return draw(st.sampled_from(list(question.choices)) | typed)  # type: ignore[union-attr]
    if qtype == "multi":
        picked = st.sampled_from(list(question.choices)) | typed  # type: ignore[union-attr]
        return frozenset(draw(st.lists(picked, max_size=5)))
    if qtype == "truefalse":
        return draw(st.booleans())
    if qtype == "card":
        return draw(st.integers(1, 4))
    if qtype == "cloze":
        gaps = len(question.gaps)  # type: ignore[union-attr]
        return tuple(draw(st.lists(typed, min_size=gaps, max_size=gaps)))
    if qtype == "order":
        items = list(question.items)  # type: ignore[union-attr]
        return tuple(draw(st.permutations(items)))
    pairs = question.pairs  # type: ignore[union-attr]
    rights = [right for _, right in pairs]
    return {left: draw(st.sampled_from(rights) | typed) for left, _ in pairs}


@FUZZ
@given(st.data())
def test_grading_any_response_gives_a_verdict(data: st.DataObject) -> None:
    question = data.draw(st.sampled_from(list(QUESTIONS.values())))
    response = data.draw(response_for(question))
    outcome = grade(question, response)
    assert isinstance(outcome, Outcome) and isinstance(outcome.correct, bool)
    assert isinstance(outcome.expected, str) and isinstance(outcome.detail, str)
    stored = json.loads(json.dumps(response_to_json(question, response), ensure_ascii=False))
    back = response_from_json(question, stored)
    assert grade(question, back).correct == outcome.correct  # the log tells the same story
