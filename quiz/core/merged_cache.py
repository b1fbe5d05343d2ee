"""Snapshots of a learner's log made of several files (one per device), so it opens warm.

A learner who drills on two machines has two log files (`quiz.core.logs`), merged
in time order on every read. The replay of the merge cannot be cut per file (a
question's answers interleave across devices), so the snapshot is of the merge:
the pass's state after every file's first N bytes, with each file's offset and
probes as `quiz.core.replay_cache` keeps them for one file.

Resuming is only sound when what the files gained since comes *after* what the
snapshot holds, as a sync brings a session done on the other machine later.
So the snapshot also keeps the latest time it merged (the watermark) and a
64-bit hash of every record id it used or refused, and the new records are
checked before any is fed: one older than the watermark, or with an id the
snapshot already has (a duplicate or a conflicting copy, which a whole read
would drop or leave out), means the files are read whole again, which gives
exactly what a read without any snapshot gives. A file that disappeared or was
rewritten fails its probe the same way; a new file is read from its start.
"""

from __future__ import annotations

import contextlib
import zlib
from array import array
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from quiz.core.fsrs_kernel import to_us
from quiz.core.logs import MergedReader
from quiz.core.replay_cache import (
    _DAMAGE,
    P,
    Snapshot,
    _entry_path,
    _probe,
    open_entry,
    require,
    section,
    write_entry,
)
from quiz.core.replayer import _time_us
from quiz.core.scheduling import Scheduler

__all__ = ["run_merged"]

IDS_SECTION = "merged.ids"
"""The binary section of the id hashes (a name no pass's own sections use)."""


def _id_hash(ident: str) -> int:
    """A 64-bit hash of a record id, stable across runs (Python's `hash` is not)."""
    data = ident.encode("utf-8", "surrogatepass")
    value = (zlib.crc32(data) << 32) | zlib.adler32(data)
    return value - (1 << 64) if value >= 1 << 63 else value


def _entry(folder: Path, logs: Sequence[Path], kind: str) -> Path:
    """One snapshot per learner folder and kind."""
    return _entry_path(folder, logs[0].parent / ":merged", kind)


def _resolved(logs: Sequence[Path]) -> dict[str, Path]:
    return {str(path.resolve()): path for path in logs}


def run_merged(
    logs: Sequence[Path],
    kind: str,
    scheduler: Scheduler,
    fresh: Callable[[], P],
    restore: Callable[[Snapshot], P],
    on_warning: Callable[[str], None] | None,
    where: Path | None,
    *,
    now: datetime | None = None,
    threshold: int,
) -> P:
    """`replay_cache.run_pass` for several files: resumed from a snapshot of the merge
    when the new records all come after it, else every file read whole; a snapshot is
    written after `threshold` new lines or more."""
    if not logs:
        where = None  # no file yet: nothing to snapshot
    if where is not None:
        resumed = _resume(logs, kind, scheduler, restore, on_warning, where, now, threshold)
        if resumed is not None:
            return resumed
    work = fresh()
    merged = MergedReader(logs, on_warning, now=now)
    feed = work.feed
    for record in merged:
        feed(record)
    if where is not None and merged.lines >= threshold:
        _save(where, logs, kind, scheduler, work, merged, [], (), -1)
    return work


def _resume(
    logs: Sequence[Path],
    kind: str,
    scheduler: Scheduler,
    restore: Callable[[Snapshot], P],
    on_warning: Callable[[str], None] | None,
    where: Path,
    now: datetime | None,
    threshold: int,
) -> P | None:
    """The pass resumed from the snapshot and fed what is new, or None (read whole)."""
    current = _resolved(logs)
    starts: dict[Path, tuple[int, int]] = {}

    def fits(identity: dict[str, Any]) -> bool:
        files = identity.get("files")
        require(isinstance(files, list) and identity.get("folder") == str(logs[0].parent.resolve()))
        assert isinstance(files, list)
        for item in files:
            require(isinstance(item, list) and len(item) == 5)
            name, offset, lines, head, tail = item
            require(type(offset) is int and type(lines) is int and offset >= 0 and lines >= 0)
            path = current.get(name)
            if path is None or path in starts or _probe(path, offset) != (head, tail):
                return False
            starts[path] = (offset, lines)
        return type(identity.get("watermark")) is int

    found = open_entry(_entry(where, logs, kind), kind, scheduler, fits)
    if found is None:
        return None
    identity, problems, body, sections = found
    watermark: int = identity["watermark"]
    try:
        known = set(section(sections, IDS_SECTION, "q"))
        work = restore(Snapshot(0, 0, problems, body, sections))
    except _DAMAGE:
        return None
    news: list[str] = []
    merged = MergedReader(logs, news.append, now=now, starts=starts)
    records = list(merged)
    for record in records:
        if _time_us(record["time"]) < watermark or _id_hash(record["id"]) in known:
            return None
    if any(_id_hash(ident) in known for ident in merged.conflicts):
        return None
    if on_warning is not None:
        for problem in (*problems, *news):
            on_warning(problem)
    feed = work.feed
    for record in records:
        feed(record)
    if merged.lines >= threshold:
        _save(where, logs, kind, scheduler, work, merged, problems, known, watermark)
    return work


def _save(
    where: Path,
    logs: Sequence[Path],
    kind: str,
    scheduler: Scheduler,
    work: Any,
    merged: MergedReader,
    problems: list[str],
    known: Iterable[int],
    watermark: int,
) -> None:
    """Snapshot the merge, unless a line may still change (a time in the future, a torn
    last line, whose record would be read again); failure only costs speed."""
    if merged.future or merged.tails:
        return
    with contextlib.suppress(*_DAMAGE):
        files = []
        for path in logs:
            offset, lines = merged.ends.get(path, (0, 0))
            probe = _probe(path, offset)
            if probe is None:
                return
            files.append([str(path.resolve()), offset, lines, probe[0], probe[1]])
        if merged.latest is not None:
            watermark = max(watermark, to_us(merged.latest))
        ids = array("q", known)
        ids.extend(_id_hash(ident) for ident in (*merged.seen, *merged.conflicts))
        body, sections = work.dump()
        identity = {"folder": str(logs[0].parent.resolve()), "files": files, "watermark": watermark}
        write_entry(
            _entry(where, logs, kind),
            kind,
            scheduler,
            identity,
            [*problems, *merged.problems],
            body,
            {**sections, IDS_SECTION: ids},
        )
