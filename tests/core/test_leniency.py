"""Typed answers forgiven as a teacher would, and `strict: true` (issue 19, point 2)."""

from __future__ import annotations

import pytest

from quiz.core.bank import load_text
from quiz.core.grading import grade
from quiz.core.leniency import read_date
from quiz.core.model import ClozeQuestion, ShortQuestion


def short(*answers: str, strict: bool = False, typos: int = 0) -> ShortQuestion:
    return ShortQuestion(deck="d", id="s", prompt="?", answers=answers, strict=strict, typos=typos)


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("the Slovenia", "Slovenia"),
        ("in Slovenia", "Slovenia"),
        ("Caucasus", "the Caucasus"),
        ("in the Caucasus", "the Caucasus"),
        ("supreme interest", "supreme interests"),
        ("supreme interests", "supreme interest"),
        ("a treaty", "treaty"),
        ("Dec 31 1999", "31 December 1999"),
        ("December 31, 1999", "31 December 1999"),
        ("the 31st of December 1999", "31 December 1999"),
        ("1999-12-31", "31 December 1999"),
        ("31.12.1999", "31 December 1999"),
        ("12/31/1999", "31 December 1999"),
    ],
)
def test_what_a_teacher_forgives_is_right_and_said(typed: str, answer: str) -> None:
    outcome = grade(short(answer), typed)
    assert outcome.correct, (typed, answer)
    assert outcome.forgiven == (f"accepted: '{typed}' for '{answer}'",)
    assert not outcome.typo_forgiven  # a different form, not a weaker recall


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Slovakia", "Slovenia"),
        ("camera", "in camera"),  # the answer's own preposition must be typed
        ("30 December 1999", "31 December 1999"),
        ("December 1999", "31 December 1999"),
        ("01/02/1999", "1 February 1999"),  # day and month could be swapped: no date
        ("the", "the Hague"),
    ],
)
def test_what_stays_wrong(typed: str, answer: str) -> None:
    assert not grade(short(answer), typed).correct


def test_an_exact_answer_has_nothing_forgiven() -> None:
    outcome = grade(short("the Caucasus"), "The Caucasus")
    assert outcome.correct and outcome.forgiven == ()


def test_strict_questions_forgive_nothing_but_case_and_typos() -> None:
    assert not grade(short("the Caucasus", strict=True), "Caucasus").correct
    assert not grade(short("31 December 1999", strict=True), "Dec 31 1999").correct
    assert grade(short("the Caucasus", strict=True), "THE CAUCASUS").correct
    assert grade(short("the Caucasus", strict=True, typos=1), "the Caucasis").correct


def test_cloze_gaps_are_forgiven_gap_by_gap() -> None:
    bank, problems = load_text(
        'questions:\n  - id: c\n    type: cloze\n    text: "Fighting in {{the Caucasus}} began in {{August 1999}}."\n',
        "b.yaml",
    )
    assert problems == [] and bank is not None
    question = bank.questions[0]
    assert isinstance(question, ClozeQuestion)
    outcome = grade(question, ("Caucasus", "Aug 1999"))
    assert outcome.correct
    assert outcome.forgiven == (
        "[1] accepted: 'Caucasus' for 'the Caucasus'",
        "[2] accepted: 'Aug 1999' for 'August 1999'",
    )


BANK = """\
strict: {bank}
questions:
  - id: plain
    type: short
    prompt: Where?
    answer: the Caucasus
  - id: own
    type: short
    prompt: Where?
    answer: the Caucasus
    strict: {own}
"""


def test_strict_in_the_bank_header_and_per_question() -> None:
    bank, problems = load_text(BANK.format(bank="true", own="false"), "b.yaml")
    assert problems == [] and bank is not None and bank.strict
    plain, own = bank.questions
    assert not grade(plain, "Caucasus").correct  # the bank is strict
    assert grade(own, "Caucasus").correct  # the question says otherwise
    bank, problems = load_text(BANK.format(bank="false", own="true"), "b.yaml")
    assert problems == [] and bank is not None
    plain, own = bank.questions
    assert grade(plain, "Caucasus").correct and not grade(own, "Caucasus").correct


def test_strict_is_refused_where_it_means_nothing() -> None:
    _, problems = load_text("questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x, strict: true}\n", "b.yaml")
    assert [p.message for p in problems] == ["field 'strict' is not used by 'choice' questions"]
    _, problems = load_text("strict: maybe\nquestions:\n  - {id: a, type: short, prompt: p, answer: x}\n", "b.yaml")
    assert problems and "strict" in problems[0].message


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("31 December 1999", (1999, 12, 31)),
        ("Dec. 31st, 1999", (1999, 12, 31)),
        ("1999-12-31", (1999, 12, 31)),
        ("29 February 2000", (2000, 2, 29)),
        ("December 1999", (1999, 12, 0)),
    ],
)
def test_read_date(text: str, date: tuple[int, int, int]) -> None:
    assert read_date(text) == date


@pytest.mark.parametrize("text", ["29 February 1999", "31 June 2000", "Putin", "13/13/2000", "31 December"])
def test_not_dates(text: str) -> None:
    assert read_date(text) is None


def test_strict_survives_the_yaml_writer() -> None:
    from quiz.formats.common import ImportedBank
    from quiz.formats.yaml_writer import render_bank

    bank = ImportedBank(deck="w")
    bank.questions.append(ShortQuestion(deck="w", id="s", prompt="Where?", answers=("the Caucasus",), strict=True))
    bank.questions.append(ShortQuestion(deck="w", id="t", prompt="Where?", answers=("the Caucasus",)))
    text, _ = render_bank(bank)
    loaded, problems = load_text(text, "w.yaml")
    assert problems == [] and loaded is not None
    strict, lenient = loaded.questions
    assert not grade(strict, "Caucasus").correct and grade(lenient, "Caucasus").correct
