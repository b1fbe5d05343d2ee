"""A disposable snapshot of a log's replay, so a million-answer log opens in seconds.

Card state is derived by replaying the log through FSRS (`quiz.core.fsrs_kernel`,
several microseconds an answer): tens of seconds for a million. The log is only ever appended to, so the replay of its
first N bytes never changes; this module saves that replay (the `Replayer`'s
states and held-back answers, and whatever else a caller accumulates, such as
the history's columns) with the offset N, and the next run restores it and
reads only the lines after N.

A snapshot is used only when everything it depends on is unchanged: the cache
format, the app version, the scheduling settings and FSRS parameters, the log's
resolved path, and the log's bytes at two places, the SHA-256 of its first
64 KiB (or of the first N bytes) and of the 64 KiB before N. A log that was
rewritten, truncated or replaced fails that check and is replayed from scratch.
Anything unreadable, malformed or inconsistent in the snapshot is ignored the
same way, never raised: deleting the cache folder loses nothing.

Layout of a snapshot file, `<cache>/replay/<sha of the log's path>.<kind>`: one
line of JSON (the header), then a JSON body of `header["body"]` bytes, then
binary sections (`array.tobytes()` in the header's byte order). The header
carries the SHA-256 of everything after it. JSON and raw arrays only, never
pickle or marshal: a cache file must not be able to run code. A replayer
(`replayer_to_json`) is JSON whose numbers are columns, each the base64 of an array's
bytes, checked column by column on restore: a 100,000-answer snapshot restores in a
tenth of the time nested lists took, and holds the states its `finish()` gave, so a
log with nothing new since the snapshot is not walked again. Snapshots are
written atomically (temp file + rename) and only after at least
`MIN_NEW_LINES` lines were replayed, so an ordinary drill never pays for one.
`QUIZ_CACHE=off` disables the cache (see `bank_cache.cache_dir`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias, TypeVar

from quiz import __version__
from quiz.core import atomic
from quiz.core.answer_runs import SCHEDULE, AnswerRun, Lane
from quiz.core.bank_cache import cache_dir, collection_paused
from quiz.core.days import Days
from quiz.core.replay_columns import (
    MAX_STABILITY,
    CacheError,
    _finished,
    replayer_from_json,
    replayer_to_json,
    require,
)
from quiz.core.replayer import PENDING_PER_KEY, QuestionState, Replayer
from quiz.core.scheduling import Scheduler, State
from quiz.core.store import LogReader

__all__ = [
    "CACHE_FORMAT",
    "MAX_STABILITY",
    "MIN_NEW_LINES",
    "CacheError",
    "CachedPass",
    "Snapshot",
    "byte_section",
    "load",
    "replay_log",
    "replayed_states",
    "replayer_from_json",
    "replayer_to_json",
    "require",
    "run_pass",
    "save",
    "section",
    "snapshot_states",
]

CACHE_FORMAT = 4
"""2: the daily counts are per quarter hour of UTC time (local days), no longer per UTC day.
3: the history's responses as a table of distinct values and a column of indexes, its
day counts as columns. 4: the replayer in columns (`replayer_to_json`), with what its
`finish()` gave; the held-back answers' ids as one string and a column of lengths."""
MIN_NEW_LINES = 2000
"""Lines replayed since the snapshot (or from scratch) before a new one is worth writing."""
PROBE_BYTES = 65536
"""Bytes hashed at the start of the log and before the snapshot's offset."""
MAX_HEADER_BYTES = 1 << 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STATES = {int(state): state for state in State}

Column: TypeAlias = "array[Any] | bytearray"
"""A binary section, as written and as read back: an array, or a bytearray for typecode "b"."""
Sections = Mapping[str, Column]

# Everything a damaged or hostile snapshot can make the loading code raise.
_DAMAGE = (
    OSError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    RecursionError,
    OverflowError,
    RuntimeError,  # Path.resolve() of a symlink loop
)


# --------------------------------------------------------------------------- identity


