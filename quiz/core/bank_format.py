"""The bank format's vocabulary: which fields a bank and each question type take,
what a slug (deck or id) is, and how a cloze text splits into gaps.

Why apart from the YAML builder (`quiz.core.bank_build`): the schema, the lint
checks and the writers use these without parsing YAML, and importing them must not
import yaml (a warm start takes every bank from the bank cache and needs no yaml).
"""

from __future__ import annotations

import re

__all__ = [
    "ALL_QUESTION_FIELDS",
    "BANK_FIELDS",
    "COMMON_FIELDS",
    "LINT_FIELDS",
    "SLUG",
    "TYPE_FIELDS",
    "GapText",
    "split_gaps",
]

BANK_FIELDS = ("deck", "title", "description", "tags", "strict", "sources", "scheduling", "lint", "questions")
COMMON_FIELDS = ("id", "type", "prompt", "explanation", "source", "tags", "hint", "lint")
LINT_FIELDS = ("ignore",)
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "choice": ("choices", "answer", "shuffle", "feedback"),
    "multi": ("choices", "answers", "shuffle", "feedback"),
    "truefalse": ("answer",),
    "short": ("answer", "typos", "strict"),
    "number": ("answer", "tolerance", "unit"),
    "cloze": ("text", "typos", "strict"),
    "order": ("items",),
    "match": ("pairs", "shuffle"),
    "card": ("answer",),
}
ALL_QUESTION_FIELDS = tuple(dict.fromkeys(COMMON_FIELDS + tuple(f for fs in TYPE_FIELDS.values() for f in fs)))
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""A deck name or question id: a letter or digit, then letters, digits, `_`, `.` or `-`."""


def split_gaps(text: str) -> tuple[list[str | GapText], str]:
    """A cloze text cut into literal runs (`str`) and gap contents (`GapText`), and
    the text with its gaps removed (where a stray '{{' or '}}' would show).

    A gap is '{{', then the shortest text up to the next '}}'. Found with
    `str.find` from left to right, so the cost is linear in the text whatever it
    holds: the regex `{{(.*?)}}` it replaces took quadratic time on '{{{{...'
    without a closing pair (16 s for 40 KB).
    """
    parts: list[str | GapText] = []
    leftover: list[str] = []
    position = 0
    while True:
        start = text.find("{{", position)
        end = text.find("}}", start + 2) if start >= 0 else -1
        if end < 0:
            break
        if start > position:
            parts.append(text[position:start])
            leftover.append(text[position:start])
        parts.append(GapText(text[start + 2 : end]))
        position = end + 2
    if position < len(text):
        parts.append(text[position:])
        leftover.append(text[position:])
    return parts, "".join(leftover)


class GapText(str):
    """The text between '{{' and '}}' (a `str`, told apart from literal runs by type)."""

    __slots__ = ()
