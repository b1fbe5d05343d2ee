"""Number answers read as a learner writes them (issue 19, point 1)."""

from __future__ import annotations

import pytest

from quiz.core.grading import grade, refusal
from quiz.core.model import NumberQuestion
from quiz.core.numbers import NotANumber, Reading, read_number, unit_matches, words_to_number


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("six", 6),
        ("Twenty-one", 21),
        ("twenty one", 21),
        ("a hundred and five", 105),
        ("three hundred", 300),
        ("two thousand and one", 2001),
        ("two thousand", 2000),
        ("one million two hundred thousand", 1_200_000),
        ("nineteen sixty-two", 1962),
        ("nineteen oh five", 1905),
        ("nineteen hundred", 1900),
        ("twenty twenty-six", 2026),
        ("minus five", -5),
        ("three point one four", 3.14),
        ("2 million", 2_000_000),
        ("zero", 0),
    ],
)
def test_number_words(words: str, value: float) -> None:
    assert words_to_number(words) == pytest.approx(value)


@pytest.mark.parametrize("words", ["five six", "thousand hundred", "banana", "twenty and", "hundred one two", ""])
def test_ambiguous_or_unknown_words_are_no_number(words: str) -> None:
    assert words_to_number(words) is None


@pytest.mark.parametrize(
    ("given", "unit"),
    [
        ("month", "months"),
        ("Months", "months"),
        ("C", "°C"),
        ("degrees", "°C"),
        ("celsius", "°C"),
        ("percent", "%"),
        ("kilometres", "km"),
        ("warhead", "warheads"),
        ("yrs", "years"),
    ],
)
def test_unit_spellings(given: str, unit: str) -> None:
    assert unit_matches(given, unit)


@pytest.mark.parametrize(("given", "unit"), [("F", "°C"), ("days", "months"), ("km", "miles")])
def test_other_units_do_not_match(given: str, unit: str) -> None:
    assert not unit_matches(given, unit)


def test_ranges_are_read_in_several_forms() -> None:
    for typed in ("5-7", "5 to 7", "between 5 and 7", "7 - 5", "5–7 km"):
        reading = read_number(typed, "km")
        assert reading == Reading(5, 7, reading.unit_given) if isinstance(reading, Reading) else False, typed


def question(answer: float, unit: str | None = None, tolerance: float = 0.0) -> NumberQuestion:
    return NumberQuestion(deck="d", id="n", prompt="How many?", answer=answer, unit=unit, tolerance=tolerance)


@pytest.mark.parametrize(
    ("typed", "answer", "unit"),
    [
        ("six", 6, "months"),
        ("6 month", 6, "months"),
        ("100 C", 100, "°C"),
        ("100 degrees", 100, "°C"),
        ("nineteen sixty-two", 1962, None),
        ("two thousand and one", 2001, None),
        ("1,999", 1999, None),
        ("25 percent", 25, "%"),
    ],
)
def test_the_issue_s_answers_are_right(typed: str, answer: float, unit: str | None) -> None:
    q = question(answer, unit)
    assert refusal(q, typed) is None
    outcome = grade(q, typed)
    assert outcome.correct, outcome
    # What was read or accepted is said; plain digits need no note.
    assert bool(outcome.forgiven) == any(char.isalpha() for char in typed)


def test_feedback_says_how_words_and_units_were_read() -> None:
    assert grade(question(6, "months"), "six").forgiven == ("read 'six' as 6",)
    assert grade(question(6, "months"), "6 month").forgiven == ("accepted: 'month' for 'months'",)
    assert grade(question(6, "months"), "6 months").forgiven == ()


@pytest.mark.parametrize("typed", ["banana", "six apples", "100 F", "twelve o'clock", "5 6"])
def test_text_that_is_no_number_is_refused_with_what_is_expected(typed: str) -> None:
    reason = refusal(question(100, "°C"), typed)
    assert reason is not None and "°C" in reason
    assert isinstance(read_number(typed, "°C"), NotANumber)


def test_a_range_needs_a_tolerance() -> None:
    exact = question(2000)
    assert refusal(exact, "1999-2001") == "Give one number, not a range: this question wants an exact answer."
    loose = question(2000, tolerance=2)
    assert refusal(loose, "1999-2001") is None
    assert grade(loose, "1999-2001").correct
    assert grade(loose, "between 1999 and 2001").correct
    wide = grade(loose, "1990 to 2001")
    assert not wide.correct and "reaches outside" in wide.detail


def test_a_blank_answer_is_still_graded_wrong_not_refused() -> None:
    assert refusal(question(6), "  ") is None
    assert not grade(question(6), "").correct
