"""Which files make each learner's log, and reading them for the class report.

`find_learner_logs` decides who the learners are (a folder holding log files, a
folder of such folders, or one log file standing for itself) and
`learner_sources` which files make one learner's log (every `*.jsonl` of the
folder, one per device: `quiz.core.logs`); a roster or another layout changes
those two functions only. `load_class` runs each log through the history pass
once and keeps only its figures (`quiz.core.class_learner`): one learner's
records at a time, never the class's. The command line looks at the keys in
those figures to infer the banks before the report is assembled.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from quiz.core.bank_cache import collection_paused
from quiz.core.class_cache import load_figures, save_figures, sources_identity
from quiz.core.class_learner import LearnerFigures, ReportFilter, reduce_learner
from quiz.core.history import _collect, _collect_log
from quiz.core.logs import LOG_SUFFIX, log_files, scan_logs
from quiz.core.scheduling import Scheduler, Settings, ensure_utc
from quiz.core.store import LANE_BYTES, StoreError, expect_reading, iter_records

__all__ = ["find_learner_logs", "learner_sources", "load_class", "log_keys"]


def learner_sources(path: Path) -> tuple[Path, ...]:
    """The log files a report reads for one learner: every log of a folder, or the one
    file given. `StoreError` when the folder cannot be listed."""
    return log_files(path) if path.is_dir() else (path,)


def _scan(folder: Path) -> tuple[bool, list[str]]:
    """Whether a folder holds logs, and a line for each symbolic link out of it (never
    read); one listing for both (a folder that cannot be listed has neither)."""
    try:
        scan = scan_logs(folder)
    except StoreError:
        return False, []
    return bool(scan.files), scan.refusals()


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
        has_logs, refused = _scan(given)
        if has_logs:
            problems.extend(refused)
            entries.append((given.resolve().name or str(given), given, given.resolve(), given))
            continue
        try:
            children = sorted((child.name, child) for child in given.iterdir() if child.is_dir())
        except OSError as error:
            problems.append(f"{given}: cannot be listed ({error.strerror or error})")
            continue
        scans = [_scan(child) for _, child in children]
        inner = [(name, child) for (name, child), (has_logs, _) in zip(children, scans, strict=True) if has_logs]
        for _, refusals in scans:
            refused += refusals
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


def _read_learner(
    name: str,
    path: Path,
    scheduler: Scheduler,
    now: datetime,
    filters: ReportFilter,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]],
    shared: dict[str, str],
    reading: _Reading,
) -> LearnerFigures:
    """One learner's log through the pass, reduced to its figures. The column store and
    the card states are this function's locals only: they are gone when it returns."""
    warnings: list[str] = []
    identity = None
    try:
        if open_records is iter_records:
            sources = learner_sources(path)
            identity = sources_identity(sources)  # before reading: a later answer makes it stale
            cached = load_figures(name, path, identity, scheduler, filters, now, shared)
            if cached is not None:
                return cached
            reading.add(sources)
            answers, states, _flags = _collect_log(
                sources, scheduler, warnings.append, min_new_lines=REPORT_SNAPSHOT_LINES
            )
        else:
            answers, states, _flags = _collect(open_records(path, warnings.append), scheduler)
    except StoreError as error:
        return LearnerFigures(name, path, error=str(error))
    figures = reduce_learner(
        name, path, answers, states, tuple(warnings), now=now, scheduler=scheduler, filters=filters, shared=shared
    )
    if open_records is iter_records:
        save_figures(path, identity, scheduler, filters, figures, states, now)
    return figures


class _Reading:
    """The bytes of logs a report has read so far (its cached learners are not read): from
    `store.LANE_BYTES` on, `store.expect_reading` lets the next logs take the block lane,
    though each is small; a report of a few learners, or a warm one, never imports numpy."""

    def __init__(self) -> None:
        self.size = 0

    def add(self, sources: Sequence[Path]) -> None:
        if self.size >= LANE_BYTES:
            return
        for source in sources:
            with contextlib.suppress(OSError):  # reading it says what is wrong
                self.size += source.stat().st_size
        expect_reading(self.size)


def load_class(
    logs: Sequence[tuple[str, Path]],
    *,
    now: datetime,
    settings: Settings | None = None,
    filters: ReportFilter | None = None,
    failed: Sequence[tuple[str, str]] = (),
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
) -> list[LearnerFigures]:
    """Every learner's figures, one log read at a time (`quiz.core.class_learner`); a log
    that cannot be read is kept with its `error` (the report goes on with the others), as
    is each of `failed` (name, reason): a roster's learner whose repository could not be
    fetched."""
    now = ensure_utc(now)
    filters = filters or ReportFilter()
    scheduler = Scheduler(settings)
    shared: dict[str, str] = {}  # one copy of each text response for the whole class
    reading = _Reading()
    with collection_paused():  # no cycles made, and what is kept would be walked again and again
        loaded = [
            _read_learner(name, path, scheduler, now, filters, open_records, shared, reading) for name, path in logs
        ]
    loaded += [LearnerFigures(name, Path(name), error=reason) for name, reason in failed]
    return loaded


def log_keys(loaded: Iterable[LearnerFigures]) -> set[str]:
    """Every question key with at least one answer in the logs."""
    return {key for log in loaded for key in log.keys}
