"""The learner's review log: an append-only JSON Lines file, written and read.

`scores/<learner>/<device>.jsonl` is the only thing the app persists about a
learner: each device appends to its own file, and readers merge every `*.jsonl`
of the folder, each record once by its `id` (`quiz.core.logs`). Every answer,
re-rating and undo is one line, never rewritten; card state is derived by
replaying the files, so nothing can disagree with them.

Writing: one `os.write` of a whole line on an `O_APPEND` descriptor, then
`os.fsync`, while holding an exclusive lock on `reviews.lock` beside the log (`quiz.core.lock`:
`fcntl.flock` on POSIX, `msvcrt.locking` on Windows; the file is 0600), so two
app instances on one learner never interleave or lose records. A crash can
still leave a torn last line; the next append first ends it with a newline so
the new record starts on its own line, and reading skips it with a warning.

Reading streams the file line by line and is linear in its size: a million
answers must not need a million records in memory at once. `LogReader` can start
at a byte offset, so a log read before need only be read from where it grew;
replaying the records is `quiz.core.replayer`.
"""

from __future__ import annotations

import contextlib
import errno as errno_codes
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from quiz.core.lock import DEFAULT_TIMEOUT, LockTimeout, locked, open_flags
from quiz.core.records import BOM, MAX_LINE_BYTES, Skip, parse_line
from quiz.core.scheduling import ensure_utc

if TYPE_CHECKING:
    from quiz.core.answer_runs import AnswerRun, Lane

__all__ = [
    "LOCK_NAME",
    "LOG_NAME",
    "LearnerError",
    "LogRead",
    "LogReader",
    "Store",
    "StoreError",
    "expect_reading",
    "iter_records",
    "validate_learner",
]

LOG_NAME = "reviews.jsonl"
LOCK_NAME = "reviews.lock"
MAX_LEARNER_BYTES = 64
"""Bytes, not characters: file systems limit names in bytes, and the log's file name is added to it."""
WINDOWS_FORBIDDEN = frozenset('<>:"|?*')
"""Characters Windows refuses in a file name (with '/' and '\\', refused everywhere)."""
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{device}{n}" for device in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
"""Device names Windows reserves, with or without an extension (`con.txt` too)."""


class LearnerError(ValueError):
    """A learner name that cannot safely become a folder name."""


