"""Reading a composed YAML node tree as a teacher wrote it: text as text, numbers
and booleans only where the format wants them, a doubled key as a mistake, every
problem at its node's line and column.

Why the node tree and not `yaml.safe_load`: YAML 1.1 turns `yes`, `on`, `1:30`,
`0123` and `2000-01-01` into booleans, integers and dates, and silently keeps the
last of two equal keys. Teachers mean the text they typed, and a doubled key is a
mistake. So a file is composed once into nodes (which carry line marks), and the
reader takes each scalar's source text itself. Nothing is ever constructed from a
YAML tag, so `!!python/...` cannot build objects; such tags are reported
(`check_nodes`).

This module imports yaml: only the loader of a bank the cache does not hold
(`quiz.core.bank_yaml`) imports it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.core import bank_limits
from quiz.core.model import Problem

__all__ = [
    "Ctx",
    "NodeReader",
    "check_nodes",
    "describe",
    "did_you_mean",
    "field_marks",
    "is_null",
    "mark_of",
    "show",
]

STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
)
INTEGER = re.compile(r"[-+]?(0[xXoObB])?[0-9]{1,4000}")
"""An integer YAML would read (within Python's 4,300-digit limit on int())."""
COUNT = re.compile(r"\+?[0-9]{1,18}")
"""A whole number of 0 or more, small enough to be a count (`typos`)."""
SUGGEST_LIMIT = 200
"""'Did you mean' compares words and options up to this length, among at most this
many options: `difflib` is quadratic, and a 1 MB answer must not cost minutes."""
TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "n"})
LONG_QUOTE = re.compile(r"'([^']{80,})'")


@dataclass
class Ctx:
    """Per-file state while building: where problems go, and a node budget."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    marks: bool = False
    """Whether to keep each field's line mark in the model (for `quiz check --lint`)."""

    def add(self, node: Node | None, message: str) -> None:
        """Record a problem at a node's start (1:1 when there is none).

        A long quoted value is abbreviated: a 1 MB scalar quoted whole would
        bury the message it belongs to."""
        message = LONG_QUOTE.sub(lambda m: f"'{m.group(1)[:60]}…'", message)
        if node is None:
            self.problems.append(Problem(self.file, 1, 1, message))
        else:
            mark = node.start_mark
            self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message))


def mark_of(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def field_marks(fields: dict[str, Node]) -> dict[str, tuple[int, int]]:
    """Each field's value mark, and each item's of the lists a check may point into."""
    out: dict[str, tuple[int, int]] = {}
    for name, node in fields.items():
        out[name] = mark_of(node)
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                out[f"{name}.{index}"] = mark_of(item)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    out[f"{name}.{key.value}"] = mark_of(value)
    return out


def did_you_mean(word: str, options: Sequence[str]) -> str:
    if len(word) > SUGGEST_LIMIT or len(options) > SUGGEST_LIMIT:
        return ""
    close = get_close_matches(word, [option for option in options if len(option) <= SUGGEST_LIMIT], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "empty" if is_null(node) else "a single value"


def is_null(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return "nothing" if is_null(node) else f"'{node.value}'"
    return describe(node)


class NodeReader:
    """Reads scalars, lists and mappings of nodes into Python values; each mistake is
    a problem in `ctx`, and the value None."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx

    def text(self, node: Node, what: str, *, required: bool = False) -> str | None:
        """The text the teacher typed, whatever YAML would have made of it."""
        if isinstance(node, ScalarNode):
            if is_null(node):
                if required:
                    self.ctx.add(node, f"'{what}' is empty")
                return None
            return str(node.value)
        self.ctx.add(node, f"'{what}' must be text, not {describe(node)}")
        return None

    def text_list(self, node: Node, what: str) -> list[tuple[str, Node]] | None:
        """A list of texts, each with its node for later messages."""
        if not isinstance(node, SequenceNode):
            self.ctx.add(node, f"'{what}' must be a list, not {describe(node)}")
            return None
        out: list[tuple[str, Node]] = []
        for item in node.value:
            value = self.text(item, f"{what} item", required=True)
            if value is not None:
                out.append((value, item))
        return out

    def number(self, node: Node, what: str) -> float | None:
        """A number: YAML int or float, or quoted digits a teacher meant as one."""
        if isinstance(node, ScalarNode) and not is_null(node):
            raw = str(node.value).strip().replace("_", "")
            try:
                value = float(int(raw, 0)) if INTEGER.fullmatch(raw) else float(raw)
            except (ValueError, OverflowError):  # OverflowError: an integer beyond a float's range
                pass
            else:
                if math.isfinite(value):
                    return value
                self.ctx.add(node, f"'{what}' must be a finite number, not {show(node)}")
                return None
        self.ctx.add(node, f"'{what}' must be a number, not {show(node)}")
        return None

    def boolean(self, node: Node, what: str) -> bool | None:
        """true/false, also yes/no/on/off, in any case."""
        if isinstance(node, ScalarNode):
            word = str(node.value).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.ctx.add(node, f"'{what}' must be true or false, not {show(node)}")
        return None

    def count(self, node: Node, what: str) -> int | None:
        """A whole number >= 0."""
        if isinstance(node, ScalarNode) and COUNT.fullmatch(str(node.value).strip()):
            return int(str(node.value).strip())
        self.ctx.add(node, f"'{what}' must be a whole number of 0 or more, not {show(node)}")
        return None

    def mapping(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """(key text, key node, value node) triples; a doubled key is a problem."""
        if not isinstance(node, MappingNode):
            self.ctx.add(node, f"'{what}' must be a mapping of key: value, not {describe(node)}")
            return None
        seen: dict[str, Node] = {}
        out: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or is_null(key_node):
                self.ctx.add(key_node, f"a key in '{what}' must be plain text")
                continue
            key = str(key_node.value)
            if key == "<<":
                self.ctx.add(key_node, "merge keys (<<) are not supported in banks")
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.ctx.add(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            seen[key] = key_node
            out.append((key, key_node, value_node))
        return out


def check_nodes(root: Node, ctx: Ctx) -> bool:
    """Report object-building tags; refuse aliases before building anything.

    Tags are only reported: the builder never constructs from a tag, so the rest
    of the file can still be checked.
    Aliases are refused because an alias bomb (a few lines that expand to
    billions of nodes) is otherwise a way to hang the loader; a bank has no need
    of them.
    """
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            ctx.add(node, "anchors and aliases (&name, *name) are not supported in banks")
            return False
        seen.add(id(node))
        if len(seen) > bank_limits.MAX_NODES:
            ctx.add(root, f"the file has more than {bank_limits.MAX_NODES} YAML nodes")
            return False
        if node.tag not in STANDARD_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            ctx.add(node, f"YAML tag '{shown}' is not allowed in banks (they could build objects)")
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.append(value)
                stack.append(key)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return True
