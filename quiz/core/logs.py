"""A learner's log is every `*.jsonl` file in the learner's folder, merged.

Each device appends to its own file (`quiz.core.device`), the log of earlier
versions (`reviews.jsonl`) is read as it is, and the copies that sync tools make
on a conflict (`reviews.sync-conflict-*.jsonl`, `reviews (conflicted copy
...).jsonl`) are read too. Every record has an `id`, so a record present in
several files (a conflict copy, a file copied by hand) counts once. A record id
seen twice with DIFFERENT content is not guessed at: both copies are left out and
the conflict is reported with where each copy is.

`MergedReader` yields the records of all files in time order (a k-way merge of
the files, each of which is in time order as its one writer appended it), so
replay sees one history whatever the number of devices.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from quiz.core.store import LogReader, StoreError
from quiz.core.store import _reason as reason

LOG_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class LogScan:
    """The log files of a learner's folder, and the symbolic links refused in it."""

    files: tuple[Path, ...] = ()
    refused: tuple[tuple[Path, Path], ...] = ()
    """(link, where it points) for each `*.jsonl` link that leads out of the folder:
    never read (it could be any file of the machine, `/etc/passwd` say), but told."""

    def refusals(self) -> list[str]:
        """One line for each refused link, for a warning."""
        return [
            f"{link}: a symbolic link out of the learner's folder (to {target}); refused, not read"
            for link, target in self.refused
        ]


def scan_logs(folder: Path) -> LogScan:
    """Every log file of a learner's folder, by name: `*.jsonl` files, and symbolic
    links only when they stay inside the folder (the others are in `refused`). A
    folder with a log's name is listed too, so that reading it fails loudly; a FIFO
    or device never is (it would hang the reader). A missing folder has none; one
    that cannot be listed is a `StoreError`."""
    try:
        entries = sorted(folder.iterdir())
    except FileNotFoundError:
        return LogScan()  # a learner with no answers yet
    except OSError as error:
        raise StoreError(f"Could not read {folder}: {reason(error)}", error.errno) from error
    found: list[Path] = []
    refused: list[tuple[Path, Path]] = []
    try:
        inside = folder.resolve()
    except (OSError, RuntimeError):
        return LogScan()
    for entry in entries:
        if entry.suffix != LOG_SUFFIX or entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                target = entry.resolve()
                if target.parent != inside:
                    refused.append((entry, target))
                    continue
            mode = entry.stat().st_mode
            if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
                found.append(entry)
        except (OSError, RuntimeError):
            continue
    return LogScan(tuple(found), tuple(refused))


def log_files(folder: Path) -> tuple[Path, ...]:
    """The log files of a learner's folder (`scan_logs`; links out of it left out)."""
    return scan_logs(folder).files


def _fingerprint(record: dict[str, Any]) -> bytes:
    return hashlib.blake2b(
        json.dumps(record, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode(), digest_size=16
    ).digest()


class MergedReader:
    """The records of several log files, once each, in time order.

    Reads every file twice: once to find the ids whose copies disagree (both are
    then left out), once to merge. `problems` has the warnings of both the files
    and the merge; `lines` counts the lines of all files read (from `starts` on).
    """

    def __init__(
        self,
        paths: Sequence[Path],
        on_warning: Callable[[str], None] | None = None,
        *,
        now: datetime | None = None,
        starts: Mapping[Path, tuple[int, int]] | None = None,
    ) -> None:
        self.paths = tuple(paths)
        self.starts = dict(starts or {})
        """Per file, the (byte offset, lines) to read on from: what a snapshot already
        holds (`quiz.core.replay_cache`); files not listed are read whole."""
        self.ends: dict[Path, tuple[int, int]] = {}
        """Per file, the (byte offset, lines) of the whole lines read, once iterated."""
        self.future = 0
        """Lines skipped for a time in the future (they may be usable later)."""
        self.tails = 0
        """Files whose last line lacks its newline (its record, if usable, was merged)."""
        self.latest: datetime | None = None
        """The latest time of a record merged."""
        self.seen: set[str] = set()
        """Ids of the records yielded."""
        self.on_warning = on_warning
        self.now = now
        """The clock every file's lines are judged by (see `quiz.core.records`)."""
        self.problems: list[str] = []
        self.lines = 0
        self.tail: dict[str, Any] | None = None
        """Always None: torn last lines are fed in the merge (see `LogReader.tail`)."""
        self.duplicates = 0
        """Records left out because the same record came earlier from another file."""
        self.conflicts: dict[str, list[str]] = {}
        """Record id -> where its differing copies are ("file line N")."""

    def _warn(self, message: str) -> None:
        self.problems.append(message)
        if self.on_warning is not None:
            self.on_warning(message)

    def _records(self, path: Path, warn: bool) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, record) of one file; warnings only when `warn`."""
        offset, lines = self.starts.get(path, (0, 0))
        reader = LogReader(path, self.on_warning if warn else None, now=self.now, offset=offset, lines=lines)
        for record in reader:
            yield reader.line, record
        if reader.tail is not None:
            yield reader.lines + 1, reader.tail
        if warn:
            self.problems.extend(f"{path}: {problem}" for problem in reader.problems)
            self.lines += reader.lines - lines
            self.ends[path] = (reader.offset, reader.lines)
            self.future += reader.future
            self.tails += reader.tail is not None

    def _find_conflicts(self) -> set[str]:
        seen: dict[str, tuple[bytes, str]] = {}
        for path in self.paths:
            for line, record in self._records(path, warn=False):
                where = f"{path.name} line {line}"
                fingerprint = _fingerprint(record)
                first = seen.get(record["id"])
                if first is None:
                    seen[record["id"]] = (fingerprint, where)
                elif first[0] != fingerprint:
                    places = self.conflicts.setdefault(record["id"], [first[1]])
                    places.append(where)
        for record_id, places in self.conflicts.items():
            self._warn(
                f"record id {record_id!r} has different content in {' and in '.join(places)}; "
                "none of its copies is used (which one is right cannot be told)"
            )
        return set(self.conflicts)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        refused = self._find_conflicts()
        when = datetime.fromisoformat
        streams = [
            ((when(record["time"]), record) for _, record in self._records(path, warn=True)) for path in self.paths
        ]
        seen = self.seen
        latest = self.latest
        for moment, record in heapq.merge(*streams, key=itemgetter(0)):
            record_id = record["id"]
            if record_id in refused:
                continue
            if record_id in seen:
                self.duplicates += 1
                continue
            seen.add(record_id)
            if latest is None or moment > latest:
                latest = self.latest = moment
            yield record


def iter_learner_records(
    paths: Sequence[Path], on_warning: Callable[[str], None] | None = None, *, now: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """The records of a learner's log files, merged (one file is read as it is)."""
    if len(paths) == 1:
        reader = LogReader(paths[0], on_warning, now=now)
        yield from reader
        if reader.tail is not None:
            yield reader.tail
        return
    yield from MergedReader(paths, on_warning, now=now)
