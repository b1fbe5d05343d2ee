"""A disposable cache of parsed banks (and course files), so a 10,000-question bank starts fast.

Composing YAML costs seconds for a large bank; loading the same bank back from
JSON costs a small fraction of that. An entry is keyed by the bank file's path
and validated by the SHA-256 of the file's bytes, so any edit (even one that
keeps the modification time) is seen. Only banks without problems are cached.
The cache is JSON, never pickle: a file in a cache folder must not be able to
run code. Any unreadable, stale or malformed entry is ignored and rewritten;
deleting the folder loses nothing. `QUIZ_CACHE=off` disables it.

Course files (`quiz.core.course`) are kept the same way, keyed by path and
validated by their bytes' SHA-256: with every bank and course cached, a start
imports no yaml (about 20 ms).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.core import paths
from quiz.core.course import Course, CourseFile
from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

CACHE_FORMAT = 3
"""2: banks carry `parameters` (the `scheduling:` header). 3: a question keeps only the
fields that differ from their defaults and from what its bank gives (`_DERIVED`)."""
CLASSES: dict[str, type[Any]] = {
    "choice": ChoiceQuestion,
    "multi": MultiQuestion,
    "truefalse": TrueFalseQuestion,
    "short": ShortQuestion,
    "number": NumberQuestion,
    "cloze": ClozeQuestion,
    "order": OrderQuestion,
    "match": MatchQuestion,
    "card": CardQuestion,
}


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while a cache entry becomes objects.

    Restoring an entry makes tens of thousands of objects that are all kept (no
    cycles to find), and each few hundred allocations start a collection that walks
    them again: a 10,000-question bank took 40% longer to restore with it. Whoever
    saw the collector enabled enables it again, so threads that overlap leave it on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder (see `quiz.core.paths.cache_dir`); None when caching is off."""
    return paths.cache_dir(env)


