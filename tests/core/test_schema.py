"""The JSON Schema agrees with the loader wherever a schema can speak."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from quiz.core.bank import find_bank_files, load_text
from quiz.core.config import bundled_questions_dir
from quiz.core.schema import bank_schema

VALIDATOR = jsonschema.Draft7Validator(bank_schema())


def as_editor_sees_it(text: str) -> Any:
    """Editors use YAML 1.2, where `yes` is text; safe_load (1.1) is close enough
    for our banks once booleans spelled as words are kept."""
    return yaml.safe_load(text)


def test_schema_is_valid_draft7() -> None:
    jsonschema.Draft7Validator.check_schema(bank_schema())


@pytest.mark.parametrize("path", find_bank_files([bundled_questions_dir()])[0], ids=lambda p: p.name)
def test_every_bundled_bank_validates(path: Path) -> None:
    errors = list(VALIDATOR.iter_errors(as_editor_sees_it(path.read_text())))
    assert errors == [], [e.message for e in errors[:5]]


REJECTED = {
    "missing id": "questions:\n  - {prompt: p, choices: [x, y], answer: x}\n",
    "missing prompt": "questions:\n  - {id: a, choices: [x, y], answer: x}\n",
    "unknown type": "questions:\n  - {id: a, type: chioce, prompt: p}\n",
    "unknown field": "questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x, anwser: x}\n",
    "field of another type": "questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x, tolerance: 1}\n",
    "unknown top-level field": "titel: T\nquestions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n",
    "one choice": "questions:\n  - {id: a, prompt: p, choices: [x], answer: x}\n",
    "empty answers": "questions:\n  - {id: a, type: multi, prompt: p, choices: [x, y], answers: []}\n",
    "short order": "questions:\n  - {id: a, type: order, prompt: p, items: [x, y]}\n",
    "duplicate items": "questions:\n  - {id: a, type: order, prompt: p, items: [x, y, x]}\n",
    "cloze without gap": "questions:\n  - {id: a, type: cloze, text: no gap}\n",
    "number not a number": "questions:\n  - {id: a, type: number, prompt: p, answer: many}\n",
    "truefalse not bool": "questions:\n  - {id: a, type: truefalse, prompt: p, answer: maybe}\n",
    "one pair": "questions:\n  - {id: a, type: match, prompt: p, pairs: {x: y}}\n",
    "card without answer": "questions:\n  - {id: a, type: card, prompt: p}\n",
    "no questions": "title: T\n",
    "empty questions": "questions: []\n",
}


@pytest.mark.parametrize("text", REJECTED.values(), ids=list(REJECTED))
def test_schema_rejects_what_the_loader_rejects(text: str) -> None:
    bank, problems = load_text(text, "x.yaml")
    assert bank is None and problems
    assert list(VALIDATOR.iter_errors(as_editor_sees_it(text))), "schema accepted it"


def test_schema_accepts_a_bank_of_every_type() -> None:
    from tests.core.test_bank import EVERY_TYPE

    assert load_text(EVERY_TYPE, "x.yaml")[1] == []
    assert list(VALIDATOR.iter_errors(as_editor_sees_it(EVERY_TYPE))) == []
