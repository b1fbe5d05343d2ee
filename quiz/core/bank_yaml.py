"""YAML text -> `Bank`, collecting every problem with its line (FILE:LINE:COLUMN).

The text is checked before it is composed (NUL bytes, tabs in indentation, the
node count), composed once into a node tree with line marks, walked for tags and
aliases where the text can hold them, then built (`quiz.core.bank_build`).

Why a module of its own, imported only when a text has to be parsed: yaml costs
about 20 ms to import, and a warm start takes every bank from the bank cache
(`quiz.core.bank_cache`) and needs none of it. `quiz.core.bank.load_text` and
`load_file` import this module when they parse.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from quiz.core import bank_limits
from quiz.core.bank_build import Builder
from quiz.core.bank_cache import collection_paused
from quiz.core.bank_nodes import Ctx, check_nodes
from quiz.core.model import Bank, Problem

__all__ = ["Loader", "load_text", "tab_problems", "too_many_nodes"]

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def too_many_nodes(text: str) -> bool:
    """Whether `text` composes to more than `bank_limits.MAX_NODES` nodes, known before composing:
    a composed node tree costs about 400 bytes a node (2 million list items in
    4 MB of text took 800 MB). Texts whose `bank_limits.node_bound` is within the limit are not
    parsed twice; others are counted on the parser's event stream, which holds one
    event at a time and stops at the limit."""
    if bank_limits.node_bound(text) <= bank_limits.MAX_NODES:
        return False
    nodes = 0
    counted = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, counted):
                nodes += 1
                if nodes > bank_limits.MAX_NODES:
                    return True
    except (yaml.YAMLError, RecursionError):
        return False  # composing reports the error where it is
    return False


def tab_problems(text: str, file: str) -> list[Problem]:
    """A problem for each line indented with a tab. Only lines holding a tab are
    looked at, found with `str.find`: no list of every line (2 million lines
    would cost a hundred megabytes), one linear pass."""
    problems = []
    number = 1
    counted = 0  # text[:counted] has number - 1 newlines
    position = text.find("\t")
    while position >= 0:
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        number += text.count("\n", counted, start)
        counted = start
        line = text[start:end]
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent] and line.strip():
            column = line.index("\t") + 1
            problems.append(Problem(file, number, column, "tab in indentation: indent with spaces"))
        position = text.find("\t", end)
    return problems


def load_text(
    text: str, file: str, default_deck: str | None = None, *, marks: bool = False
) -> tuple[Bank | None, list[Problem]]:
    """Build a bank from YAML text; the bank is None when there are problems.

    `marks`: keep where each field starts, for checks that point into a question."""
    with collection_paused():
        return _load_text(text, file, default_deck, marks)


def _load_text(text: str, file: str, default_deck: str | None, marks: bool) -> tuple[Bank | None, list[Problem]]:
    ctx = Ctx(file, marks=marks)
    ctx.problems.extend(tab_problems(text, file))
    if "\x00" in text:
        ctx.add(None, "this is not a text file (it contains NUL bytes)")
        return None, ctx.problems
    if too_many_nodes(text):
        ctx.add(None, f"the file has more than {bank_limits.MAX_NODES} YAML nodes")
        return None, ctx.problems
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if not any(p.line == line for p in ctx.problems):
            message = " ".join(part for part in (error.context, error.problem) if part)
            ctx.problems.append(Problem(file, line, column, f"YAML syntax error: {message}"))
        return None, ctx.problems
    except yaml.reader.ReaderError as error:
        # Not a MarkedYAMLError: it knows only the character's offset in the text.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        name = unicodedata.name(chr(error.character), "") if isinstance(error.character, int) else ""
        code = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        what = f"{code} {name}".strip()
        ctx.problems.append(Problem(file, line, column, f"character {what} is not allowed in YAML"))
        return None, ctx.problems
    except yaml.YAMLError as error:
        ctx.add(None, "YAML error: " + " ".join(str(error).split()))
        return None, ctx.problems
    except RecursionError:
        ctx.add(None, "the YAML is nested too deeply")
        return None, ctx.problems
    if root is None:
        ctx.add(None, "the file is empty: a bank needs at least 'questions'")
        return None, ctx.problems
    # Aliases need a `*` and explicit tags a `!` in the text; most banks have
    # neither, and the walk costs a third of the build on a large bank. The node
    # count was checked before composing (`too_many_nodes`), whatever the text.
    if ("*" in text or "!" in text) and not check_nodes(root, ctx):
        return None, ctx.problems
    deck = default_deck if default_deck is not None else Path(file).stem
    try:
        bank = Builder(ctx).bank(root, deck, Path(file))
    except RecursionError:
        ctx.add(None, "the YAML is nested too deeply")
        return None, ctx.problems
    if ctx.problems:
        return None, ctx.problems
    return bank, []
