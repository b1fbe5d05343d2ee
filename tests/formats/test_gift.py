"""GIFT import: every feature of Moodle's documented syntax, from a fixture written by
hand from the documentation, and the exact place of each syntax error."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.core.grading import grade
from quiz.core.model import (
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats import gift

from .helpers import FIXTURES, load, run


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("gift")
    code, _, err = run("import", str(FIXTURES / "moodle-docs.gift"), "-o", str(out))
    library = load(out)
    return {"code": code, "err": err, "q": {q.id: q for q in library.questions}, "library": library}


def test_fixture_imports_with_reports_and_exit_1(imported: dict[str, object]) -> None:
    assert imported["code"] == 1
    err = str(imported["err"])
    assert "moodle-docs.gift:30: skipped: an essay" in err
    assert "moodle-docs.gift:74: skipped: a description" in err
    assert "imported 19 of 21 questions; 2 skipped: 1 essay, 1 description" in err


def test_title_true_false_and_category(imported: dict[str, object]) -> None:
    q = imported["q"]["Q1"]  # type: ignore[index]
    assert isinstance(q, TrueFalseQuestion) and q.answer is True and q.prompt == "1+1=2"
    decks = {bank.deck: len(bank.questions) for bank in imported["library"].banks}  # type: ignore[attr-defined]
    assert decks == {"moodle-docs": 7, "grant": 12}


def test_choice_with_per_answer_feedback(imported: dict[str, object]) -> None:
    q = imported["q"]["Q2"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion)
    assert q.choices == ("yellow", "red", "blue") and q.answer == "yellow"
    assert q.feedback["red"] == "wrong, it's yellow"
    assert grade(q, "yellow").correct and not grade(q, "red").correct


def test_missing_word_short_answer_is_a_cloze(imported: dict[str, object]) -> None:
    q = imported["q"]["Q3"]  # type: ignore[index]
    assert isinstance(q, ClozeQuestion) and q.text == "Two plus {{two|2}} equals four."
    assert grade(q, ("2",)).correct and not grade(q, ("3",)).correct


def test_matching(imported: dict[str, object]) -> None:
    q = imported["q"]["Q4"]  # type: ignore[index]
    assert isinstance(q, MatchQuestion) and q.pairs == (("cat", "cat food"), ("dog", "dog food"))


@pytest.mark.parametrize(("qid", "answer", "tolerance"), [("Q5", 3, 2), ("Q6", 3, 2), ("Q7", 1822, 0)])
def test_numerical_tolerance_range_and_weighted_answers(
    imported: dict[str, object], qid: str, answer: float, tolerance: float
) -> None:
    q = imported["q"][qid]  # type: ignore[index]
    assert isinstance(q, NumberQuestion) and (q.answer, q.tolerance) == (answer, tolerance)
    assert grade(q, "5").correct == (qid != "Q7")


def test_weighted_numerical_partial_credit_is_reported(imported: dict[str, object]) -> None:
    assert "moodle-docs.gift:24: partial credit 50% for '1822:2' dropped" in str(imported["err"])
    q = imported["q"]["Q7"]  # type: ignore[index]
    assert "Correct! Full credit." in q.explanation


def test_multiple_right_answers_with_weights_become_multi(imported: dict[str, object]) -> None:
    q = imported["q"]["what-two-people-are-entombed-in"]  # type: ignore[index]
    assert isinstance(q, MultiQuestion) and q.answers == frozenset({"Grant", "Grant's wife"})
    assert grade(q, frozenset({"Grant", "Grant's wife"})).correct
    assert not grade(q, frozenset({"Grant"})).correct


def test_partial_credit_in_single_choice_is_reported(imported: dict[str, object]) -> None:
    err = str(imported["err"])
    assert "moodle-docs.gift:67: partial credit 25% for 'Bethlehem' dropped: it counts as wrong" in err
    q = imported["q"]["jesus-christ-was-from"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion) and q.answer == "Nazareth"
    assert q.feedback["Galilee"] == "You need to be more specific."


def test_short_answer_with_several_answers(imported: dict[str, object]) -> None:
    q = imported["q"]["who-s-buried-in-grant-s-2"]  # type: ignore[index]
    assert isinstance(q, ShortQuestion) and q.answers == ("no one", "nobody")


def test_multiple_choice_missing_word_keeps_the_blank(imported: dict[str, object]) -> None:
    q = imported["q"]["grant-is-in-grant-s-tomb"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion) and q.prompt == "Grant is _____ in Grant's tomb." and q.answer == "entombed"


def test_true_false_feedbacks_go_to_the_explanation(imported: dict[str, object]) -> None:
    q = imported["q"]["grant-is-buried-in-grant-s"]  # type: ignore[index]
    assert isinstance(q, TrueFalseQuestion) and q.answer is False
    assert "If answered false: Right: it is a mausoleum." in q.explanation
    assert "If answered true: No one is buried there." in q.explanation


def test_format_marker_and_general_feedback(imported: dict[str, object]) -> None:
    q = imported["q"]["kanji-origin"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion) and q.answer == "China" and q.explanation == "Kanji came from China."
    assert q.prompt == "Japanese characters originally came from what country?"


def test_escapes(imported: dict[str, object]) -> None:
    q = imported["q"]["Escapes"]  # type: ignore[index]
    assert isinstance(q, ShortQuestion)
    assert q.prompt == "1 + 2 = ? {not an answer} a:b # c"
    assert q.answers == ("3",) and "~ right ~" in q.explanation


def test_html_format_becomes_plain_text(imported: dict[str, object]) -> None:
    q = imported["q"]["Html"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion) and q.prompt == "Which is bold & brave?"


def test_numerical_with_decimal_tolerance(imported: dict[str, object]) -> None:
    q = imported["q"]["what-is-the-value-of-pi"]  # type: ignore[index]
    assert isinstance(q, NumberQuestion) and (q.answer, q.tolerance) == (3.14159, 0.0005)
    assert grade(q, "3.1416").correct and not grade(q, "3.15").correct


@pytest.mark.parametrize(
    ("source", "where", "expected"),
    [
        ("::A:: fine {=a}\n\nBroken {=a ~b\n", "t.gift:3:8", "'{' is never closed"),
        ("::Title never closed {=a}\n", "t.gift:1:1", "title '::' is never closed"),
        ("// c\nWhen? {#abc}\n", "t.gift:2:9", "expected a number"),
        ("Range? {#5..1}\n", "t.gift:1:10", "runs backwards"),
        ("Two {=a} sets {=b}\n", "t.gift:1:15", "a second '{'"),
        ("Match {=a -> 1 =b}\n", "t.gift:1:16", "needs 'item -> match'"),
        ("Stray } brace {=a}\n", "t.gift:1:7", "'}' before any '{'"),
    ],
)
def test_syntax_errors_give_file_line_column(source: str, where: str, expected: str) -> None:
    result = gift.parse(source, "t.gift")
    errors = [str(r) for r in result.reports if r.kind == "error"]
    assert len(errors) == 1 and errors[0].startswith(where + ": ") and expected in errors[0], errors


def test_malformed_gift_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.gift"
    source.write_text("::ok:: Fine? {T}\n\n::bad:: Broken {=a ~b\n", encoding="utf-8")
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 1
    assert f"{source}:3:16: '{{' is never closed: expected '}}'" in err
    assert "imported 1 of 2 questions; 1 skipped: 1 syntax error" in err


def test_newline_escape_and_comment_lines_inside_a_question() -> None:
    result = gift.parse("::q:: First line\\nsecond line\n// a comment inside\n{=yes}\n", "n.gift")
    (question,) = result.banks[0].questions
    assert question.prompt == "First line\nsecond line" and not result.reports


def test_deck_option_turns_categories_into_tags() -> None:
    result = gift.parse("$CATEGORY: $course$/top/Geo/Rivers\n\nQ? {=a ~b}\n", "c.gift", "mine")
    (bank,) = result.banks
    assert bank.deck == "mine" and bank.questions[0].tags == ("Geo/Rivers",)