def _entry_path(folder: Path, file: Path, kind: str = "banks") -> Path:
    """Where the entry for `file` goes: `kind` is "banks" or "courses"."""
    name = hashlib.sha256(str(file.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / kind / f"{name}.json"


def _layout(cls: type[Any]) -> tuple[tuple[str, Any, Callable[[], Any] | None], ...]:
    """A question class's fields in order: (name, default, default factory)."""
    return tuple(
        (item.name, item.default, None if item.default_factory is MISSING else item.default_factory)
        for item in fields(cls)
    )


LAYOUTS: dict[type[Any], tuple[tuple[str, Any, Callable[[], Any] | None], ...]] = {
    cls: _layout(cls) for cls in CLASSES.values()
}
_DERIVED = ("deck", "file", "citation")
"""Fields left out of an entry when they are what the bank gives (its deck, its file,
the text of the cited source): the same long strings would otherwise come 10,000 times."""


def _json_value(name: str, value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    if name == "parts":
        return [{"gap": list(part.answers)} if isinstance(part, Gap) else part for part in value]
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return [list(item) if isinstance(item, tuple) else item for item in value]
    return value


def _question_to_json(question: Question, bank: Bank, file: str) -> dict[str, Any]:
    """The fields that differ from their defaults (and from what the bank gives), as JSON."""
    data: dict[str, Any] = {"type": question.type}
    source = question.source
    given = {"deck": bank.deck, "file": file, "citation": None if source is None else bank.sources.get(source)}
    for name, default, factory in LAYOUTS[type(question)]:
        if name in ("marks", "type"):
            continue  # only `quiz check --lint` asks for marks, and it bypasses the cache
        value = getattr(question, name)
        expected = given[name] if name in _DERIVED else factory() if factory is not None else default
        if type(value) is type(expected) and value == expected:
            continue
        data[name] = _json_value(name, value)
    return data


def _from_json_value(cls: type[Any], name: str, value: list[Any]) -> Any:
    """A field that JSON holds as a list, as the question holds it."""
    if name == "parts":
        return tuple(Gap(tuple(p["gap"])) if isinstance(p, dict) else p for p in value)
    if name == "answers" and cls is MultiQuestion:
        return frozenset(value)
    if name == "pairs":
        return tuple((left, right) for left, right in value)
    return tuple(value)


class _Template:
    """What `_question_from_json` starts from for one class: every field with a plain
    default (None for the ones the bank gives or a factory makes), the factories, the
    required fields and all of them."""

    def __init__(self, cls: type[Any]) -> None:
        layout = LAYOUTS[cls]
        self.values = {
            name: None if factory is not None or default is MISSING else default for name, default, factory in layout
        }
        self.factories = tuple((name, factory) for name, _default, factory in layout if factory is not None)
        self.required = frozenset(
            name for name, default, factory in layout if default is MISSING and factory is None and name not in _DERIVED
        )
        self.names = frozenset(self.values)


TEMPLATES = {cls: _Template(cls) for cls in CLASSES.values()}


def _question_from_json(data: dict[str, Any], deck: str, file: str, sources: Mapping[str, str]) -> Question:
    """The question `_question_to_json` wrote. Built as the dataclass's `__init__` would
    (every field in order, defaults from their factories), without its call per field:
    a frozen dataclass sets each through `object.__setattr__`, which costs more than
    the JSON. KeyError for a field missing or unknown (not an entry this code wrote)."""
    cls = CLASSES[data["type"]]
    template = TEMPLATES[cls]
    given = data.keys()
    if not template.required <= given or not given <= template.names:
        raise KeyError("not a question's fields")
    # The template's order (the fields'), its defaults replaced by what the entry gives.
    values = {**template.values, "deck": deck, "file": file, **data}
    for name, factory in template.factories:
        if name not in given:
            values[name] = factory()
    for name, value in data.items():
        if type(value) is list:
            values[name] = _from_json_value(cls, name, value)
    if "citation" not in given:
        source = values["source"]
        values["citation"] = None if source is None else sources.get(source)
    question: Question = object.__new__(cls)
    question.__dict__.update(values)
    return question


def _bank_to_json(bank: Bank, file: str) -> dict[str, Any]:
    return {
        "deck": bank.deck,
        "title": bank.title,
        "description": bank.description,
        "tags": list(bank.tags),
        "sources": dict(bank.sources),
        "parameters": None if bank.parameters is None else list(bank.parameters),
        "strict": bank.strict,
        "questions": [_question_to_json(q, bank, file) for q in bank.questions],
        "lint_ignore": list(bank.lint_ignore),
    }


def _bank_from_json(data: dict[str, Any], path: Path) -> Bank:
    deck, file, sources = data["deck"], str(path), dict(data["sources"])
    return Bank(
        deck=deck,
        title=data["title"],
        description=data["description"],
        tags=tuple(data["tags"]),
        sources=sources,
        questions=tuple(_question_from_json(q, deck, file, sources) for q in data["questions"]),
        path=path,
        parameters=None if data["parameters"] is None else tuple(float(v) for v in data["parameters"]),
        strict=bool(data.get("strict", False)),
        lint_ignore=tuple(data.get("lint_ignore", ())),
    )


def digest(data: bytes) -> str:
    """The validation key of a bank file's bytes."""
    return hashlib.sha256(data).hexdigest()


def get(folder: Path, bank_file: Path, sha: str) -> Bank | None:
    """The cached bank for these exact bytes, or None (missing, stale or unreadable)."""
    try:
        with collection_paused():
            return _get(folder, bank_file, sha)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def _entry(folder: Path, file: Path, sha: str, kind: str) -> Any:
    """What the entry for `file` holds, if it was written by this format and app for
    these bytes; None otherwise."""
    with _entry_path(folder, file, kind).open(encoding="utf-8") as handle:
        entry = json.load(handle)
    if (
        entry.get("format") != CACHE_FORMAT
        or entry.get("app") != __version__
        or entry.get("sha256") != sha
        or entry.get("file") != str(file)
    ):
        return None
    return entry


def _get(folder: Path, bank_file: Path, sha: str) -> Bank | None:
    entry = _entry(folder, bank_file, sha, "banks")
    return None if entry is None else _bank_from_json(entry["bank"], bank_file)


def _put(folder: Path, file: Path, sha: str, kind: str, name: str, value: Any) -> None:
    """Store an entry, atomically (temp file + rename); failure only costs speed."""
    entry = {"format": CACHE_FORMAT, "app": __version__, "file": str(file), "sha256": sha, name: value}
    target = _entry_path(folder, file, kind)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump(entry, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def put(folder: Path, bank_file: Path, sha: str, bank: Bank) -> None:
    """Store a bank, atomically (temp file + rename); failure only costs speed."""
    _put(folder, bank_file, sha, "banks", "bank", _bank_to_json(bank, str(bank_file)))


def get_course(folder: Path, course_file: Path, sha: str) -> CourseFile | None:
    """The cached reading of a course-named file for these exact bytes, or None."""
    try:
        entry = _entry(folder, course_file, sha, "courses")
        if entry is None:
            return None
        data = entry["course"]
        if data is None:
            return CourseFile(False)
        order, marks = data["order"], data["marks"]
        if not (
            type(order) is list
            and type(marks) is list
            and len(order) == len(marks)
            and all(type(name) is str for name in order)
            and all(type(mark) is list and len(mark) == 2 and all(type(n) is int for n in mark) for mark in marks)
        ):
            return None
        course = Course(course_file, tuple(order), tuple((line, column) for line, column in marks))
        return CourseFile(True, course)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def put_course(folder: Path, course_file: Path, sha: str, read: CourseFile) -> None:
    """Store the reading of a course-named file that has no problems: a course, or
    the word that it is a bank (`"course": null`)."""
    if read.problems or (read.is_course and read.course is None):
        return
    course = read.course
    value = None if course is None else {"order": list(course.order), "marks": [list(mark) for mark in course.marks]}
    _put(folder, course_file, sha, "courses", "course", value)