class StoreError(OSError):
    """The review log could not be written or read; `str()` is fit for a learner."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errno = code

    def __str__(self) -> str:
        return self.message


def validate_learner(name: str) -> str:
    """`name` unchanged if it is safe as a folder name, else `LearnerError` saying why."""
    if not name:
        raise LearnerError("The learner name is empty; give a name such as 'ana'.")
    if "/" in name or "\\" in name:
        raise LearnerError(
            f"The learner name {name!r} contains a path separator ('/' or '\\'); use a plain name such as 'ana'."
        )
    if name in (".", ".."):
        raise LearnerError(f"The learner name {name!r} is not allowed: it names a folder.")
    if name != name.strip():
        raise LearnerError(f"The learner name {name!r} starts or ends with a space.")
    for char in name:
        if unicodedata.category(char) in ("Cc", "Cf"):
            raise LearnerError(
                f"The learner name {name!r} contains an invisible control character (U+{ord(char):04X})."
            )
    size = len(name.encode("utf-8", "surrogatepass"))
    if size > MAX_LEARNER_BYTES:
        raise LearnerError(
            f"The learner name is {size} bytes long in UTF-8; the most is {MAX_LEARNER_BYTES} "
            "(letters outside English take 2 to 4 bytes each)."
        )
    bad = sorted({char for char in name if char in WINDOWS_FORBIDDEN})
    if bad:
        shown = " ".join(bad)
        raise LearnerError(f"The learner name {name!r} contains {shown}, which Windows cannot store in a folder name.")
    if name.endswith("."):
        raise LearnerError(f"The learner name {name!r} ends with a dot, which Windows drops from folder names.")
    stem = name.split(".", 1)[0].rstrip(" ").upper()
    if stem in WINDOWS_RESERVED:
        raise LearnerError(f"The learner name {name!r} is a device name on Windows ({stem}); choose another name.")
    return name


_REASONS = {
    errno_codes.ENOSPC: "disk full",
    errno_codes.EDQUOT: "disk quota exceeded",
    errno_codes.EROFS: "the disk is read-only",
    errno_codes.EACCES: "permission denied",
    errno_codes.EPERM: "permission denied",
    errno_codes.ENOTDIR: "a file is in the way where a folder should be",
    errno_codes.EEXIST: "a file is in the way where a folder should be",
    errno_codes.EISDIR: "a folder is in the way where the file should be",
    errno_codes.EIO: "input/output error (the disk may be failing)",
}


def _reason(error: OSError) -> str:
    """A short plain-language cause of a disk error."""
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return error.strerror or str(error)


@dataclass
class LogRead:
    """What reading the log gave: the usable records and what was skipped."""

    records: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


class LogReader:
    """Streams the usable records of a log from a byte offset, counting what it consumed.

    Iterating yields the records of whole lines (ending in a newline) only; `offset`
    and `lines` then say how far those went, always at a line boundary, and
    `problems` lists the warnings of those lines without the path (what a cache
    must replay). A last line without its newline is read afterwards: its record,
    if usable, is `tail` (a torn line is warned about, never counted).
    """

    def __init__(
        self,
        path: Path,
        on_warning: Callable[[str], None] | None = None,
        *,
        offset: int = 0,
        lines: int = 0,
        now: datetime | None = None,
    ) -> None:
        self.path = path
        self.on_warning = on_warning
        self.offset = offset
        """Bytes of the file consumed as whole lines."""
        self.lines = lines
        """Whole lines consumed (the line number of the last one)."""
        self.problems: list[str] = []
        """Warnings of the whole lines consumed by this reader, without the `path: ` prefix."""
        self.tail: dict[str, Any] | None = None
        """The usable record of a last line that lacks its newline, if any."""
        self.now = ensure_utc(now) if now is not None else datetime.now(UTC)
        """The reader's clock: records later than this plus `records.CLOCK_SKEW` are skipped."""
        self.future = 0
        """Lines skipped for a time in the future (they may be usable later)."""
        self.line = 0
        """While iterating: the line number of the record just yielded."""

    def _warn(self, problem: str, whole: bool) -> None:
        if whole:
            self.problems.append(problem)
        if self.on_warning is not None:
            self.on_warning(f"{self.path}: {problem}")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._read(None)  # type: ignore[return-value]  # no runs without the lane

    def items(self, lane: Lane) -> Iterator[dict[str, Any] | AnswerRun]:
        """The same records, but runs of answer lines in the app's own form come as one
        `quiz.core.answer_runs.AnswerRun` each, with the fields of `lane` (the block lane:
        a big log's cold read costs far less). `offset` and `lines` are exact after each
        item, as after each record."""
        return self._read(lane)

    def _read(self, lane: Lane | None) -> Iterator[dict[str, Any] | AnswerRun]:
        path = self.path
        handle = _open_log(path)
        if handle is None:
            return
        latest = self.now
        number = lines = self.lines
        offset = self.offset
        parse = parse_line
        carry = b""
        """The start of a line whose end is in a later block."""
        skipping = -1
        """While skipping an over-long line: its bytes so far (-1 otherwise)."""
        try:
            if offset:
                handle.seek(offset)
            if (
                lane is not None
                and "numpy" not in sys.modules
                and os.fstat(handle.fileno()).st_size - offset < LANE_BYTES
            ):
                lane = None  # too little to read for the lane to pay for importing numpy
            # Blocks, split into lines here: a readline call per line costs a third of a parse.
            while block := handle.read(READ_BLOCK):
                if skipping >= 0:
                    # Never hold an over-long line: skip the rest of it block by block.
                    end = block.find(b"\n")
                    if end < 0:
                        skipping += len(block)
                        continue
                    number += 1
                    offset += skipping + end + 1
                    lines = number
                    skipping = -1
                    self._warn(f"line {number} is longer than {MAX_LINE_BYTES >> 20} MiB; skipped", True)
                    block = block[end + 1 :]
                parts = block.split(b"\n")
                if carry:
                    parts[0] = carry + parts[0]
                carry = parts.pop()
                segments = _segments(parts, latest, lane) if lane is not None else None
                count = len(parts)
                # One line at a time unless the lane took the block (zip reuses its tuple).
                for start, end, run in segments or zip(range(count), range(1, count + 1), repeat(None)):
                    if run is not None:
                        number += end - start
                        offset += sum(map(len, parts[start:end])) + end - start
                        lines = self.line = number
                        yield run
                        continue
                    raw = parts[start]
                    number += 1
                    offset += len(raw) + 1
                    lines = number
                    try:
                        record = parse(raw, latest, first=number == 1)
                    except Skip as skip:
                        self._skipped(skip, raw, number, True)
                        continue
                    self.line = number
                    yield record
                if len(carry) > MAX_LINE_BYTES:
                    skipping, carry = len(carry), b""
            if skipping >= 0:
                number += 1
                self._warn(f"line {number} is longer than {MAX_LINE_BYTES >> 20} MiB; skipped", False)
            elif carry:
                # A last line without its newline: usable if whole, never counted as consumed.
                number += 1
                try:
                    self.tail = parse(carry, latest, first=number == 1)
                except Skip as skip:
                    self._skipped(skip, carry, number, False)
        except OSError as error:
            raise StoreError(f"Could not read {path}: {_reason(error)}", error.errno) from error
        finally:
            self.offset = offset
            self.lines = lines
            handle.close()

    def _skipped(self, skip: Skip, raw: bytes, number: int, whole: bool) -> None:
        """Warn about a line that is not a usable record (blank lines are no news)."""
        if skip.json and not whole:
            self._warn(f"line {number} is incomplete (the app was probably stopped while writing it); skipped", False)
        elif not skip.json or raw.strip() not in (b"", BOM):
            if skip.reason.startswith("has a time in the future"):
                self.future += 1
            self._warn(f"line {number} {skip.reason}; skipped", whole)


