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
pickle or marshal: a cache file must not be able to run code. Snapshots are
written atomically (temp file + rename) and only after at least
`MIN_NEW_LINES` lines were replayed, so an ordinary drill never pays for one.
`QUIZ_CACHE=off` disables the cache (see `bank_cache.cache_dir`).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sys
import tempfile
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from quiz import __version__
from quiz.core.bank_cache import cache_dir
from quiz.core.days import Days
from quiz.core.flags import Flags
from quiz.core.fsrs_kernel import Memory
from quiz.core.scheduling import Scheduler, State
from quiz.core.store import COUNT_BUCKET, NEW, PENDING_PER_KEY, REVIEW, LogReader, QuestionState, Replayer

__all__ = [
    "CACHE_FORMAT",
    "MIN_NEW_LINES",
    "CacheError",
    "CachedPass",
    "Snapshot",
    "load",
    "replay_log",
    "replayer_from_json",
    "replayer_to_json",
    "require",
    "run_pass",
    "save",
    "section",
]

CACHE_FORMAT = 2
"""2: the daily counts are per quarter hour of UTC time (local days), no longer per UTC day."""
MIN_NEW_LINES = 2000
"""Lines replayed since the snapshot (or from scratch) before a new one is worth writing."""
PROBE_BYTES = 65536
"""Bytes hashed at the start of the log and before the snapshot's offset."""
MAX_HEADER_BYTES = 1 << 20

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STATES = {int(state): state for state in State}

Sections = Mapping[str, "array[Any] | bytearray"]

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


class CacheError(ValueError):
    """A snapshot that is inconsistent; only ever caught here, never shown."""


def require(condition: bool) -> None:
    """CacheError unless `condition`: the one check every restoring step uses."""
    if not condition:
        raise CacheError("malformed snapshot")


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
    sections: dict[str, bytes]


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
) -> tuple[dict[str, Any], list[str], dict[str, Any], dict[str, bytes]] | None:
    """A snapshot file's (identity, problems, body, sections) if it is intact, made by
    this app version for these settings, and `identity_fits` its header's `log` entry."""
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
            rest = handle.read()
        if hashlib.sha256(rest).hexdigest() != header.get("digest"):
            return None
        size = header.get("body")
        require(type(size) is int and 0 <= size <= len(rest))
        body = json.loads(rest[:size])
        require(isinstance(body, dict))
        problems = body.get("problems")
        require(isinstance(problems, list) and all(isinstance(text, str) for text in problems))
        sections: dict[str, bytes] = {}
        position = size
        listed = header.get("sections")
        require(isinstance(listed, list))
        for item in listed:
            require(isinstance(item, list) and len(item) == 3)
            name, typecode, nbytes = item
            require(isinstance(name, str) and typecode in ("b", "i", "q", "d") and type(nbytes) is int)
            require(0 <= nbytes <= len(rest) - position and nbytes % array(typecode).itemsize == 0)
            sections[name] = rest[position : position + nbytes]
            position += nbytes
        require(position == len(rest))
        return identity, problems, body, sections
    except _DAMAGE:
        return None


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
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=f".{kind}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(json.dumps(header, separators=(",", ":")).encode("ascii") + b"\n")
            for part in parts:
                handle.write(part)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def section(sections: Mapping[str, bytes], name: str, typecode: str) -> array[Any]:
    """A binary section as an array of `typecode` (missing or misfit: CacheError)."""
    data = sections.get(name)
    require(data is not None)
    values: array[Any] = array(typecode)
    require(len(data or b"") % values.itemsize == 0)
    values.frombytes(data or b"")
    return values


# --------------------------------------------------------------------------- the replayer


def _us(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // _MICROSECOND


def _int(value: object) -> int:
    if type(value) is not int:
        raise CacheError("malformed snapshot")
    return value


def _time(value: object) -> datetime:
    moment = _EPOCH + timedelta(microseconds=_int(value))
    require(_EPOCH <= moment <= _LATEST)
    return moment


def _maybe_time(value: object) -> datetime | None:
    return None if value is None else _time(value)


def _count(value: object) -> int:
    number = _int(value)
    require(number >= 0)
    return number


def _maybe_float(value: object, low: float, high: float) -> float | None:
    """None, or a float within [low, high] (NaN and infinities are refused)."""
    if value is None:
        return None
    if type(value) is float and low <= value <= high:
        return value
    raise CacheError("malformed snapshot")


MAX_STABILITY = 1e9
"""Days; FSRS stability is positive and, with intervals capped at 100 years, far below."""
MAX_STEP = 1000
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)
_LATEST_BUCKET = int((_LATEST - _EPOCH).total_seconds()) // COUNT_BUCKET
"""The last `COUNT_BUCKET` a restored day count may name (a forged entry is refused)."""
"""Times in a snapshot are refused beyond this, as `quiz.core.records` refuses them in a log."""


def _state_row(state: QuestionState) -> list[Any]:
    memory = state.memory
    return [
        state.answers,
        state.correct,
        _us(state.last),
        _us(state.first),
        state.card_id,
        memory.state,
        memory.step,
        memory.stability,
        memory.difficulty,
        memory.due,
        memory.last_review,
    ]


