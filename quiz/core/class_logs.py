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

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from quiz.core import class_pool
from quiz.core.bank_cache import collection_paused
from quiz.core.class_cache import load_figures, save_figures, sources_identity
from quiz.core.class_learner import LearnerFigures, ReportFilter, reduce_learner
from quiz.core.history import _collect, _collect_log
from quiz.core.history_columns import _Answers
from quiz.core.logs import LOG_SUFFIX, log_files, scan_logs
from quiz.core.replayer import QuestionState
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


class _Context(NamedTuple):
    """What reading any learner of one report needs besides the learner: the same for the
    whole class, and what a worker process is started with (`quiz.core.class_pool`)."""

    scheduler: Scheduler
    now: datetime
    filters: ReportFilter
    shared: dict[str, str]
    """One copy of each text response for the whole class."""


class _Pending(NamedTuple):
    """A learner whose figures are not in the cache: their log is still to be read."""

    name: str
    path: Path
    sources: tuple[Path, ...]
    identity: list[list[Any]] | None
    """The files' identity, taken before reading: an answer written meanwhile makes the entry stale."""

    def size(self) -> int:
        """The bytes to read (0 for a file that could not be stat'ed: reading says why)."""
        return sum(item[1] for item in self.identity) if self.identity else 0


def _cached(name: str, path: Path, context: _Context) -> LearnerFigures | _Pending:
    """The learner's figures from the cache (or their error), else what reading them needs."""
    try:
        sources = learner_sources(path)
    except StoreError as error:
        return LearnerFigures(name, path, error=str(error))
    identity = sources_identity(sources)
    cached = load_figures(name, path, identity, context.scheduler, context.filters, context.now, context.shared)
    return _Pending(name, path, sources, identity) if cached is None else cached


def read_pending(pending: _Pending, context: _Context) -> LearnerFigures:
    """One learner's log through the pass, reduced to its figures and kept in the cache.
    The column store and the card states are this function's locals only: they are gone
    when it returns."""
    warnings: list[str] = []
    try:
        answers, states, _flags = _collect_log(
            pending.sources, context.scheduler, warnings.append, min_new_lines=REPORT_SNAPSHOT_LINES
        )
    except StoreError as error:
        return LearnerFigures(pending.name, pending.path, error=str(error))
    figures = _reduce(pending.name, pending.path, answers, states, warnings, context)
    save_figures(pending.path, pending.identity, context.scheduler, context.filters, figures, states, context.now)
    return figures


def _reduce(
    name: str, path: Path, answers: _Answers, states: dict[str, QuestionState], warnings: list[str], context: _Context
) -> LearnerFigures:
    return reduce_learner(
        name,
        path,
        answers,
        states,
        tuple(warnings),
        now=context.now,
        scheduler=context.scheduler,
        filters=context.filters,
        shared=context.shared,
    )


def _read_records(
    name: str,
    path: Path,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]],
    context: _Context,
) -> LearnerFigures:
    """A learner whose records come from `open_records` (no cache, no snapshot)."""
    warnings: list[str] = []
    try:
        answers, states, _flags = _collect(open_records(path, warnings.append), context.scheduler)
    except StoreError as error:
        return LearnerFigures(name, path, error=str(error))
    return _reduce(name, path, answers, states, warnings, context)


def load_class(
    logs: Sequence[tuple[str, Path]],
    *,
    now: datetime,
    settings: Settings | None = None,
    filters: ReportFilter | None = None,
    failed: Sequence[tuple[str, str]] = (),
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
    jobs: int | None = None,
) -> list[LearnerFigures]:
    """Every learner's figures, one log read at a time (`quiz.core.class_learner`); a log
    that cannot be read is kept with its `error` (the report goes on with the others), as
    is each of `failed` (name, reason): a roster's learner whose repository could not be
    fetched.

    The figures in the cache are taken first; the logs left to read are read in worker
    processes when they are many megabytes (`quiz.core.class_pool`; `jobs`: how many,
    None to decide from their size and the cores, 1 for this process only). The figures
    are the same either way."""
    context = _Context(Scheduler(settings), ensure_utc(now), filters or ReportFilter(), {})
    with collection_paused():  # no cycles made, and what is kept would be walked again and again
        if open_records is not iter_records:
            loaded = [_read_records(name, path, open_records, context) for name, path in logs]
        else:
            found = [_cached(name, path, context) for name, path in logs]
            pending = [item for item in found if isinstance(item, _Pending)]
            read = iter(read_all(pending, context, jobs))
            loaded = [next(read) if isinstance(item, _Pending) else item for item in found]
    loaded += [LearnerFigures(name, Path(name), error=reason) for name, reason in failed]
    return loaded


def read_all(pending: Sequence[_Pending], context: _Context, jobs: int | None) -> Iterable[LearnerFigures]:
    """The figures of each pending learner, in order: in worker processes when
    `class_pool.workers` says they pay, else here, the numpy lane taken once the bytes
    read reach `store.LANE_BYTES` (a small class, or a warm report, never imports it)."""
    sizes = [item.size() for item in pending]
    workers = class_pool.workers(sum(sizes), len(pending), jobs)
    if workers > 1:
        return class_pool.read_in_workers(pending, context, workers, sum(sizes))
    return _read_here(pending, sizes, context)


def _read_here(pending: Sequence[_Pending], sizes: Sequence[int], context: _Context) -> Iterator[LearnerFigures]:
    done = 0
    for item, size in zip(pending, sizes, strict=True):
        if done < LANE_BYTES:
            done += size
            expect_reading(done)
        yield read_pending(item, context)


def log_keys(loaded: Iterable[LearnerFigures]) -> set[str]:
    """Every question key with at least one answer in the logs."""
    return {key for log in loaded for key in log.keys}
