"""Which files make each learner's log, and reading them for the class report.

`find_learner_logs` decides who the learners are (a folder holding log files, a
folder of such folders, or one log file standing for itself) and
`learner_sources` which files make one learner's log (every `*.jsonl` of the
folder, one per device: `quiz.core.logs`); a roster or another layout changes
those two functions only. `load_class` runs each log through the history pass
once, so the command line can look at the keys in the logs before the report
is assembled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quiz.core.history import _Answers, _collect, _collect_log
from quiz.core.logs import LOG_SUFFIX, log_files, scan_logs
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import QuestionState, StoreError, iter_records

__all__ = ["LearnerLog", "find_learner_logs", "learner_sources", "load_class", "log_keys"]


def learner_sources(path: Path) -> tuple[Path, ...]:
    """The log files a report reads for one learner: every log of a folder, or the one
    file given. `StoreError` when the folder cannot be listed."""
    return log_files(path) if path.is_dir() else (path,)


def _has_logs(folder: Path) -> bool:
    try:
        return bool(log_files(folder))
    except StoreError:
        return False


def _refusals(folder: Path) -> list[str]:
    """A line for each symbolic link out of a learner's folder (never read)."""
    try:
        return scan_logs(folder).refusals()
    except StoreError:
        return []


def find_learner_logs(paths: Sequence[Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(learner name, learner folder or single log file) for each learner, and a
    message for each path that gave nothing or gave a learner already counted.

    Each path may be a learner's folder (holding `*.jsonl` logs, one per device), a
    folder of such folders (one level down), or one log file (the learner is its
    folder's name; only that file is read). A learner reached twice (a folder given
    twice, a parent and its child, a folder and one of its files) counts once, by
    the folder. A `*.jsonl` symbolic link leading out of a learner's folder is
    never read, and said.
    """
    entries: list[tuple[str, Path, Path, Path]] = []  # (name, path, its real path, the path given)
    problems: list[str] = []

    for given in paths:
        if given.is_file():
            if given.suffix != LOG_SUFFIX:
                problems.append(f"{given}: not a score log (a *{LOG_SUFFIX} file) nor a folder of them")
                continue
            entries.append((given.resolve().parent.name or str(given), given, given.resolve(), given))
            continue
        if not given.is_dir():
            problems.append(f"{given}: no such folder or file")
            continue
        refused = _refusals(given)
        if _has_logs(given):
            problems.extend(refused)
            entries.append((given.resolve().name or str(given), given, given.resolve(), given))
            continue
        try:
            children = sorted((child.name, child) for child in given.iterdir() if child.is_dir())
        except OSError as error:
            problems.append(f"{given}: cannot be listed ({error.strerror or error})")
            continue
        inner = [(name, child) for name, child in children if _has_logs(child)]
        for _, child in children:
            refused += _refusals(child)
        problems.extend(refused)
        if refused and not inner:
            continue  # the refused links are all there was: said above
        if not inner:
            problems.append(f"{given}: no score log (*{LOG_SUFFIX}) in it or in the folders directly inside it")
        entries.extend((name, child, child.resolve(), given) for name, child in inner)

    folders = {real for _, path, real, _ in entries if not path.is_file()}
    found: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    again: Counter[Path] = Counter()
    for name, path, real, given in entries:
        if real in seen or (path.is_file() and real.parent in folders):
            again[given] += 1
            continue
        seen.add(real)
        found.append((name, path))
    for given, times in again.items():
        what = "this learner is" if times == 1 else f"{times} learners in it are"
        problems.append(f"{given}: {what} already counted; counted once")
    names = Counter(name for name, _ in found)
    labelled = [(str(path) if names[name] > 1 else name, path) for name, path in found]
    return labelled, list(dict.fromkeys(problems))


REPORT_SNAPSHOT_LINES = 1
"""A class report snapshots every learner's pass after any new line: a class is many
small logs read again every week, and the next report then reads only what is new."""


@dataclass
class LearnerLog:
    """One learner's log after the streaming pass."""

    name: str
    path: Path
    answers: _Answers = field(default_factory=_Answers)
    states: dict[str, QuestionState] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def load_class(
    logs: Sequence[tuple[str, Path]],
    *,
    settings: Settings | None = None,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
) -> list[LearnerLog]:
    """Every learner's log through the pass; one that cannot be read is kept with its
    `error` (the report goes on with the others)."""
    scheduler = Scheduler(settings)
    loaded: list[LearnerLog] = []
    for name, path in logs:
        log = LearnerLog(name, path)
        try:
            if open_records is iter_records:
                log.answers, log.states, _flags = _collect_log(
                    learner_sources(path), scheduler, log.warnings.append, min_new_lines=REPORT_SNAPSHOT_LINES
                )
            else:
                log.answers, log.states, _flags = _collect(open_records(path, log.warnings.append), scheduler)
        except StoreError as error:
            log = LearnerLog(name, path, error=str(error))
        loaded.append(log)
    return loaded


def log_keys(loaded: Iterable[LearnerLog]) -> set[str]:
    """Every question key with at least one answer in the logs."""
    return {key for log in loaded for key in log.answers.keys}