def _state_from_row(row: object) -> QuestionState:
    require(isinstance(row, list) and len(row) == 11)
    assert isinstance(row, list)
    answers, correct, last, first, card_id, state, step, stability, difficulty, due, last_review = row
    require(type(card_id) is int and type(state) is int and state in _STATES)
    require(step is None or (type(step) is int and 0 <= step <= MAX_STEP))
    require((step is None) == (_STATES[state] == State.Review))
    require((stability is None) == (difficulty is None) == (last_review is None))
    _time(due)  # in range, or CacheError
    _maybe_time(last_review)
    memory = Memory(
        state,
        step,
        _maybe_float(stability, 1e-9, MAX_STABILITY),
        _maybe_float(difficulty, 1.0, 10.0),
        _int(due),
        last_review,
    )
    return QuestionState(
        memory=memory,
        card_id=card_id,
        answers=_count(answers),
        correct=_count(correct),
        last=_maybe_time(last),
        first=_maybe_time(first),
    )


def replayer_to_json(replayer: Replayer) -> dict[str, Any]:
    """The replayer's whole state: committed states, held-back answers, per-day counts,
    and (after a `finish()`, run here) what the held-back answers give, per question."""
    replayer.finish()
    return {
        "states": [[key, *_state_row(state)] for key, state in replayer._base.items()],
        "pending": [
            [key, [[when, ident, int(rating), bool(correct)] for when, ident, rating, correct in held]]
            for key, held in replayer._pending.items()
        ],
        "done": [
            [key, None if state is None else _state_row(state), codes] for key, (state, codes) in replayer._done.items()
        ],
        "new_days": list(replayer._new_days.items()),
        "review_days": list(replayer._review_days.items()),
        "flags": replayer.flags.to_json(),
    }


def replayer_from_json(data: object, scheduler: Scheduler, day: date | None, *, days: Days | None = None) -> Replayer:
    """A replayer in the state `replayer_to_json` saved; CacheError if anything is off."""
    require(isinstance(data, dict))
    assert isinstance(data, dict)
    replayer = Replayer(scheduler, day, days=days)
    base = replayer._base
    rows = data["states"]
    require(isinstance(rows, list))
    for row in rows:
        require(isinstance(row, list) and len(row) == 12 and isinstance(row[0], str) and row[0] not in base)
        base[row[0]] = _state_from_row(row[1:])
    pending = data["pending"]
    require(isinstance(pending, list))
    for item in pending:
        require(isinstance(item, list) and len(item) == 2)
        key, held = item
        require(isinstance(key, str) and key not in replayer._pending and isinstance(held, list))
        require(len(held) <= PENDING_PER_KEY)
        entries: list[list[Any]] = []
        for entry in held:
            require(isinstance(entry, list) and len(entry) == 4)
            when, ident, rating, correct = entry
            require(isinstance(ident, str) and type(rating) is int and 1 <= rating <= 4 and type(correct) is bool)
            _time(when)  # in range, or CacheError
            entries.append([when, ident, rating, correct])
        require(all(a[0] <= b[0] for a, b in itertools.pairwise(entries)))
        replayer._pending[key] = entries
    done = data["done"]
    require(isinstance(done, list))
    for item in done:
        require(isinstance(item, list) and len(item) == 3)
        key, row, codes = item
        require(isinstance(key, str) and key not in replayer._done and isinstance(codes, list))
        require(len(codes) == len(replayer._pending.get(key) or ()) > 0)
        require(all(code in (0, NEW, REVIEW) and type(code) is int for code in codes))
        replayer._done[key] = (None if row is None else _state_from_row(row), codes)
    for name, counts in (("new_days", replayer._new_days), ("review_days", replayer._review_days)):
        pairs = data[name]
        require(isinstance(pairs, list))
        for pair in pairs:
            require(isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is int)
            require(0 <= pair[0] <= _LATEST_BUCKET)
            counts[pair[0]] = _count(pair[1])
    replayer.flags = Flags.from_json(data["flags"])
    return replayer


# --------------------------------------------------------------------------- the pass


class CachedPass(Protocol):
    """What `run_pass` drives: something fed records that can be dumped to a snapshot."""

    def feed(self, record: dict[str, Any]) -> None: ...

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
            return run_merged(logs, kind, scheduler, fresh, restore, on_warning, where, now=now, threshold=threshold)
        log = logs[0]
    where = _default_folder() if folder == "auto" else folder
    snapshot = load(where, log, kind, scheduler) if where is not None else None
    work: P | None = None
    if snapshot is not None:
        with contextlib.suppress(*_DAMAGE):
            work = restore(snapshot)
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
    feed = work.feed
    for record in reader:
        feed(record)
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


class _ReplayPass:
    """The replayer alone: what a session needs at start."""

    def __init__(self, replayer: Replayer) -> None:
        self.replayer = replayer
        self.feed = replayer.feed

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
        lambda snapshot: _ReplayPass(replayer_from_json(snapshot.body.get("replay"), scheduler, day, days=days)),
        on_warning,
        folder=folder,
        now=now,
    )
    work.replayer.finish()
    return work.replayer
