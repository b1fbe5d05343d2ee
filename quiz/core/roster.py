"""A class roster: who is in the class and where each learner's repository is.

`roster.csv` has a header row with the columns `learner` and `url`, and optionally
`email` (other columns are ignored, so an LMS export can be used as it is). Each
learner's repository is cloned or fetched into the cache (`quiz.core.gitsync`),
and the learner's log folder is found in it: `<learner>/` or `scores/<learner>/`,
else the one folder of logs the repository holds. A learner whose repository
failed, or who has no logs, is kept with the reason, never dropped.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from quiz.core.gitsync import TIMEOUT, fetch_all
from quiz.core.logs import log_files
from quiz.core.store import LearnerError, validate_learner

MAX_ROSTER_BYTES = 5_000_000


class RosterError(ValueError):
    """A roster that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Member:
    """One row of the roster."""

    learner: str
    url: str
    email: str = ""
    line: int = 0


@dataclass(frozen=True)
class Fetched:
    """A member's logs as fetched for a report: the folder to read, or why not."""

    member: Member
    folder: Path | None
    problem: str | None = None


def read_roster(path: Path) -> list[Member]:
    """The members of a roster file, in file order; `RosterError` for a bad file."""
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(f"{path}: the roster is larger than {MAX_ROSTER_BYTES // 1_000_000} MB")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise RosterError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise RosterError(f"{path}: is not UTF-8 text (save the roster as CSV UTF-8)") from None
    dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t") if text.strip() else csv.excel
    rows = csv.reader(io.StringIO(text, newline=""), dialect)
    header = [cell.strip().lower() for cell in next(rows, [])]
    for column in ("learner", "url"):
        if column not in header:
            raise RosterError(f"{path}:1: the header needs the columns learner and url (found: {', '.join(header)})")
    at = {name: header.index(name) for name in ("learner", "url", "email") if name in header}
    members: list[Member] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: row[index].strip() if index < len(row) else "" for name, index in at.items()}
        if not cells["learner"] or not cells["url"]:
            raise RosterError(f"{path}:{number}: a row needs both a learner and a url")
        if cells["learner"] in seen:
            raise RosterError(
                f"{path}:{number}: the learner {cells['learner']!r} is already on line {seen[cells['learner']]}"
            )
        seen[cells["learner"]] = number
        members.append(Member(cells["learner"], cells["url"], cells.get("email", ""), number))
    return members


def _learner_folder(clone: Path, learner: str) -> Path | None:
    """Where the learner's logs are in their repository (the roster's name is used as
    a folder name only when it is a safe one)."""
    try:
        validate_learner(learner)
        bases: tuple[Path, ...] = (clone, clone / "scores")
    except LearnerError:
        bases = ()
    for base in bases:
        candidate = base / learner
        if candidate.is_dir() and not candidate.is_symlink() and log_files(candidate):
            return candidate
    folders = [
        child
        for base in (clone, clone / "scores")
        if base.is_dir()
        for child in sorted(base.iterdir())
        if child.is_dir() and not child.is_symlink() and child.name != ".git" and log_files(child)
    ]
    return folders[0] if len(folders) == 1 else None


def fetch_roster(
    members: Sequence[Member], cache: Path, *, timeout: float = TIMEOUT, workers: int = 8
) -> list[Fetched]:
    """Clone or fetch every member's repository into `cache/roster/` (in parallel,
    shallow, symbolic links refused) and find their logs."""
    targets = [
        (member.url, cache / "roster" / hashlib.sha256(member.url.encode()).hexdigest()[:20]) for member in members
    ]
    results = fetch_all(targets, timeout=timeout, workers=workers)
    fetched: list[Fetched] = []
    for member, result in zip(members, results, strict=True):
        if result.path is None:
            fetched.append(Fetched(member, None, result.error or "the repository could not be fetched"))
            continue
        folder = _learner_folder(result.path, member.learner)
        problems = [f"{link} is a symbolic link in the repository; refused, not read" for link in result.symlinks]
        if folder is None:
            problems.append("no score log (*.jsonl) found in the repository")
        fetched.append(Fetched(member, folder, "; ".join(problems) or None))
    return fetched
