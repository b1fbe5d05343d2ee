"""A disposable cache of each learner's class-report figures, so next week's report is warm.

A class report reads every learner's log each time a teacher runs it; most logs
have not changed since the last report. The figures `quiz.core.class_learner`
reduces a log to are a few kilobytes, against the megabyte of the log or of its
replay snapshot, so this module keeps them per learner, under
`<cache>/report/<sha>.json`, and gives them back while nothing they depend on
has changed:

- every file of the learner's log (path, size, modification time in
  nanoseconds), taken *before* the log is read, so an answer written meanwhile
  leaves the entry stale, never wrong;
- the app version, the scheduling settings (and so the fitted parameters, the
  leech threshold and the day start) and the report's days and modes;
- the moment: an entry is used only at or after the moment it was made (a
  record read then was not in the future, so it is not now), and never when the
  read skipped a line for a time in the future (it may count later).

Mastery depends on the moment of the report, so an entry keeps, rather than the
questions mastered, the FSRS memory of each question answered over at least a
day, and mastery is computed again from it at each report, exactly as from the
replay. Anything unreadable or malformed in an entry is a miss, never an error;
`QUIZ_CACHE=off` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from array import array
from datetime import datetime
from pathlib import Path
from sys import intern
from typing import Any

from quiz import __version__
from quiz.core import atomic
from quiz.core.class_learner import MASTERY_SPAN, LearnerFigures, ReadingBasis, ReportFilter, recalls
from quiz.core.fsrs_kernel import MAX_US, STATES, from_us, kernel_for, to_us
from quiz.core.paths import cache_dir
from quiz.core.replay_cache import MAX_STABILITY, settings_key
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Scheduler

__all__ = ["FORMAT", "Entry", "load_figures", "save_figures", "sources_identity"]

FORMAT = 1
MAX_ENTRY_BYTES = 64 << 20
"""An entry bigger than this is not read (a learner's figures are kilobytes)."""
FUTURE = "has a time in the future"
"""The warning of a line skipped for a time in the future (`quiz.core.records`)."""

Entry = dict[str, Any]


class _Miss(Exception):
    """The entry does not fit: read the log."""


def _need(condition: bool) -> None:
    if not condition:
        raise _Miss


def sources_identity(sources: tuple[Path, ...]) -> list[list[Any]] | None:
    """(path, size, mtime_ns) of each file of a learner's log; None if one cannot be stat'ed."""
    identity = []
    try:
        for source in sources:
            status = os.stat(source)
            identity.append([str(source.resolve()), status.st_size, status.st_mtime_ns])
    except (OSError, RuntimeError):
        return None
    return identity


def _key(identity: list[list[Any]], scheduler: Scheduler, filters: ReportFilter) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "app": __version__,
        "files": identity,
        "scheduling": settings_key(scheduler),
        "settings": repr(scheduler.settings),
        "since": None if filters.since is None else filters.since.isoformat(),
        "until": None if filters.until is None else filters.until.isoformat(),
        "modes": sorted(filters.modes),
    }


