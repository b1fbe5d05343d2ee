"""Grading as a learner meets it: what counts as right, and what feedback says."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.grading import (
    BadResponse,
    Outcome,
    Response,
    edit_distance,
    grade,
    normalise,
    parse_number,
    response_from_json,
    response_to_json,
)
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

CHOICE = ChoiceQuestion(
    deck="d",
    id="choice",
    prompt="When?",
    choices=("31 December 1999", "1 January 2000", "26 March 2000"),
    answer="1 January 2000",
)
MULTI = MultiQuestion(
    deck="d",
    id="multi",
    prompt="Who was on the call?",
    choices=("Clinton", "Yeltsin", "Putin", "Gore"),
    answers=frozenset({"Clinton", "Putin"}),
)
TRUEFALSE = TrueFalseQuestion(deck="d", id="tf", prompt="Yeltsin resigned.", answer=True)
SHORT = ShortQuestion(deck="d", id="short", prompt="Who resigned?", answers=("Yeltsin",), typos=1)
NUMBER = NumberQuestion(deck="d", id="number", prompt="How far?", answer=2000, tolerance=1, unit="km")
CLOZE = ClozeQuestion(
    deck="d",
    id="cloze",
    prompt="",
    text="{{Clinton}} called {{Putin|Vladimir Putin}} in {{2000}}.",
    parts=(Gap(("Clinton",)), " called ", Gap(("Putin", "Vladimir Putin")), " in ", Gap(("2000",))),
    typos=1,
)
ORDER = OrderQuestion(deck="d", id="order", prompt="Order", items=("a", "b", "c", "d", "e"))
MATCH = MatchQuestion(
    deck="d",
    id="match",
    prompt="Match",
    pairs=(("Clinton", "USA"), ("Putin", "Russia"), ("Blair", "UK")),
)
CARD = CardQuestion(deck="d", id="card", prompt="Yeltsin's successor?", answer="Putin")


def short(*answers: str, typos: int = 0) -> ShortQuestion:
    return ShortQuestion(deck="d", id="q", prompt="p", answers=answers, typos=typos)


# ---------------------------------------------------------------- normalise, distance


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Él'tsin", "eltsin"),
        ("  Yeltsin  ", "yeltsin"),
        ("ЁЛКА", "елка"),
        ("Ельцин", "ельцин"),
        ("Чайковский", "чайковский"),  # й is a letter, not и with an accent
        ("«Jean-Paul»,  Sartre!", "jeanpaul sartre"),
        ("Elʹtsin", "eltsin"),  # modifier-letter prime from transliteration
        ("El´tsin", "eltsin"),  # spacing acute, which NFKD turns into space + accent
        ("ＦＵＬＬ width", "full width"),
        ("tab\tand\nnewline", "tab and newline"),
        ("Straße", "strasse"),
        ("が", "が"),  # a Japanese dakuten changes the letter: kept
        ("?!...", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("", "abc", 3),
        ("yeltsin", "yeltsin", 0),
        ("yeltsin", "yeltsn", 1),
        ("yeltsin", "yetlsin", 1),  # neighbours swapped: one edit
        ("kitten", "sitting", 3),
        ("ca", "abc", 3),  # optimal string alignment, not unrestricted Damerau
        ("bab", "b", 2),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_limit_stops_early_with_limit_plus_one() -> None:
    assert edit_distance("kitten", "sitting", limit=1) == 2
    assert edit_distance("a", "abcdefgh", limit=2) == 3
    assert edit_distance("kitten", "sitting", limit=3) == 3


def reference_distance(a: str, b: str) -> int:
    """The textbook full-matrix optimal string alignment distance."""
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet="abc", max_size=8),
    st.text(alphabet="abc", max_size=8),
    st.integers(min_value=0, max_value=4),
)
def test_edit_distance_agrees_with_the_textbook_one(a: str, b: str, limit: int) -> None:
    full = reference_distance(a, b)
    assert edit_distance(a, b) == full
    assert edit_distance(a, b, limit=limit) == min(full, limit + 1)


# ---------------------------------------------------------------------------- short


@pytest.mark.parametrize(
    ("question", "typed", "correct", "forgiven"),
    [
        (short("Yeltsin"), "Yeltsin", True, False),
        (short("Yeltsin"), "  yELTSIN ", True, False),
        (short("Yeltsin"), "Putin", False, False),
        (short("Eltsin"), "Él'tsin", True, False),
        (short("Él'tsin"), "eltsin", True, False),
        (short("Ельцин"), "ЕЛЬЦИН", True, False),
        (short("Горбачёв"), "горбачев", True, False),
        (short("Горбачев"), "ГОРБАЧЁВ", True, False),
        (short("Jean-Paul Sartre"), "jean paul   sartre.", True, False),
        (short("New York"), "NewYork", True, False),
        (short("Yeltsin", typos=1), "Yeltsn", True, True),  # at the limit
        (short("Yeltsin", typos=1), "Yetlsin", True, True),  # swap counts once
        (short("Yeltsin", typos=1), "Yltsn", False, False),  # beyond it
        (short("Yeltsin", typos=2), "Yltsn", True, True),
        (short("Yeltsin", typos=2), "Ylsn", False, False),
        (short("Yeltsin"), "Yeltsn", False, False),  # no typos allowed by default
        (short("Rus", typos=2), "Bus", False, False),  # <= 3 characters: exact only
        (short("Rus", typos=2), "rus", True, False),
        (short("UK", typos=1), "U", False, False),
        (short("Kyiv", typos=1), "Kyv", True, True),  # 4 characters: typos apply
        (short("Apollo 11", typos=1), "Apolo 11", True, True),
        (short("Apollo 11", typos=1), "Apollo 12", False, False),  # digits are never typos
        (short("1 January 2000", typos=2), "1 Januray 2000", True, True),
        (short("1 January 2000", typos=2), "1 January 2001", False, False),
        (short("Yeltsin", typos=1), "", False, False),
        (short("Yeltsin", typos=1), "   ", False, False),
        (short("Yeltsin", typos=1), "?!", False, False),
        (short("C", "C++"), "c", True, False),
    ],
)
def test_short(question: ShortQuestion, typed: str, correct: bool, forgiven: bool) -> None:
    outcome = grade(question, typed)
    assert (outcome.correct, outcome.typo_forgiven) == (correct, forgiven)
    assert outcome.expected == question.answers[0]


def test_short_prefers_an_exact_alternative_over_a_typo() -> None:
    outcome = grade(short("Kiev", "Kyiv", typos=1), "kyiv")
    assert outcome == Outcome(correct=True, expected="Kiev", expected_parts=("Kiev",), matched="Kyiv")


def test_short_feedback_names_the_forgiven_typo_and_blank_answers() -> None:
    assert grade(SHORT, "Yeltsn").detail == "Accepted with 1 typo: Yeltsin"
    assert grade(SHORT, "  ").detail == "No answer given"
    assert grade(SHORT, "Putin").detail == ""


# --------------------------------------------------------------------------- number


@pytest.mark.parametrize(
    ("typed", "correct", "detail"),
    [
        ("2000", True, ""),
        (" 2000 ", True, ""),
        ("+2000", True, ""),
        ("2001", True, "Within tolerance: off by 1"),  # at the edge
        ("1999", True, "Within tolerance: off by 1"),
        ("2001.5", False, "Off by 1.5 (tolerance 1)"),
        ("2002", False, "Off by 2 (tolerance 1)"),
        ("1,999", True, "Within tolerance: off by 1"),
        ("1 999", True, "Within tolerance: off by 1"),
        ("1\u2009999", True, "Within tolerance: off by 1"),  # thin space
        ("1\u202f999,5", True, "Within tolerance: off by 0.5"),
        ("1.999,5", True, "Within tolerance: off by 0.5"),
        ("2e3", True, ""),
        ("2.0E+3", True, ""),
        ("2000 km", True, ""),
        ("2000KM", True, ""),
        ("-2000", False, "Off by 4000 (tolerance 1)"),
        ("2000 miles", False, "Not a number"),
        ("two thousand", True, ""),  # read as 2000, and the feedback says so (issue 19)
        ("1,99,9", False, "Not a number"),
        ("inf", False, "Not a number"),
        ("nan", False, "Not a number"),
        ("km", False, "Not a number"),
        ("", False, "No answer given"),
    ],
)
def test_number(typed: str, correct: bool, detail: str) -> None:
    outcome = grade(NUMBER, typed)
    assert (outcome.correct, outcome.detail) == (correct, detail)
    assert outcome.expected == "2000 km ± 1 km"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("2,5", 2.5),  # decimal comma: a thousands group needs three digits
        ("0,999", 0.999),
        ("1234,5", 1234.5),
        ("1,999", 1999.0),
        ("1,999,000.25", 1999000.25),
        ("1'999", 1999.0),
        ("1.999.000", 1999000.0),
        (".5", 0.5),
        ("−3", -3.0),  # the minus sign, not a hyphen
        ("- 3", -3.0),
        ("25 %", 25.0),
        ("25%", 25.0),
        ("1e400", None),
        ("1_000", None),
        ("0x10", None),
        ("2.5.1", None),
        ("", None),
    ],
)
def test_parse_number(typed: str, value: float | None) -> None:
    assert parse_number(typed, "%") == value


def test_number_tolerance_uses_a_small_epsilon_for_float_noise() -> None:
    question = NumberQuestion(deck="d", id="n", prompt="p", answer=0.3, tolerance=0.1)
    assert grade(question, "0.2").correct
    assert grade(question, "0.4").correct  # 0.4 - 0.3 is 0.10000000000000003
    assert not grade(question, "0.41").correct


def test_number_expected_without_tolerance_or_unit_and_with_percent() -> None:
    exact = NumberQuestion(deck="d", id="n", prompt="p", answer=1999.5)
    assert grade(exact, "1999").expected == "1999.5"
    assert grade(exact, "1999").detail == "Off by 0.5"
    assert not grade(exact, "1999 km").correct  # no unit in the question: none accepted
    percent = NumberQuestion(deck="d", id="p", prompt="p", answer=25, tolerance=2, unit="%")
    assert grade(percent, "26 %").correct
    assert grade(percent, "26").expected == "25% ± 2%"


# --------------------------------------------------------------- choice, tf, multi


@pytest.mark.parametrize(
    ("picked", "correct", "wrong_parts"),
    [("1 January 2000", True, ()), ("26 March 2000", False, (2,)), ("", False, ())],
)
def test_choice(picked: str, correct: bool, wrong_parts: tuple[int, ...]) -> None:
    outcome = grade(CHOICE, picked)
    assert (outcome.correct, outcome.wrong_parts) == (correct, wrong_parts)
    assert outcome.expected == "1 January 2000"


@pytest.mark.parametrize(("answer", "correct"), [(True, True), (False, False)])
def test_truefalse(answer: bool, correct: bool) -> None:
    outcome = grade(TRUEFALSE, answer)
    assert outcome.correct is correct
    assert outcome.expected == "True"
    assert grade(TrueFalseQuestion(deck="d", id="f", prompt="p", answer=False), False).correct


@pytest.mark.parametrize(
    ("ticked", "correct", "wrong_parts", "detail"),
    [
        ({"Clinton", "Putin"}, True, (), ""),
        ({"Clinton"}, False, (2,), "1 right choice missed"),  # a subset is not enough
        ({"Clinton", "Putin", "Gore"}, False, (3,), "1 wrong choice ticked"),  # nor a superset
        ({"Yeltsin", "Putin"}, False, (0, 1), "1 wrong choice ticked, 1 right choice missed"),
        (set(), False, (0, 2), "Nothing ticked"),
    ],
)
def test_multi_needs_exactly_the_right_set(
    ticked: set[str], correct: bool, wrong_parts: tuple[int, ...], detail: str
) -> None:
    outcome = grade(MULTI, frozenset(ticked))
    assert (outcome.correct, outcome.wrong_parts, outcome.detail) == (correct, wrong_parts, detail)
    assert outcome.expected == "Clinton, Putin"  # in choice order


# -------------------------------------------------------------------------- cloze


@pytest.mark.parametrize(
    ("typed", "correct", "wrong_parts", "forgiven", "detail"),
    [
        (("Clinton", "Putin", "2000"), True, (), False, ""),
        (("clinton", "Vladimir Putin", "2000"), True, (), False, ""),  # an alternative
        (("Clintn", "vladimir putn", "2000"), True, (), True, "Accepted with 2 typos"),
        (("Clinton", "Yeltsin", "2000"), False, (1,), False, "2 of 3 gaps right"),
        (("Clinton", "Putin", "2001"), False, (2,), False, "2 of 3 gaps right"),  # short: exact
        (("Clinton", "Putin"), False, (2,), False, "2 of 3 gaps right"),  # a gap left out
        (("Bush", "", "1999"), False, (0, 1, 2), False, "0 of 3 gaps right"),
        (("", "", ""), False, (0, 1, 2), False, "No answer given"),
    ],
)
def test_cloze_grades_each_gap(
    typed: tuple[str, ...],
    correct: bool,
    wrong_parts: tuple[int, ...],
    forgiven: bool,
    detail: str,
) -> None:
    outcome = grade(CLOZE, typed)
    assert (outcome.correct, outcome.wrong_parts) == (correct, wrong_parts)
    assert (outcome.typo_forgiven, outcome.detail) == (forgiven, detail)
    assert outcome.expected == "Clinton, Putin, 2000"
    assert outcome.expected_parts == ("Clinton", "Putin", "2000")


# -------------------------------------------------------------------- order, match


@pytest.mark.parametrize(
    ("typed", "correct", "wrong_parts", "detail"),
    [
        ("abcde", True, (), ""),
        ("abced", False, (3, 4), "3 of 5 items in place"),
        ("eabcd", False, (0, 1, 2, 3, 4), "0 of 5 items in place"),
        ("bacde", False, (0, 1), "3 of 5 items in place"),
        ("abcd", False, (4,), "4 of 5 items in place"),  # an item left out
        ("abcdea", False, (5,), "5 of 5 items in place"),  # a surplus item
    ],
)
def test_order(typed: str, correct: bool, wrong_parts: tuple[int, ...], detail: str) -> None:
    outcome = grade(ORDER, tuple(typed))
    assert (outcome.correct, outcome.wrong_parts, outcome.detail) == (correct, wrong_parts, detail)
    assert outcome.expected == "1. a  2. b  3. c  4. d  5. e"


@pytest.mark.parametrize(
    ("paired", "correct", "wrong_parts", "detail"),
    [
        ({"Clinton": "USA", "Putin": "Russia", "Blair": "UK"}, True, (), ""),
        ({"Blair": "UK", "Putin": "Russia", "Clinton": "USA"}, True, (), ""),  # dict order
        ({"Clinton": "USA", "Putin": "UK", "Blair": "Russia"}, False, (1, 2), "1 of 3 pairs right"),
        ({"Clinton": "USA"}, False, (1, 2), "1 of 3 pairs right"),
        ({}, False, (0, 1, 2), "0 of 3 pairs right"),
    ],
)
def test_match(paired: dict[str, str], correct: bool, wrong_parts: tuple[int, ...], detail: str) -> None:
    outcome = grade(MATCH, paired)
    assert (outcome.correct, outcome.wrong_parts, outcome.detail) == (correct, wrong_parts, detail)
    assert outcome.expected == "Clinton → USA; Putin → Russia; Blair → UK"


# --------------------------------------------------------------------------- card


@pytest.mark.parametrize(("self_grade", "correct"), [(1, False), (2, True), (3, True), (4, True)])
def test_card_is_self_graded(self_grade: int, correct: bool) -> None:
    outcome = grade(CARD, self_grade)
    assert (outcome.correct, outcome.self_grade) == (correct, self_grade)
    assert outcome.expected == "Putin"


@pytest.mark.parametrize("self_grade", [0, 5, -1])
def test_card_grade_out_of_range_is_refused(self_grade: int) -> None:
    with pytest.raises(ValueError, match="1-4"):
        grade(CARD, self_grade)


@pytest.mark.parametrize(
    ("question", "response"),
    [(CARD, True), (CARD, "3"), (SHORT, 3), (ORDER, "abcde"), (MATCH, ["x"]), (TRUEFALSE, 1)],
)
def test_a_response_of_the_wrong_type_is_a_programming_error(question: Question, response: Response) -> None:
    with pytest.raises(TypeError, match=question.type):
        grade(question, response)


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("question", "response", "stored"),
    [
        (CHOICE, "1 January 2000", "1 January 2000"),
        (MULTI, frozenset({"Putin", "Clinton"}), ["Clinton", "Putin"]),
        (MULTI, frozenset(), []),
        (TRUEFALSE, False, False),
        (SHORT, "Él'tsin", "Él'tsin"),
        (NUMBER, "1 999,5 km", "1 999,5 km"),
        (CLOZE, ("Clinton", "", "2000"), ["Clinton", "", "2000"]),
        (ORDER, ("b", "a", "c", "d", "e"), ["b", "a", "c", "d", "e"]),
        (MATCH, {"Clinton": "USA", "Putin": "UK"}, {"Clinton": "USA", "Putin": "UK"}),
        (CARD, 3, 3),
    ],
)
def test_json_round_trip(question: Question, response: Response, stored: object) -> None:
    data = response_to_json(question, response)
    assert data == stored
    loaded = response_from_json(question, json.loads(json.dumps(data)))
    assert loaded == response
    assert type(loaded) is type(response)
    assert grade(question, loaded) == grade(question, response)


@pytest.mark.parametrize(
    ("question", "data"),
    [
        (CHOICE, 3),
        (CHOICE, None),
        (SHORT, ["Yeltsin"]),
        (NUMBER, 2000),
        (MULTI, "Clinton"),
        (MULTI, ["Clinton", 3]),
        (TRUEFALSE, "true"),
        (TRUEFALSE, 1),
        (CLOZE, "Clinton"),
        (CLOZE, [None]),
        (ORDER, {"a": "b"}),
        (MATCH, [["Clinton", "USA"]]),
        (MATCH, {"Clinton": 1}),
        (CARD, True),
        (CARD, 5),
        (CARD, 2.0),
        (CARD, "3"),
    ],
)
def test_malformed_stored_response_raises_bad_response(question: Question, data: object) -> None:
    with pytest.raises(BadResponse) as caught:
        response_from_json(question, data)
    assert isinstance(caught.value, ValueError)
    assert question.type in str(caught.value)


def test_cloze_with_more_answers_than_gaps_is_wrong() -> None:
    """A hand-edited log or a buggy caller must not score extra text as right."""
    question = ClozeQuestion(
        deck="d", id="q", prompt="", text="{{a}} and {{b}}", parts=(Gap(("a",)), " and ", Gap(("b",)))
    )
    assert grade(question, ("a", "b")).correct
    outcome = grade(question, ("a", "b", "c"))
    assert not outcome.correct and outcome.wrong_parts == (2,)