def _segments(parts: list[bytes], now: datetime, lane: Lane) -> list[tuple[int, int, AnswerRun | None]] | None:
    """`answer_runs.split_lines` of whole lines, None where the block lane does not apply
    (too few lines to be worth it). Imported here: a short log never needs it."""
    from quiz.core import answer_runs

    if len(parts) < answer_runs.MIN_LINES:
        return None
    region = b"\n".join(parts)
    try:
        text = region.decode("utf-8")
    except UnicodeDecodeError:
        # The lines that are not UTF-8 go to the full path, which says so; the others need not.
        text = region.decode("utf-8", "surrogateescape")
        broken = {text.count("\n", 0, match.start()) for match in _ESCAPED.finditer(text)}
        return answer_runs.split_lines(parts, text, now, lane, broken)
    return answer_runs.split_lines(parts, text, now, lane)


_ESCAPED = re.compile("[\udc80-\udcff]")
"""What `surrogateescape` makes of a byte that is not UTF-8."""


LANE_BYTES = 8 << 20
"""Bytes left to read for `items` to take the block lane when numpy is not imported yet:
its import (~0.1 s, more on a slow machine) costs less than the lane saves only on a
read this big (about 25,000 answers). A short log, as at most starts, never imports it."""


def expect_reading(size: int) -> None:
    """Say that `size` bytes of logs are about to be read, many small ones (a class
    report): from `LANE_BYTES` on, numpy is imported now, once, so that each log takes
    the block lane although none is big enough to pay for the import alone."""
    if size >= LANE_BYTES:
        import numpy  # noqa: F401  # imported for the lane's sake (see `LogReader._read`)


READ_BLOCK = 1 << 20
"""Bytes read at a time (a line may span blocks; one over `MAX_LINE_BYTES` is skipped)."""


