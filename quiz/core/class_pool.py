"""A class report's cold reading on every core: learners' logs read in worker processes.

A cold report of a big class parses, replays and reduces every learner's log, each
independently of the others, into figures of a few kilobytes: work that splits
over processes with little to send back. `workers` decides whether it pays (a
worker's start costs ~0.3 s of imports, a megabyte of log ~50 ms to read), and
`read_in_workers` hands the learners out and gives back their figures in order.

The figures are those read in one process: a worker runs `class_logs.read_pending`,
the same code (FSRS's scalar kernel, or the numpy batch chosen by a batch's size
alone, so the same floats), and each learner's cache entries are written by the one
worker that reads that learner. Workers are started with "spawn" on every system, so
what is tested on Linux is what Windows and macOS do, and no process holding threads
(a roster's fetches) is forked. A worker ignores Ctrl+C: the report stops in this
process, which cancels what is not started. When workers cannot be started, or one
dies, the learners left are read here.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from sys import intern
from typing import TYPE_CHECKING, Any

from quiz.core.store import expect_reading

if TYPE_CHECKING:
    from quiz.core.class_learner import LearnerFigures, ReportFilter
    from quiz.core.class_logs import _Context, _Pending
    from quiz.core.scheduling import Settings

__all__ = ["MAX_WORKERS", "PARALLEL_BYTES", "WORKER_BYTES", "available_cores", "read_in_workers", "workers"]

PARALLEL_BYTES = 16 << 20
"""Logs to read (bytes, cached learners not counted) from which workers pay: ~1 s of reading."""
WORKER_BYTES = 8 << 20
"""At least this much to read per worker started."""
MAX_WORKERS = 61
"""`ProcessPoolExecutor`'s limit on Windows."""


def available_cores() -> int:
    """The cores this process may run on (its affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


def workers(size: int, count: int, jobs: int | None) -> int:
    """How many processes read `count` learners' logs of `size` bytes in all: `jobs` when
    given (at most one a learner), else one per core when they pay, else 1 (this one)."""
    if jobs is not None:
        return max(1, min(jobs, count, MAX_WORKERS))
    if size < PARALLEL_BYTES or count < 2:
        return 1
    return max(1, min(available_cores(), count, size // WORKER_BYTES, MAX_WORKERS))


_context: _Context | None = None
"""A worker's reading context, set once when it starts."""


def _start(settings: Settings, now: datetime, filters: ReportFilter, size: int) -> None:
    """A worker's start: its own scheduler (made from the same settings), Ctrl+C left to
    the parent, and the numpy lane from the first log (the class is big)."""
    from quiz.core.class_logs import _Context
    from quiz.core.scheduling import Scheduler

    global _context
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _context = _Context(Scheduler(settings), now, filters, {})
    expect_reading(size)


def _read(item: _Pending) -> LearnerFigures:
    """One learner, in a worker."""
    from quiz.core.class_logs import read_pending

    assert _context is not None, "the worker was started without its context"
    return read_pending(item, _context)


def _shared(figures: LearnerFigures, context: _Context, basis: Any) -> LearnerFigures:
    """Figures back from a worker, sharing this process's strings and basis again (what
    `reduce_learner` shares among the learners it reads, pickling copied)."""
    if figures.error is not None:
        return figures
    texts = context.shared
    return replace(
        figures,
        basis=basis if figures.basis == basis else figures.basis,
        keys=tuple(map(intern, figures.keys)),
        responses=tuple(texts.setdefault(value, value) if type(value) is str else value for value in figures.responses),
        mastered=tuple(map(intern, figures.mastered)),
        leeches=tuple(map(intern, figures.leeches)),
    )


def read_in_workers(pending: Sequence[_Pending], context: _Context, count: int, size: int) -> Iterator[LearnerFigures]:
    """The figures of each of `pending`, in order, read by `count` worker processes
    (`size`: the bytes to read in all); what they could not read is read here."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    from quiz.core.class_learner import ReadingBasis
    from quiz.core.class_logs import read_pending

    filters = context.filters
    settings = context.scheduler.settings
    basis = ReadingBasis(context.now, filters.since, filters.until, filters.modes, settings)
    done = 0
    rest: Sequence[_Pending] = ()
    executor = ProcessPoolExecutor(
        count,
        mp_context=get_context("spawn"),
        initializer=_start,
        initargs=(settings, context.now, filters, size),
    )
    try:
        chunk = max(1, min(16, len(pending) // (count * 8)))
        for figures in executor.map(_read, pending, chunksize=chunk):
            yield _shared(figures, context, basis)
            done += 1
    except (BrokenProcessPool, OSError):
        rest = pending[done:]  # no worker could start, or one died: read here
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    for item in rest:
        yield read_pending(item, context)
