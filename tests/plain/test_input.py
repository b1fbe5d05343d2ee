"""The typed forms of every question type: what is an answer, and what is asked again."""

from __future__ import annotations

import pytest

from quiz.cli.plain_input import Refused, letter_labels, parse_answer, parse_card_grade
from quiz.core.model import (
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    OrderQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.core.session import Presented

CHOICE = Presented(
    ChoiceQuestion(deck="d", id="c", prompt="p", choices=("Kazan", "Moscow"), answer="Moscow"),
    choices=("Moscow", "Kazan"),
)
MULTI = Presented(
    MultiQuestion(deck="d", id="m", prompt="p", choices=("2", "4", "5"), answers=frozenset({"2", "5"})),
    choices=("5", "4", "2"),
)
ORDER = Presented(OrderQuestion(deck="d", id="o", prompt="p", items=("a", "b", "c")), items=("c", "a", "b"))
MATCH = Presented(
    MatchQuestion(deck="d", id="x", prompt="p", pairs=(("Clinton", "US"), ("Putin", "Russia"), ("Blair", "UK"))),
    rights=("UK", "US", "Russia"),
)
CLOZE = Presented(
    ClozeQuestion(deck="d", id="z", prompt="", text="", parts=(Gap(("Clinton",)), " phoned ", Gap(("Putin",))))
)


def test_choice_by_its_shown_number_or_its_text() -> None:
    assert parse_answer(CHOICE, "1") == "Moscow"  # shown first, whatever the bank's order
    assert parse_answer(CHOICE, " 2 ") == "Kazan"
    assert parse_answer(CHOICE, "  moscow ") == "Moscow"
    for wrong in ("0", "3", "Paris", "1 2"):
        with pytest.raises(Refused, match="1 to 2"):
            parse_answer(CHOICE, wrong)


def test_multi_takes_numbers_separated_by_spaces_or_commas() -> None:
    assert parse_answer(MULTI, "1 3") == frozenset({"5", "2"})
    assert parse_answer(MULTI, "3,1") == frozenset({"5", "2"})
    with pytest.raises(Refused, match="'4' is not a number from 1 to 3"):
        parse_answer(MULTI, "1 4")


def test_truefalse_words() -> None:
    question = Presented(TrueFalseQuestion(deck="d", id="t", prompt="p", answer=True))
    assert [parse_answer(question, w) for w in ("t", "TRUE", "yes", "f", "False", "n")] == [True] * 3 + [False] * 3
    with pytest.raises(Refused, match="t for true or f for false"):
        parse_answer(question, "maybe")


def test_order_is_the_shown_numbers_first_to_last() -> None:
    assert parse_answer(ORDER, "2 3 1") == ("a", "b", "c")
    for wrong in ("2 3", "2 2 1", "2 3 1 4"):
        with pytest.raises(Refused):
            parse_answer(ORDER, wrong)


def test_match_pairs_a_letter_with_each_number() -> None:
    expected = {"Clinton": "US", "Putin": "Russia", "Blair": "UK"}
    assert parse_answer(MATCH, "1b 2c 3a") == expected
    assert parse_answer(MATCH, "1-B, 2=c 3 a") == expected
    with pytest.raises(Refused, match="Partner b is given twice"):
        parse_answer(MATCH, "1b 2b 3a")
    with pytest.raises(Refused, match="still without one: 3"):
        parse_answer(MATCH, "1b 2c")
    with pytest.raises(Refused, match="no partner d"):
        parse_answer(MATCH, "1d 2c 3a")
    with pytest.raises(Refused, match="a letter for each number"):
        parse_answer(MATCH, "Clinton with US")


def test_cloze_gaps_are_separated_by_a_bar() -> None:
    assert parse_answer(CLOZE, " Clinton |Putin ") == ("Clinton", "Putin")
    with pytest.raises(Refused, match="2 gaps"):
        parse_answer(CLOZE, "Clinton Putin")
    with pytest.raises(Refused, match="Gap 2 is empty"):
        parse_answer(CLOZE, "Clinton | ")


def test_typed_text_is_kept_and_an_empty_line_is_never_an_answer() -> None:
    short = Presented(ShortQuestion(deck="d", id="s", prompt="p", answers=("Putin",)))
    assert parse_answer(short, "  Vladimir Putin ") == "Vladimir Putin"
    for presented in (short, CHOICE, MULTI, ORDER, MATCH, CLOZE):
        with pytest.raises(Refused, match="empty line is not an answer"):
            parse_answer(presented, "   ")


def test_card_grades_by_number_or_name() -> None:
    assert [parse_card_grade(w) for w in ("1", "hard", "Good", "4")] == [1, 2, 3, 4]
    with pytest.raises(Refused, match="1 again"):
        parse_card_grade("5")


def test_more_than_26_partners_get_two_letters() -> None:
    labels = letter_labels(28)
    assert labels[25:] == ("z", "aa", "ab")
