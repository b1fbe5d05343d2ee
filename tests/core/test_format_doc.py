"""The examples in docs/question-format.md load, so the documentation cannot rot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quiz.core.bank import load_text
from quiz.core.grading import grade
from quiz.core.model import NumberQuestion

DOC = Path(__file__).resolve().parents[2] / "docs" / "question-format.md"
BLOCKS = re.findall(r"```yaml\n(.*?)```", DOC.read_text(), re.DOTALL)
QUESTION_BLOCKS = [b for b in BLOCKS if b.startswith("  - id:")]


def test_the_doc_shows_every_type() -> None:
    assert len(QUESTION_BLOCKS) == 9


@pytest.mark.parametrize("block", QUESTION_BLOCKS, ids=lambda b: b.split("\n")[0].split(": ")[1])
def test_each_question_example_loads(block: str) -> None:
    bank, problems = load_text("questions:\n" + block, "doc.yaml")
    assert problems == []
    assert bank is not None and len(bank.questions) == 1


def test_the_bank_example_loads() -> None:
    bank, problems = load_text(BLOCKS[1], "doc.yaml")
    assert problems == [] and bank is not None and bank.deck == "clinton-putin-call"


@pytest.mark.parametrize("typed", ["2000", " 2,000 ", "2e3", "2000 years"])
def test_number_spellings_the_doc_promises(typed: str) -> None:
    block = next(b for b in QUESTION_BLOCKS if "type: number" in b)
    bank, _ = load_text("questions:\n" + block, "doc.yaml")
    assert bank is not None
    question = bank.questions[0]
    assert isinstance(question, NumberQuestion)
    assert grade(question, typed).correct
