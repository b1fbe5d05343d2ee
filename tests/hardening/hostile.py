"""A bank and a score file whose every text field is hostile.

Markup that would act (`[@click=app.quit]`, `[link=file:///etc/passwd]`), escape
sequences that would clear the screen, retitle the window or write the clipboard
(OSC 52), other control characters, right-to-left overrides and scripts,
combining marks, and 5,000-character words. YAML's double-quoted escapes (`\\e`,
`\\a`, `\\0`, `\\x9b`) let a bank file carry every one of them, so they go through
the real loader.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from quiz.core.store import LOG_NAME

HOSTILE = (
    "[bold]b[/] [/] [@click=app.quit]q[/] [link=file:///etc/passwd]l[/link] "
    "\x1b[2J\x1b]0;pwned\x07\x1b]52;c;cHduZWQ=\x07 \x00\x08\r\x0b\x7f\x9b31m "
    "\u202eevil\u202c שלום مرحبا e\u0301\u0301a\u0308 \ufeff\u200b"
)
"""Every kind of trouble in one string (no `{`, `}` or `|`, so it fits in a cloze)."""
LONG = "W" * 5000
"""A word far wider than any terminal."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters a terminal would act on rather than show (newline and tab allowed)."""


def hostile(label: str, long: bool = True) -> str:
    """A distinct hostile text for one field."""
    return f"{label} {HOSTILE}" + (f" {LONG}" if long else "")


Text = Callable[[str, bool], str]
"""Makes the text of one field from its label and whether it should be long."""


def plain(label: str, long: bool = True) -> str:
    """An ordinary text for one field (long ones wrap over a few lines)."""
    return f"{label} text" + (" and a longer sentence that wraps" * 8 if long else "")


def bank_data(text: Text) -> dict[str, Any]:
    """One question of every type, in bank order (a practice session asks them so),
    every text field made by `text`."""

    def question(qid: str, qtype: str, **fields: Any) -> dict[str, Any]:
        return {
            "id": qid,
            "type": qtype,
            "prompt": text(f"prompt-{qid}", True),
            **fields,
            "explanation": text(f"explanation-{qid}", True),
            "source": "src",
            "hint": text(f"hint-{qid}", True),
            "tags": [text(f"tag-{qid}", True)],
        }

    choices = [text("choice-1", True), text("choice-2", False), text("choice-3", False)]
    multi = [text(f"multi-{n}", n == 1) for n in range(1, 5)]
    items = [text(f"item-{n}", n == 2) for n in range(1, 4)]
    pairs = {text(f"left-{n}", n == 1): text(f"right-{n}", n == 2) for n in range(1, 4)}
    return {
        "deck": "hostile",
        "title": text("title", True),
        "description": text("description", True),
        "tags": [text("bank-tag", True)],
        "sources": {"src": text("citation", True)},
        "questions": [
            question(
                "choice",
                "choice",
                choices=choices,
                answer=choices[1],
                shuffle=False,
                feedback={choices[0]: text("feedback-1", True), choices[1]: text("feedback-2", True)},
            ),
            question("multi", "multi", choices=multi, answers=multi[:2], shuffle=False),
            question("truefalse", "truefalse", answer=True),
            question("short", "short", answer=[text("short", False), "plain"]),
            question("number", "number", answer=2000, tolerance=1, unit=text("unit", True)),
            question(
                "cloze",
                "cloze",
                text=f"{text('before', True)} {{{{{text('gap', False)}|alt}}}} {text('after', True)}",
            ),
            question("order", "order", items=items),
            question("match", "match", pairs=pairs, shuffle=False),
            question("card", "card", answer=text("card-answer", True)),
        ],
    }


def dump(data: dict[str, Any]) -> str:
    """A bank as YAML (escapes for control characters, unicode kept)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)


BANK_DATA = bank_data(hostile)
BANK = dump(BANK_DATA)
"""Every text field hostile."""
PLAIN_BANK = dump(bank_data(plain))
"""The same questions in ordinary words."""
TYPES = [q["type"] for q in BANK_DATA["questions"]]

ANSWER_KEYS: dict[str, list[str]] = {
    "choice": ["1", "enter"],
    "multi": ["1", "3", "enter"],
    "truefalse": ["t"],
    "short": ["x", "enter"],
    "number": ["1", "enter"],
    "cloze": ["x", "enter"],
    "order": ["enter"],
    "match": ["a", "b", "c", "enter"],
    "card": ["space", "3"],
}
"""Keys that answer each type (right or wrong does not matter here)."""


def hostile_record(key: str, response: Any, **extra: Any) -> dict[str, Any]:
    """A hand-edited answer record: valid shape, hostile strings."""
    return {
        "v": 1,
        "app": hostile("app", False),
        "kind": "answer",
        "id": uuid.uuid4().hex,
        "time": "2026-01-04T09:00:00.000000+00:00",
        "learner": hostile("learner", False),
        "key": key,
        "type": hostile("type", False),
        "response": response,
        "correct": False,
        "rating": 1,
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": 3.5,
        "session": hostile("session", False),
        "mode": hostile("mode", False),
        **extra,
    }


def write_hostile_log(scores: Path, learner: str) -> Path:
    """A score file with hostile strings where a hand edit could put them."""
    folder = scores / learner
    folder.mkdir(parents=True, exist_ok=True)
    records = [
        hostile_record("hostile/choice", hostile("response")),
        hostile_record("hostile/match", {hostile("left"): hostile("right")}),
        hostile_record("hostile/order", [hostile("a", False), hostile("b")]),
        hostile_record(f"gone/{HOSTILE}", hostile("orphan")),
        hostile_record(hostile("key"), 12345),
    ]
    path = folder / LOG_NAME
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n" + hostile("not json") + "\n", encoding="utf-8")
    return path
