"""The bundled banks: enough questions of every type, each explained and sourced."""

from __future__ import annotations

from collections import Counter

import pytest

from quiz.core.bank import load_paths
from quiz.core.config import bundled_questions_dir
from quiz.core.grading import Response, grade
from quiz.core.model import (
    QUESTION_TYPES,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Library,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

MINIMUM = {"clinton-putin-call": 50, "context-1999-2000": 40, "after-2000": 80, "the-argument": 20}


@pytest.fixture(scope="module")
def library() -> Library:
    library, problems = load_paths([bundled_questions_dir()])
    assert problems == []
    return library


def test_each_bank_has_its_minimum_and_the_total_is_at_least_200(library: Library) -> None:
    counts = {bank.deck: len(bank.questions) for bank in library.banks}
    assert set(counts) == set(MINIMUM)
    for deck, minimum in MINIMUM.items():
        assert counts[deck] >= minimum, (deck, counts[deck])
    assert sum(counts.values()) >= 200


@pytest.mark.parametrize("deck", sorted(MINIMUM))
def test_each_bank_uses_every_question_type(library: Library, deck: str) -> None:
    bank = library.bank(deck)
    assert bank is not None
    types = Counter(q.type for q in bank.questions)
    assert set(types) == set(QUESTION_TYPES), types


def test_every_question_has_an_explanation_and_a_defined_source(library: Library) -> None:
    for question in library.questions:
        assert len(question.explanation.split()) >= 8, question.key
        assert question.source and question.citation, question.key


def test_every_bank_has_a_title_and_description(library: Library) -> None:
    for bank in library.banks:
        assert bank.title != bank.deck and len(bank.description) > 20, bank.deck


def right_answer(question: Question) -> Response:
    if isinstance(question, ChoiceQuestion):
        return question.answer
    if isinstance(question, MultiQuestion):
        return question.answers
    if isinstance(question, TrueFalseQuestion):
        return question.answer
    if isinstance(question, ShortQuestion):
        return question.answers[-1]
    if isinstance(question, NumberQuestion):
        return f"{question.answer:g}"
    if isinstance(question, ClozeQuestion):
        return tuple(gap.answers[-1] for gap in question.gaps)
    if isinstance(question, OrderQuestion):
        return question.items
    if isinstance(question, MatchQuestion):
        return dict(question.pairs)
    assert isinstance(question, CardQuestion)
    return 3


def test_every_question_is_answerable_with_its_own_answer(library: Library) -> None:
    wrong = [q.key for q in library.questions if not grade(q, right_answer(q)).correct]
    assert wrong == []
