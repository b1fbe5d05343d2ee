"""A JSON Schema of the bank format, for editors with the YAML language server.

It mirrors what `bank.py` enforces where a schema can say it (required fields,
unknown fields, types, minimum counts); cross-field rules (an answer among the
choices, a defined source key, unique ids) stay with `quiz check`. Text fields
also accept numbers and booleans, because editors parse `2000` or `yes` as such
while the loader keeps them as the text typed.
"""

from __future__ import annotations

from typing import Any

from quiz.core.bank_format import COMMON_FIELDS, TYPE_FIELDS
from quiz.core.model import QUESTION_TYPES

SCHEMA_ID = "https://quiz.invalid/schema/bank.json"
TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"]}
NONEMPTY_TEXT: dict[str, Any] = {"type": ["string", "number", "boolean"], "minLength": 1}
TEXT_LIST: dict[str, Any] = {"type": "array", "items": NONEMPTY_TEXT}
TAGS: dict[str, Any] = {"anyOf": [NONEMPTY_TEXT, TEXT_LIST]}
BOOL: dict[str, Any] = {"type": ["boolean", "string"], "enum": [True, False, "yes", "no", "on", "off", "true", "false"]}
SLUG: dict[str, Any] = {"type": ["string", "number"], "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"}
LINT: dict[str, Any] = {
    "type": "object",
    "description": "quiz check --lint: checks to silence, by code (L104) or name (answer-in-other-question)",
    "additionalProperties": False,
    "properties": {"ignore": {"anyOf": [SLUG, {"type": "array", "items": SLUG}]}},
}

FIELD_SCHEMAS: dict[str, dict[str, Any]] = {
    "id": SLUG,
    "type": {"enum": list(QUESTION_TYPES)},
    "prompt": NONEMPTY_TEXT,
    "explanation": TEXT,
    "source": NONEMPTY_TEXT,
    "tags": TAGS,
    "hint": TEXT,
    "choices": {"type": "array", "items": NONEMPTY_TEXT, "minItems": 2, "uniqueItems": True},
    "answers": {"anyOf": [NONEMPTY_TEXT, {"type": "array", "items": NONEMPTY_TEXT, "minItems": 1}]},
    "shuffle": BOOL,
    "feedback": {"type": "object", "additionalProperties": NONEMPTY_TEXT},
    "typos": {"type": "integer", "minimum": 0},
    "strict": BOOL,
    "tolerance": {"type": "number", "minimum": 0},
    "unit": TEXT,
    "text": {"type": "string", "pattern": r"\{\{[^}]+\}\}"},
    "items": {"type": "array", "items": NONEMPTY_TEXT, "minItems": 3, "uniqueItems": True},
    "pairs": {"type": "object", "minProperties": 2, "additionalProperties": NONEMPTY_TEXT},
    "lint": LINT,
}
ANSWER_SCHEMAS: dict[str, dict[str, Any]] = {
    "choice": NONEMPTY_TEXT,
    "truefalse": BOOL,
    "short": {"anyOf": [NONEMPTY_TEXT, {"type": "array", "items": NONEMPTY_TEXT, "minItems": 1}]},
    "number": {"type": "number"},
    "card": NONEMPTY_TEXT,
}
REQUIRED: dict[str, list[str]] = {
    "choice": ["choices", "answer"],
    "multi": ["choices", "answers"],
    "truefalse": ["answer"],
    "short": ["answer"],
    "number": ["answer"],
    "cloze": ["text"],
    "order": ["items"],
    "match": ["pairs"],
    "card": ["answer"],
}


def _type_schema(qtype: str) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name in COMMON_FIELDS + TYPE_FIELDS[qtype]:
        properties[name] = ANSWER_SCHEMAS[qtype] if name == "answer" else FIELD_SCHEMAS[name]
    required = ["id", *REQUIRED[qtype]] + ([] if qtype == "cloze" else ["prompt"])
    return {"properties": properties, "required": required, "additionalProperties": False}


def bank_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of one bank file."""
    branches: list[dict[str, Any]] = [
        {
            "if": {"properties": {"type": {"const": qtype}}, "required": ["type"]},
            "then": _type_schema(qtype),
        }
        for qtype in QUESTION_TYPES
    ]
    branches.append({"if": {"not": {"required": ["type"]}}, "then": _type_schema("choice")})
    question = {
        "type": "object",
        "required": ["id"],
        "properties": {"type": FIELD_SCHEMAS["type"]},
        "allOf": branches,
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "title": "quiz question bank",
        "description": "One question bank of the quiz app (docs/question-format.md).",
        "type": "object",
        "required": ["questions"],
        "additionalProperties": False,
        "properties": {
            "deck": SLUG,
            "title": NONEMPTY_TEXT,
            "description": TEXT,
            "tags": TAGS,
            "strict": BOOL,
            "sources": {"type": "object", "additionalProperties": NONEMPTY_TEXT},
            "scheduling": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "parameters": {"type": "array", "items": {"type": "number"}, "minItems": 21, "maxItems": 21}
                },
            },
            "lint": LINT,
            "questions": {"type": "array", "minItems": 1, "items": question},
        },
    }