def _open_log(path: Path) -> BinaryIO | None:
    """The log opened for reading, None if it does not exist, `StoreError` if it is
    not a regular file (a FIFO would hang the reader, a device never end)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StoreError(f"Could not read {path}: {_reason(error)}", error.errno) from error
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise StoreError(f"Could not read {path}: {_REASONS[errno_codes.EISDIR]}", errno_codes.EISDIR)
        if not stat.S_ISREG(mode):
            raise StoreError(f"Could not read {path}: it is not a regular file", errno_codes.EINVAL)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def iter_records(
    path: Path, on_warning: Callable[[str], None] | None = None, *, now: datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Stream the usable records of a log, one line at a time.

    A line that is not JSON, or not a record with the keys its kind needs, is
    skipped and reported through `on_warning` with its 1-based line number (see
    `quiz.core.records` for what fits; `now` is the clock future times are judged
    by). A missing file is an empty log. Disk errors become `StoreError`.
    """
    reader = LogReader(path, on_warning, now=now)
    yield from reader
    if reader.tail is not None:
        yield reader.tail


def _last_byte(fd: int, size: int) -> bytes:
    """The file's last byte; `os.pread` where it exists (not on Windows), else seek and read."""
    if hasattr(os, "pread"):
        return os.pread(fd, 1, size - 1)
    os.lseek(fd, size - 1, os.SEEK_SET)
    return os.read(fd, 1)


class Store:
    """One learner's review log under `scores_dir/learner/`."""

    lock_timeout: float = DEFAULT_TIMEOUT
    """Seconds an append waits for another writer before it fails with a clear message."""

    def __init__(self, scores_dir: Path, learner: str, device: str | None = None) -> None:
        from quiz.core.device import device_name, validate_device

        self.learner = validate_learner(learner)
        self.scores_dir = Path(scores_dir)
        self.folder = self.scores_dir / self.learner
        self.device = validate_device(device) if device is not None else device_name()
        self.path = self.folder / f"{self.device}.jsonl"
        """This device's log: the only file this store writes."""
        self.lock_path = self.folder / f"{self.device}.lock"

    def logs(self) -> tuple[Path, ...]:
        """Every log file of the learner (all devices, older `reviews.jsonl`, sync
        conflict copies), which readers merge (`quiz.core.logs`)."""
        from quiz.core.logs import log_files

        return log_files(self.folder)

    def append(self, record: dict[str, Any]) -> None:
        """Write `record` as one line, durably, without interleaving with other writers."""
        data = (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        if len(data) > MAX_LINE_BYTES:
            # Readers skip such a line (see `quiz.core.records`): refuse it rather than lose it later.
            raise StoreError(f"Could not save your answer to {self.path}: it is longer than 1 MiB")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with locked(self.lock_path, self.lock_timeout):
                self._append_locked(data)
        except LockTimeout:
            raise StoreError(
                f"Could not save your answer: another quiz has held {self.path} for {self.lock_timeout:g} seconds "
                "(close the other quiz of this learner, then try again; your answer is kept until then)",
                errno_codes.EAGAIN,
            ) from None
        except StoreError:
            raise
        except OSError as error:
            raise StoreError(f"Could not save your answer to {self.path}: {_reason(error)}", error.errno) from error

    def _append_locked(self, data: bytes) -> None:
        """The write itself; the caller holds the lock."""
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT | open_flags(), 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and _last_byte(fd, size) != b"\n":
                # A torn last line from a crash: end it so this record stands alone.
                data = b"\n" + data
            # os.write has no user-space buffer, so there is nothing to flush before fsync.
            written = os.write(fd, data)
            if written != len(data):
                raise StoreError(
                    f"Could not save your answer to {self.path}: only {written} of "
                    f"{len(data)} bytes were written (is the disk full?)",
                    errno_codes.ENOSPC,
                )
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            # Make the new file's name durable too.
            with contextlib.suppress(OSError):
                dir_fd = os.open(self.folder, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)

    def iter_records(
        self, on_warning: Callable[[str], None] | None = None, *, now: datetime | None = None
    ) -> Iterator[dict[str, Any]]:
        """Stream this learner's records from every device's log, each once, in time order."""
        from quiz.core.logs import iter_learner_records

        return iter_learner_records(self.logs(), on_warning, now=now)

    def read(self, *, now: datetime | None = None) -> LogRead:
        """Every usable record, with a warning for each skipped line."""
        warnings: list[str] = []
        records = list(self.iter_records(warnings.append, now=now))
        return LogRead(records, warnings)
