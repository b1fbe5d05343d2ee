"""A course: the order in which the decks of a bank folder are meant to be learnt.

A folder declares it in a file named `course.yaml` (or `course.yml`) beside its
banks:

    order:
      - context-1999-2000
      - clinton-putin-call
      - after-2000
      - the-argument

The library then lists those decks in that order, so the drill introduces new
questions deck by deck in course order (and, within a deck, in file order), and the
home screen and reports list decks the same way. Due reviews are untouched: they
come by due date whatever their deck.

Why one file for the folder rather than an `order:` number in each bank: the order
is a property of the set, read and changed in one place (moving a deck is moving a
line, not renumbering files), a duplicate or a misspelt deck is easy to report, and
a bank file stays valid on its own when copied into another folder. It travels with
the folder: the wheel ships it with the banks (it is a `.yaml` file in the same
folder), and with several folders each orders its own decks.

Scope: a course orders the decks of the banks in its folder and in the folders
under it, except those under a deeper course of their own. Decks it does not name
follow the named ones in file order. Its decks keep the places in the library that
their files take (so folders given on the command line keep the order they were
given in); within those places they are put in course order.

A file named `course.yaml` that has a top-level `questions` list is a bank, as it
was before courses existed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.core.model import Bank, Problem

if TYPE_CHECKING:
    from yaml.nodes import Node

__all__ = [
    "COURSE_FILES",
    "Course",
    "CourseFile",
    "is_course_file",
    "load_course",
    "order_banks",
    "parse_course_file",
    "unreadable",
]

COURSE_FILES = ("course.yaml", "course.yml")
COURSE_FIELDS = ("order",)
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
"""What YAML (PyYAML and libyaml alike) takes for the end of a line."""
_WORD_QUESTIONS = re.compile(r"(?<![A-Za-z0-9_.-])questions(?![A-Za-z0-9_.-])")
"""`questions` as a whole scalar could be written (see `_may_declare_questions`)."""


@dataclass(frozen=True)
class Course:
    """One course file: its folder and the deck names in order, with their marks."""

    path: Path
    order: tuple[str, ...] = ()
    marks: tuple[tuple[int, int], ...] = field(default=(), compare=False)
    """Where each name of `order` is written (1-based line, column)."""

    @property
    def folder(self) -> Path:
        """The folder whose decks it orders."""
        return self.path.parent


@dataclass(frozen=True)
class CourseFile:
    """What a file named like a course file holds, from one parse: a course (None when
    it is broken) and its problems, or a bank (`is_course` false; nothing else)."""

    is_course: bool
    course: Course | None = None
    problems: tuple[Problem, ...] = ()


def unreadable(path: Path, error: OSError) -> Problem:
    """The problem of a course file that cannot be read."""
    return Problem(str(path), 1, 1, f"cannot read the file: {error.strerror or error}")


def _not_utf8(path: Path) -> Problem:
    return Problem(str(path), 1, 1, "not UTF-8 text (is this a binary file?)")


def _decode(data: bytes) -> str:
    """The text `Path.read_text(encoding="utf-8-sig")` gives for these bytes (a byte
    order mark dropped, every line ending made '\\n'); UnicodeDecodeError if not UTF-8."""
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def _compose(text: str, file: str) -> tuple[Node | None, Problem | None]:
    """The document's node tree, or the problem that stops composing it. yaml is
    imported here, not with the module: a warm start takes the course from the
    bank cache and needs no yaml."""
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.compose(text, Loader=loader), None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (error.context, error.problem) if part)
        return None, Problem(file, line, column, f"YAML syntax error: {message}")
    except (yaml.YAMLError, RecursionError) as error:
        return None, Problem(file, 1, 1, "YAML error: " + " ".join(str(error).split()))


def _declares_questions(root: Node | None) -> bool:
    """Whether a composed document is a mapping with a top-level `questions` key (a bank)."""
    from yaml.nodes import MappingNode, ScalarNode

    return isinstance(root, MappingNode) and any(
        isinstance(key, ScalarNode) and key.value == "questions" for key, _ in root.value
    )


def _may_declare_questions(text: str) -> bool:
    """False when `text` cannot compose to a mapping with a `questions` key, known
    without parsing it, so that telling a course file from a bank needs no yaml.

    The key's value is exactly `questions`. Without a backslash (escapes) it can come
    only from those letters written in a row, with no letter, digit, `_`, `-` or `.`
    against them (those would belong to the same scalar: `exam-questions`), on a line
    that is not a comment. A line whose first character after spaces and tabs is `#`
    is a comment in every place but a block or quoted scalar, whose value would then
    hold the `#`. Anything else, a key or not, makes a parse decide."""
    if "\\" in text:
        return True
    return any(
        _WORD_QUESTIONS.search(line) is not None and not line.lstrip(" \t").startswith("#")
        for line in _LINE_BREAKS.split(text)
    )


def is_course_file(path: Path) -> bool:
    """Whether `path` is a course declaration rather than a bank (one with a
    top-level `questions` key). A file that cannot be read or parsed is a course
    file (its problems are reported as a course's)."""
    if path.name not in COURSE_FILES:
        return False
    try:
        text = _decode(path.read_bytes())
    except (OSError, UnicodeDecodeError):
        return True
    if not _may_declare_questions(text):
        return True
    root, _ = _compose(text, str(path))
    return not _declares_questions(root)


def parse_course_file(path: Path, data: bytes) -> CourseFile:
    """What `data`, the bytes of the course-named file `path`, holds: one parse both
    tells a course from a bank and reads the course."""
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        return CourseFile(True, None, (_not_utf8(path),))
    root, error = _compose(text, str(path))
    if error is not None:
        return CourseFile(True, None, (error,))
    if _declares_questions(root):
        return CourseFile(False)
    course, problems = _build(path, root)
    return CourseFile(True, course, tuple(problems))


def _add(problems: list[Problem], path: Path, node: Node | None, message: str) -> None:
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
    problems.append(Problem(str(path), line, column, message))


def load_course(path: Path) -> tuple[Course | None, list[Problem]]:
    """Read one course file; every mistake is a problem with its line."""
    try:
        text = _decode(path.read_bytes())
    except OSError as error:
        return None, [unreadable(path, error)]
    except UnicodeDecodeError:
        return None, [_not_utf8(path)]
    root, problem = _compose(text, str(path))
    if problem is not None:
        return None, [problem]
    return _build(path, root)


def _build(path: Path, root: Node | None) -> tuple[Course | None, list[Problem]]:
    """The course a composed course file declares, and its mistakes."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    problems: list[Problem] = []
    if not isinstance(root, MappingNode):
        _add(problems, path, root, "a course file must be a mapping with an 'order' list of deck names")
        return None, problems
    order_node: Node | None = None
    for key, value in root.value:
        name = key.value if isinstance(key, ScalarNode) else None
        if name == "order" and order_node is None:
            order_node = value
        elif name == "order":
            _add(problems, path, key, "duplicate key 'order'")
        else:
            close = get_close_matches(str(name), COURSE_FIELDS, n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            _add(problems, path, key, f"unknown field '{name}' in a course file{hint}")
    if order_node is None:
        _add(problems, path, root, "the course file has no 'order' list of deck names")
        return None, problems
    if not isinstance(order_node, SequenceNode):
        _add(problems, path, order_node, "'order' must be a list of deck names")
        return None, problems
    names: list[str] = []
    marks: list[tuple[int, int]] = []
    first: dict[str, int] = {}
    for item in order_node.value:
        if not isinstance(item, ScalarNode) or not str(item.value).strip():
            _add(problems, path, item, "each entry of 'order' must be a deck name")
            continue
        name = str(item.value).strip()
        line = item.start_mark.line + 1
        if name in first:
            _add(problems, path, item, f"deck '{name}' is listed twice (first on line {first[name]})")
            continue
        first[name] = line
        names.append(name)
        marks.append((line, item.start_mark.column + 1))
    return Course(path, tuple(names), tuple(marks)), problems


def _governing(bank: Bank, courses: Sequence[Course]) -> Course | None:
    """The deepest course whose folder holds the bank's file."""
    if bank.path is None:
        return None
    best: Course | None = None
    resolved = bank.path.resolve()
    for course in courses:
        folder = course.folder.resolve()
        if resolved.is_relative_to(folder) and (best is None or len(folder.parts) > len(best.folder.resolve().parts)):
            best = course
    return best


def order_banks(
    banks: Sequence[Bank], courses: Sequence[Course], unloaded: Sequence[Path] = ()
) -> tuple[list[Bank], list[Problem]]:
    """`banks` (in file order) put in course order, and a problem for each deck a
    course names that is not one of its own.

    `unloaded`: bank files that did not load (their own problems say why); while one
    of them is in a course's folder, a name it may have held is not reported."""
    ordered = list(banks)
    problems: list[Problem] = []
    governed: dict[int, list[int]] = {id(c): [] for c in courses}
    for position, bank in enumerate(ordered):
        course = _governing(bank, courses)
        if course is not None:
            governed[id(course)].append(position)
    for course in courses:
        slots = governed[id(course)]
        decks = [ordered[i].deck for i in slots]
        rank = {name: n for n, name in enumerate(course.order)}
        folder = course.folder.resolve()
        incomplete = any(path.resolve().is_relative_to(folder) for path in unloaded)
        for name, (line, column) in zip(course.order, course.marks, strict=True):
            if name not in decks and not incomplete:
                close = get_close_matches(name, decks, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                listed = ", ".join(decks) if decks else "none"
                problems.append(
                    Problem(
                        str(course.path),
                        line,
                        column,
                        f"deck '{name}' is not a bank of this folder{hint}; its decks are: {listed}",
                    )
                )
        mine = sorted((ordered[i] for i in slots), key=lambda b: rank.get(b.deck, len(rank)))
        for slot, bank in zip(slots, mine, strict=True):
            ordered[slot] = bank
    return ordered, problems