def _entry_path(folder: Path, path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / "report" / f"{name}.json"


def save_figures(
    path: Path,
    identity: list[list[Any]] | None,
    scheduler: Scheduler,
    filters: ReportFilter,
    figures: LearnerFigures,
    states: dict[str, QuestionState],
    now: datetime,
) -> None:
    """Keep a learner's figures (and the memories mastery needs) for the next report;
    failure only costs speed."""
    folder = cache_dir()
    if folder is None or identity is None or figures.error is not None:
        return
    if any(FUTURE in warning for warning in figures.warnings):
        return
    memories = []
    for key, state in states.items():
        if state.first is not None and state.last is not None and state.last - state.first >= MASTERY_SPAN:
            memories.append([key, state.card_id, *state.memory])
    entry = {
        "key": _key(identity, scheduler, filters),
        "now": to_us(now),
        "keys": list(figures.keys),
        "first": list(figures.first),
        "responses": list(figures.responses),
        "live": list(figures.live),
        "right": list(figures.right),
        "timed": list(figures.timed),
        "elapsed": list(figures.elapsed),
        "total": figures.total,
        "leeches": list(figures.leeches),
        "last": None if figures.last is None else to_us(figures.last),
        "warnings": list(figures.warnings),
        "memories": memories,
    }
    with contextlib.suppress(OSError, ValueError, TypeError, OverflowError, RecursionError):
        text = json.dumps(entry, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
        atomic.write_cache(_entry_path(folder, path), [text.encode("ascii")], suffix=".json")


def load_figures(
    name: str,
    path: Path,
    identity: list[list[Any]] | None,
    scheduler: Scheduler,
    filters: ReportFilter,
    now: datetime,
    shared: dict[str, str],
) -> LearnerFigures | None:
    """The learner's figures from the cache when they fit the log, settings, filters and
    moment (module docstring), with mastery computed at `now`; None otherwise."""
    folder = cache_dir()
    if folder is None or identity is None:
        return None
    try:
        target = _entry_path(folder, path)
        with open(target, "rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
        _need(len(data) <= MAX_ENTRY_BYTES)
        entry = json.loads(data, parse_constant=_refuse_constant)
        _need(isinstance(entry, dict) and entry.get("key") == _key(identity, scheduler, filters))
        return _figures(entry, name, path, scheduler, filters, now, shared)
    except (_Miss, OSError, ValueError, TypeError, KeyError, IndexError, ArithmeticError, RecursionError):
        return None


def _ints(value: object) -> array[int]:
    """Counts: an array refuses anything but whole numbers from 0 to 2**32 - 1."""
    _need(isinstance(value, list))
    assert isinstance(value, list)
    return array("I", value)


def _refuse_constant(name: str) -> float:
    raise _Miss


def _strings(value: object) -> list[str]:
    _need(isinstance(value, list) and all(isinstance(item, str) for item in value))
    assert isinstance(value, list)
    return value


def _figures(
    entry: Entry,
    name: str,
    path: Path,
    scheduler: Scheduler,
    filters: ReportFilter,
    now: datetime,
    shared: dict[str, str],
) -> LearnerFigures:
    made = entry["now"]
    _need(type(made) is int and made <= to_us(now))
    keys = _strings(entry["keys"])
    first = _ints(entry["first"])
    live, right, timed = _ints(entry["live"]), _ints(entry["right"]), _ints(entry["timed"])
    answered = len(first)
    _need(all(bits < 4 for bits in first) and answered <= len(keys))
    _need(len(live) == len(right) == len(timed) == answered and all(r <= n for r, n in zip(right, live, strict=True)))
    responses = entry["responses"]
    _need(isinstance(responses, list) and len(responses) == answered)
    _need(isinstance(entry["elapsed"], list) and len(entry["elapsed"]) == sum(timed))
    elapsed = array("d", entry["elapsed"])  # numbers only (a bool is refused below by its type)
    _need(not elapsed or (min(elapsed) >= 0 and math.isfinite(max(elapsed))))
    _need(all(type(value) is not bool for value in entry["elapsed"]))
    total = entry["total"]
    _need(type(total) is int and total >= 0)
    last = entry["last"]
    _need(last is None or type(last) is int)
    warnings = _strings(entry["warnings"])
    leeches = _strings(entry["leeches"])
    retention = scheduler.settings.desired_retention
    answered_keys = set(keys)
    kernel = kernel_for(scheduler)
    now_us = to_us(now)
    mastered: list[str] = []
    memories = entry["memories"]
    _need(isinstance(memories, list))
    for row in memories:
        _need(isinstance(row, list) and len(row) == 8)
        key, card_id, state, step, stability, difficulty, due, last_review = row
        _need(isinstance(key, str) and type(card_id) is int and type(state) is int and state in STATES)
        _need(type(stability) is float and stability > 0 and type(difficulty) is float)
        _need(type(due) is int and type(last_review) is int and (step is None or type(step) is int))
        _need(0 <= last_review <= due <= MAX_US and key in answered_keys)
        _need(stability <= MAX_STABILITY and 1.0 <= difficulty <= 10.0)
        if recalls(kernel, now_us, last_review, stability) >= retention:  # as `reduce_learner` computes it
            mastered.append(intern(key))
    return LearnerFigures(
        name=name,
        path=path,
        basis=ReadingBasis(now, filters.since, filters.until, filters.modes, scheduler.settings),
        keys=tuple(intern(key) for key in keys),
        first=bytes(first.tolist()),
        responses=tuple(shared.setdefault(item, item) if type(item) is str else item for item in responses),
        live=live,
        right=right,
        timed=timed,
        elapsed=elapsed,
        total=total,
        mastered=tuple(mastered),
        leeches=tuple(intern(key) for key in leeches),
        last=None if last is None else from_us(last),
        warnings=tuple(warnings),
    )