def settings_key(scheduler: Scheduler) -> dict[str, Any]:
    """Everything about scheduling that changes what a replay gives."""
    settings = scheduler.settings
    return {
        "desired_retention": settings.desired_retention,
        "learning_steps": [step // _MICROSECOND for step in settings.learning_steps],
        "relearning_steps": [step // _MICROSECOND for step in settings.relearning_steps],
        "maximum_interval": settings.maximum_interval,
        "fuzzing": settings.fuzzing,
        "parameters": [float(value) for value in scheduler._fsrs.parameters],
        "pending_per_key": PENDING_PER_KEY,
    }


def _entry_path(folder: Path, log: Path, kind: str) -> Path:
    name = hashlib.sha256(str(log.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / "replay" / f"{name}.{kind}"


def _probe(log: Path, offset: int) -> tuple[str, str] | None:
    """SHA-256 of the log's first bytes and of the bytes before `offset`; None if shorter."""
    with open(log, "rb") as handle:
        if os.fstat(handle.fileno()).st_size < offset:
            return None
        head = handle.read(min(PROBE_BYTES, offset))
        start = max(0, offset - PROBE_BYTES)
        handle.seek(start)
        tail = handle.read(offset - start)
    if len(head) != min(PROBE_BYTES, offset) or len(tail) != offset - start:
        return None
    return hashlib.sha256(head).hexdigest(), hashlib.sha256(tail).hexdigest()


def _json_default(value: object) -> Any:
    raise TypeError(f"not JSON: {type(value).__name__}")


# --------------------------------------------------------------------------- files


@dataclass
class Snapshot:
    """A loaded, validated snapshot file: where the log was, and what was accumulated."""

    offset: int
    lines: int
    problems: list[str]
    body: dict[str, Any]
    sections: dict[str, Column]
    """The binary sections as read, each an array of its stored typecode (see `section`)."""


def load(folder: Path, log: Path, kind: str, scheduler: Scheduler) -> Snapshot | None:
    """The snapshot of `log` for `kind`, if it is intact and the log was only appended to."""
    where: list[int] = []

    def appended_to(identity: dict[str, Any]) -> bool:
        if identity.get("path") != str(log.resolve()):
            return False
        offset, lines = identity.get("offset"), identity.get("lines")
        require(type(offset) is int and type(lines) is int and offset >= 0 and lines >= 0)
        assert isinstance(offset, int) and isinstance(lines, int)
        probe = _probe(log, offset)
        where.extend((offset, lines))
        return probe is not None and [identity.get("head"), identity.get("tail")] == list(probe)

    found = open_entry(_entry_path(folder, log, kind), kind, scheduler, appended_to)
    if found is None:
        return None
    _identity, problems, body, sections = found
    return Snapshot(where[0], where[1], problems, body, sections)


def open_entry(
    entry: Path, kind: str, scheduler: Scheduler, identity_fits: Callable[[dict[str, Any]], bool]
) -> tuple[dict[str, Any], list[str], dict[str, Any], dict[str, Column]] | None:
    """A snapshot file's (identity, problems, body, sections) if it is intact, made by
    this app version for these settings, and `identity_fits` its header's `log` entry.

    Read part by part, never whole: the body's bytes, then each section straight into
    its array (a `bytearray` for "b"), hashed as they come; nothing is used unless
    the digest checks out. A million-answer snapshot so costs its arrays and its
    decoded body, not also a copy of the file and slices of it."""
    try:
        with open(entry, "rb") as handle:
            header = json.loads(handle.readline(MAX_HEADER_BYTES))
            require(isinstance(header, dict))
            identity = header.get("log")
            require(isinstance(identity, dict))
            if (
                header.get("format") != CACHE_FORMAT
                or header.get("app") != __version__
                or header.get("kind") != kind
                or header.get("byteorder") != sys.byteorder
                or header.get("settings") != settings_key(scheduler)
                or not identity_fits(identity)
            ):
                return None
            size, listed = header.get("body"), header.get("sections")
            require(type(size) is int and isinstance(listed, list))
            assert isinstance(size, int) and isinstance(listed, list)
            left = os.fstat(handle.fileno()).st_size - handle.tell()
            require(0 <= size <= left)  # nothing is allocated beyond what the file holds
            digest = hashlib.sha256()
            payload = handle.read(size)
            require(len(payload) == size)
            digest.update(payload)
            left -= size
            # Decoded now, before the sections are read: its bytes are gone by the time
            # the arrays take their room (it is still used only if the digest checks out).
            body = json.loads(payload)
            del payload
            sections: dict[str, Column] = {}
            for item in listed:
                require(isinstance(item, list) and len(item) == 3)
                name, typecode, nbytes = item
                require(isinstance(name, str) and name not in sections and typecode in ("b", "i", "q", "d"))
                require(type(nbytes) is int and 0 <= nbytes <= left and nbytes % array(typecode).itemsize == 0)
                sections[name] = _read_section(handle, typecode, nbytes, digest)
                left -= nbytes
            require(left == 0 and not handle.read(1))
        if digest.hexdigest() != header.get("digest"):
            return None
        require(isinstance(body, dict))
        problems = body.get("problems")
        require(isinstance(problems, list) and all(isinstance(text, str) for text in problems))
        return identity, problems, body, sections
    except _DAMAGE:
        return None


def _read_section(handle: io.BufferedReader, typecode: str, nbytes: int, digest: Any) -> Column:
    """`nbytes` of `handle` read straight into a new column of `typecode`, and hashed."""
    values: Column = (
        bytearray(nbytes) if typecode == "b" else array(typecode, [0]) * (nbytes // array(typecode).itemsize)
    )
    # The views are released before returning: an array exporting a buffer cannot grow.
    with memoryview(values) as raw, raw.cast("B") as view:
        require(handle.readinto(view) == nbytes)
        digest.update(view)
    return values


def save(
    folder: Path,
    log: Path,
    kind: str,
    scheduler: Scheduler,
    reader: LogReader,
    problems: list[str],
    body: dict[str, Any],
    sections: Sections,
) -> None:
    """Write a snapshot of `log` up to `reader.offset`, atomically; failure only costs speed."""
    with contextlib.suppress(*_DAMAGE):
        probe = _probe(log, reader.offset)
        if probe is None:
            return
        identity = {
            "path": str(log.resolve()),
            "offset": reader.offset,
            "lines": reader.lines,
            "head": probe[0],
            "tail": probe[1],
        }
        write_entry(_entry_path(folder, log, kind), kind, scheduler, identity, problems, body, sections)


def write_entry(
    target: Path,
    kind: str,
    scheduler: Scheduler,
    identity: dict[str, Any],
    problems: list[str],
    body: dict[str, Any],
    sections: Sections,
) -> None:
    """Write a snapshot file atomically (temp file + rename); errors are the caller's to swallow."""
    payload = json.dumps({"problems": problems, **body}, separators=(",", ":"), default=_json_default).encode("ascii")
    parts = [payload]
    listed = []
    for name, values in sections.items():
        data = bytes(values) if isinstance(values, bytearray) else values.tobytes()
        typecode = "b" if isinstance(values, bytearray) else values.typecode
        listed.append([name, typecode, len(data)])
        parts.append(data)
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    header = {
        "format": CACHE_FORMAT,
        "app": __version__,
        "kind": kind,
        "byteorder": sys.byteorder,
        "settings": settings_key(scheduler),
        "log": identity,
        "body": len(payload),
        "sections": listed,
        "digest": digest.hexdigest(),
    }
    head = json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n"
    atomic.write_cache(target, [head, *parts], suffix=f".{kind}")


def section(sections: Mapping[str, Column], name: str, typecode: str) -> array[Any]:
    """A binary section as an array of `typecode` (missing or misfit: CacheError).

    The array read from the file itself when it was stored with that typecode (no
    copy: the caller takes it over), else its bytes read again as `typecode`."""
    data = sections.get(name)
    require(data is not None)
    if isinstance(data, array) and data.typecode == typecode:
        return data
    raw = data.tobytes() if isinstance(data, array) else bytes(data or b"")
    values: array[Any] = array(typecode)
    require(len(raw) % values.itemsize == 0)
    values.frombytes(raw)
    return values


def byte_section(sections: Mapping[str, Column], name: str) -> bytearray:
    """A binary section as a bytearray (missing: CacheError); the one read, if it is one."""
    data = sections.get(name)
    require(data is not None)
    return data if isinstance(data, bytearray) else bytearray(data or b"")


# --------------------------------------------------------------------------- the pass


class CachedPass(Protocol):
    """What `run_pass` drives: something fed records that can be dumped to a snapshot."""

    def feed(self, record: dict[str, Any]) -> None: ...

    lane: Lane
    """The fields its runs need (`quiz.core.answer_runs`)."""

    def feed_run(self, run: AnswerRun) -> None:
        """`feed` of each record of `run` (the block lane, `quiz.core.answer_runs`)."""

    def dump(self) -> tuple[dict[str, Any], Sections]: ...


P = TypeVar("P", bound=CachedPass)


def run_pass(
    log: Path | Sequence[Path],
    kind: str,
    scheduler: Scheduler,
    fresh: Callable[[], P],
    restore: Callable[[Snapshot], P],
    on_warning: Callable[[str], None] | None = None,
    *,
    folder: Path | Literal["auto"] | None = "auto",
    now: datetime | None = None,
    min_new_lines: int | None = None,
) -> P:
    """Feed every usable record of `log` to a pass, starting from a snapshot when one fits.

    The warnings are those of reading the whole log, in order, whether or not a
    snapshot was used (its skipped lines are reported again with this path). The
    last line, if it lacks its newline, is fed after the snapshot is taken, so a
    snapshot always ends at a line boundary. `folder` defaults to `cache_dir()`.
    `now` is the clock records are judged by (see `quiz.core.records`); no
    snapshot is saved over a line skipped for a time in the future, which may
    become usable later.

    A snapshot is written when at least `min_new_lines` (default `MIN_NEW_LINES`) lines were read (a class
    report asks for one after any new line: it reads many small logs, again and again).

    `log` may be several files (a learner's devices): they are merged by
    `quiz.core.logs.MergedReader`, with a snapshot of the merge
    (`quiz.core.merged_cache`).
    """
    if not isinstance(log, Path):
        logs = tuple(log)
        if len(logs) != 1:
            from quiz.core.merged_cache import run_merged

            where = _default_folder() if folder == "auto" else folder
            threshold = MIN_NEW_LINES if min_new_lines is None else min_new_lines
            with collection_paused():  # as below
                return run_merged(
                    logs, kind, scheduler, fresh, restore, on_warning, where, now=now, threshold=threshold
                )
        log = logs[0]
    where = _default_folder() if folder == "auto" else folder
    # No cyclic collection during the pass: it makes objects by the hundred thousand (a
    # restore's states, the reader's rows, the held-back answers), nearly all kept and none
    # in a cycle, and each few hundred allocations started a collection that walked them
    # all again (a quarter of a cold replay's time).
    with collection_paused():
        return _run_pass(log, kind, scheduler, fresh, restore, on_warning, where, now, min_new_lines)


def _run_pass(
    log: Path,
    kind: str,
    scheduler: Scheduler,
    fresh: Callable[[], P],
    restore: Callable[[Snapshot], P],
    on_warning: Callable[[str], None] | None,
    where: Path | None,
    now: datetime | None,
    min_new_lines: int | None,
) -> P:
    """`run_pass` of one log file, the collector paused."""
    work: P | None = None
    snapshot = load(where, log, kind, scheduler) if where is not None else None
    if snapshot is not None:
        with contextlib.suppress(*_DAMAGE):
            work = restore(snapshot)
        # The pass holds what it needs; the decoded body (its lists of pairs) goes now,
        # so the records read next reuse that memory rather than add to the peak.
        snapshot.body, snapshot.sections = {}, {}
    if work is None or snapshot is None:
        work = fresh()
        reader = LogReader(log, on_warning, now=now)
        problems: list[str] = []
    else:
        problems = list(snapshot.problems)
        if on_warning is not None:
            for problem in problems:
                on_warning(f"{log}: {problem}")
        reader = LogReader(log, on_warning, offset=snapshot.offset, lines=snapshot.lines, now=now)
    start = reader.lines
    feed, feed_run = work.feed, work.feed_run
    for item in reader.items(work.lane):
        if type(item) is dict:
            feed(item)
        else:
            feed_run(item)  # type: ignore[arg-type]  # not a dict: a run
    threshold = MIN_NEW_LINES if min_new_lines is None else min_new_lines
    if where is not None and reader.lines - start >= threshold and not reader.future:
        body, sections = work.dump()
        save(where, log, kind, scheduler, reader, problems + reader.problems, body, sections)
    if reader.tail is not None:
        feed(reader.tail)
    return work


def _default_folder() -> Path | None:
    """`cache_dir()`, or None where no home folder can be found (no cache then)."""
    try:
        return cache_dir()
    except (RuntimeError, KeyError, OSError):
        return None


class _Fed:
    """A replayer's `feed` that notes whether it was called."""

    __slots__ = ("called", "feed", "feed_run")

    def __init__(self, feed: Callable[[dict[str, Any]], None], feed_run: Callable[[AnswerRun], None]) -> None:
        self.feed = feed
        self.feed_run = feed_run
        self.called = False

    def __call__(self, record: dict[str, Any]) -> None:
        self.called = True
        self.feed(record)

    def run(self, run: AnswerRun) -> None:
        self.called = True
        self.feed_run(run)


class _ReplayPass:
    """The replayer alone: what a session needs at start.

    A replayer restored from a snapshot is finished as it was saved; `fed` says whether
    a record came since, so that only then `finish()` runs again (which walks every
    held-back answer). No reference cycle: the pass, once dropped, frees the replayer's
    held-back answers at once rather than at the next full collection."""

    lane = SCHEDULE

    def __init__(self, replayer: Replayer, *, restored: bool = False) -> None:
        self.replayer = replayer
        self._fed = _Fed(replayer.feed, replayer.feed_run) if restored else None
        self.feed = replayer.feed if self._fed is None else self._fed
        self.feed_run = replayer.feed_run if self._fed is None else self._fed.run

    @property
    def fed(self) -> bool:
        """Whether the replayer needs a `finish()`: built afresh, or fed since its restore."""
        return self._fed is None or self._fed.called

    def dump(self) -> tuple[dict[str, Any], Sections]:
        return {"replay": replayer_to_json(self.replayer)}, {}


def replay_log(
    log: Path | Sequence[Path],
    scheduler: Scheduler,
    *,
    day: date | None = None,
    days: Days | None = None,
    on_warning: Callable[[str], None] | None = None,
    folder: Path | Literal["auto"] | None = "auto",
    now: datetime | None = None,
) -> Replayer:
    """The finished replay of the whole log (`Replayer.states` and the day's counts),
    exactly as feeding `store.iter_records(log)` to a `Replayer` would give, but
    from a snapshot when one fits."""
    work = run_pass(
        log,
        "states",
        scheduler,
        lambda: _ReplayPass(Replayer(scheduler, day, days=days)),
        lambda snapshot: _ReplayPass(
            replayer_from_json(snapshot.body.get("replay"), scheduler, day, days=days), restored=True
        ),
        on_warning,
        folder=folder,
        now=now,
    )
    if work.fed:
        with collection_paused():  # as in `run_pass`: ten thousand states, none in a cycle
            work.replayer.finish()
    return work.replayer


def replayed_states(
    log: Path | Sequence[Path],
    scheduler: Scheduler,
    *,
    on_warning: Callable[[str], None] | None = None,
    folder: Path | Literal["auto"] | None = "auto",
    now: datetime | None = None,
) -> dict[str, QuestionState]:
    """`replay_log(...).states`, and only them (the home screen's counts need no more):
    `snapshot_states` when it has them, else `replay_log`."""
    logs = (log,) if isinstance(log, Path) else tuple(log)
    states = snapshot_states(logs, scheduler, on_warning=on_warning, folder=folder)
    if states is not None:
        return states
    return replay_log(logs, scheduler, on_warning=on_warning, folder=folder, now=now).states


def snapshot_states(
    log: Path | Sequence[Path],
    scheduler: Scheduler,
    *,
    on_warning: Callable[[str], None] | None = None,
    folder: Path | Literal["auto"] | None = "auto",
) -> dict[str, QuestionState] | None:
    """`replay_log(...).states` read from the log's snapshot alone, or None when that
    cannot be: several logs, no snapshot that fits, or lines appended since it.

    Nothing appended since the snapshot is the first start of a day, or one after a
    change of settings or banks: the cached overview no longer holds, the log is as it
    was. The snapshot's held-back answers, nine entries in ten, are then not rebuilt
    (nothing will be fed to them), and its body is not even read when its header says
    it ends before the log does. The warnings are those `replay_log` would give."""
    logs = (log,) if isinstance(log, Path) else tuple(log)
    where = _default_folder() if folder == "auto" else folder
    if len(logs) != 1 or where is None:
        return None
    path = logs[0]
    states: dict[str, QuestionState] | None = None
    try:
        size = os.stat(path).st_size
        with open(_entry_path(where, path, "states"), "rb") as handle:
            header = json.loads(handle.readline(MAX_HEADER_BYTES))
        if header["log"]["offset"] != size:
            return None
        with collection_paused():
            snapshot = load(where, path, "states", scheduler)
            if snapshot is None or snapshot.offset != size:
                return None
            states = _finished(snapshot.body.get("replay")).states
    except (*_DAMAGE, AttributeError):
        return None
    if on_warning is not None:
        for problem in snapshot.problems:
            on_warning(f"{path}: {problem}")
    return states
