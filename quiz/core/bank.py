"""Bank files -> a `Library`: finding them, reading them, taking them from the bank
cache or parsing them, putting them in course order, and every problem in file order.

The parts, one concept a module:
  - `quiz.core.bank_limits`: what a bank file may be (a regular file, its size, its node count);
  - `quiz.core.bank_format`: the format's fields, slugs and cloze gaps;
  - `quiz.core.bank_yaml`: YAML text -> `Bank` with problems (`load_text`), built by
    `quiz.core.bank_build` on the node reader of `quiz.core.bank_nodes`;
  - `quiz.core.bank_cache`: parsed banks and course files kept as JSON;
  - `quiz.core.course`: the order of a folder's decks.

Why yaml is imported only when a text is parsed (`load_text`, and the course of a
folder the cache does not hold): it costs about 20 ms, a twentieth of a minimal
Textual app's start, and a warm start takes every bank and course from the cache.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from quiz.core import bank_cache
from quiz.core.bank_limits import MAX_BANK_BYTES, MAX_NODES, Unreadable, file_kind, read_bank_bytes
from quiz.core.config import bundled_questions_dir
from quiz.core.course import (
    COURSE_FILES,
    Course,
    CourseFile,
    is_course_file,
    order_banks,
    parse_course_file,
    unreadable,
)
from quiz.core.model import Bank, Library, Problem

__all__ = [
    "MAX_BANK_BYTES",
    "MAX_NODES",
    "bundled_questions_dir",
    "file_order",
    "find_bank_files",
    "find_course_files",
    "load_file",
    "load_paths",
    "load_text",
    "read_bank_bytes",
]


def load_text(
    text: str, file: str, default_deck: str | None = None, *, marks: bool = False
) -> tuple[Bank | None, list[Problem]]:
    """Build a bank from YAML text; the bank is None when there are problems.

    `marks`: keep where each field starts, for checks that point into a question.
    (`quiz.core.bank_yaml.load_text`, imported with yaml on the first call.)"""
    from quiz.core import bank_yaml

    return bank_yaml.load_text(text, file, default_deck, marks=marks)


def load_file(path: Path, cache: Path | None = None, *, marks: bool = False) -> tuple[Bank | None, list[Problem]]:
    """Read and build one bank file; unreadable or non-UTF-8 files are problems.

    With `cache` (a folder, see `bank_cache`), a bank whose exact bytes were
    loaded before comes back from JSON instead of being parsed again.
    """
    file = str(path)
    if marks:
        cache = None  # the cache keeps no marks
    try:
        data = read_bank_bytes(path)
    except Unreadable as error:
        return None, [Problem(file, 1, 1, str(error))]
    except OSError as error:
        return None, [Problem(file, 1, 1, f"cannot read the file: {error.strerror or error}")]
    sha = bank_cache.digest(data) if cache is not None else ""
    if cache is not None:
        cached = bank_cache.get(cache, path, sha)
        if cached is not None:
            return cached, []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(file, line, column, "not UTF-8 text (is this a binary file?)")]
    bank, problems = load_text(text, file, path.stem, marks=marks)  # yaml only for a bank the cache misses
    if cache is not None and bank is not None:
        bank_cache.put(cache, path, sha, bank)
    return bank, problems


def file_order(files: Sequence[Path]) -> Callable[[Problem], tuple[int, int, int]]:
    """A sort key for problems: the file's place in `files` (others first), line,
    column. Python's sort is stable, so problems at one place keep the order they
    were found in: a cause before its consequence."""
    rank = {str(path): index for index, path in enumerate(files)}
    return lambda problem: (rank.get(problem.file, -1), problem.line, problem.column)


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Every *.yaml / *.yml under `paths` (folders recursively, sorted), and usage errors."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                errors.append(f"{path}: no .yaml or .yml files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            # A FIFO or a device would block or never end: refused before any read.
            try:
                kind = file_kind(path.stat().st_mode)
            except OSError:
                kind = "not readable"
            errors.append(f"{path}: not a regular file or a folder ({kind})")
        else:
            errors.append(f"{path}: no such file or folder")
    return list(dict.fromkeys(files)), errors


def find_bank_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Expand folders (recursively *.yaml / *.yml); returns files and usage errors.

    A folder's course file (`course.yaml`, see `quiz.core.course`) is not a bank."""
    files, errors = _expand(paths)
    return [f for f in files if not is_course_file(f)], errors


def find_course_files(paths: Sequence[Path]) -> list[Path]:
    """The course files under `paths`, in the order `find_bank_files` meets them."""
    files, _ = _expand(paths)
    return [f for f in files if is_course_file(f)]


def _course_file(path: Path, cache: Path | None) -> CourseFile:
    """What a course-named file holds (a course or a bank), parsed once, or taken from
    `cache` when its bytes were read before (`bank_cache.get_course`)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return CourseFile(True, None, (unreadable(path, error),))
    if cache is None:
        return parse_course_file(path, data)
    sha = bank_cache.digest(data)
    cached = bank_cache.get_course(cache, path, sha)
    if cached is not None:
        return cached
    read = parse_course_file(path, data)
    bank_cache.put_course(cache, path, sha, read)
    return read


def load_paths(
    paths: Sequence[Path], *, cache: Path | None = None, marks: bool = False
) -> tuple[Library, list[Problem]]:
    """Load every bank under `paths`; all problems of all files, in file order.

    `cache`: a folder for `bank_cache` (the TUI and reports pass one; `quiz
    check` does not, so a teacher always gets a full check).
    `marks`: keep each field's line mark (for `quiz check --lint`; bypasses the cache).

    Missing paths are reported as problems at 1:1 here; the CLI checks them
    first to give a usage error instead.

    The banks come in file order, put in course order where a folder declares one
    (`quiz.core.course`); a course's mistakes are problems like a bank's.
    """
    found_files, errors = _expand(paths)
    readings = {f: _course_file(f, cache) for f in found_files if f.name in COURSE_FILES}
    course_files = [f for f, read in readings.items() if read.is_course]
    files = [f for f in found_files if f not in course_files]
    problems: list[Problem] = [Problem(e.split(": ", 1)[0], 1, 1, e.split(": ", 1)[1]) for e in errors]
    banks: list[Bank] = []
    decks: dict[str, Bank] = {}
    unloaded: list[Path] = []
    for path in files:
        bank, found = load_file(path, cache, marks=marks)
        problems.extend(found)
        if bank is None:
            unloaded.append(path)
            continue
        if bank.deck in decks:
            other = decks[bank.deck].path
            problems.append(
                Problem(str(path), 1, 1, f"deck '{bank.deck}' is also defined in {other}: deck names must be unique")
            )
            continue
        decks[bank.deck] = bank
        banks.append(bank)
    courses: list[Course] = []
    for path in course_files:
        read = readings[path]
        problems.extend(read.problems)
        if read.course is not None:
            courses.append(read.course)
    banks, found = order_banks(banks, courses, unloaded)
    problems.extend(found)
    # In file order: files as found, then line and column; problems at one place keep
    # the order they were found in, so a cause (a `!!python` tag, found by the node
    # walk) comes before its consequence ("'prompt' must be text").
    problems.sort(key=file_order(found_files))
    return Library(tuple(banks)), problems
