"""The roster configured for this installation, and the class report built from it.

A teacher runs `quiz config roster PATH` once; the path is kept in the preferences
file (`quiz.core.prefs`: installation-wide, beside the theme, not a learner's
scheduling setting), and the home screen then offers the class screen. Building
that screen's report is here, not in the TUI: read the roster, fetch every
learner's repository (`quiz.core.roster`, which runs git through
`quiz.core.gitsync`), read the logs and assemble the report. A learner whose
repository failed stays in the report with the reason, as in `quiz report
--roster`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.core.gitsync import TIMEOUT
from quiz.core.prefs import load_prefs, save_prefs, update_prefs
from quiz.core.roster import Member, RosterError, fetch_roster, read_roster

if TYPE_CHECKING:  # the report's modules are imported when a report is made, not when the app starts
    from quiz.core.class_report import ClassReport
    from quiz.core.model import Library
    from quiz.core.scheduling import Settings

ROSTER_PREF = "roster"
"""The preferences key holding the roster's absolute path."""

__all__ = [
    "ROSTER_PREF",
    "RosterReport",
    "check_roster",
    "configured_roster",
    "roster_report",
    "set_roster",
]


def configured_roster(prefs: Mapping[str, Any]) -> Path | None:
    """The roster path the preferences name, or None when none is configured."""
    value = prefs.get(ROSTER_PREF)
    return Path(value) if isinstance(value, str) and value.strip() else None


def check_roster(path: Path) -> list[Member]:
    """The roster's members; `RosterError` (one sentence) when it is missing,
    unreadable, malformed or lists nobody."""
    if not path.exists():
        raise RosterError(f"{path}: no such file")
    if path.is_dir():
        raise RosterError(f"{path}: is a folder, not a roster file (a CSV with the columns learner,url)")
    members = read_roster(path)
    if not members:
        raise RosterError(f"{path}: the roster lists nobody")
    return members


def set_roster(prefs_file: Path, value: str) -> tuple[Path | None, int]:
    """Configure the roster at `value` (checked first, kept as an absolute path), or
    forget it when `value` is empty. Returns the path and its number of learners.
    `RosterError` for a roster that cannot be used (nothing is saved then);
    `OSError` when the preferences cannot be written."""
    if not value.strip():
        prefs = load_prefs(prefs_file)
        if ROSTER_PREF in prefs:
            del prefs[ROSTER_PREF]
            save_prefs(prefs_file, prefs)
        return None, 0
    path = Path(value).expanduser().resolve()
    members = check_roster(path)
    update_prefs(prefs_file, **{ROSTER_PREF: str(path)})
    return path, len(members)


@dataclass(frozen=True)
class RosterReport:
    """A class report over a roster, and what went wrong on the way (one line each)."""

    report: ClassReport
    problems: tuple[str, ...]


def roster_report(
    path: Path,
    library: Library,
    cache: Path,
    *,
    now: datetime,
    settings: Settings | None = None,
    timeout: float = TIMEOUT,
    on_members: Callable[[int], None] | None = None,
) -> RosterReport:
    """Fetch every learner of the roster at `path` into `cache` and report on them.

    `on_members` hears how many repositories are about to be fetched (for a
    "fetching n repositories" line). `RosterError` for an unusable roster; a
    repository that fails is a problem line and a learner with an `error`."""
    from quiz.core.class_logs import load_class
    from quiz.core.class_report import assemble

    members = check_roster(path)
    if on_members is not None:
        on_members(len(members))
    fetched = fetch_roster(members, cache, timeout=timeout)
    problems = tuple(f"{f.member.learner}: {f.problem}" for f in fetched if f.problem)
    logs = [(f.member.learner, f.folder) for f in fetched if f.folder is not None]
    failed = [(f.member.learner, f.problem or "no score log") for f in fetched if f.folder is None]
    loaded = load_class(logs, now=now, settings=settings, failed=failed)
    return RosterReport(assemble(loaded, library, now=now, settings=settings), problems)
