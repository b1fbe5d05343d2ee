"""The learner's review log: an append-only JSON Lines file, and its replay.

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

Reading and replaying stream the file line by line and are linear in its size:
a million answers must not need a million records in memory at once.
`LogReader` can start at a byte offset, and a `Replayer`'s state can be saved
and restored (`quiz.core.replay_cache`), so a log read before need only be read
from where it grew.
"""

from __future__ import annotations

import bisect
import contextlib
import errno as errno_codes
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fsrs import State

from quiz.core.lock import DEFAULT_TIMEOUT, LockTimeout, locked, open_flags
from quiz.core.scheduling import Card, Scheduler

__all__ = [
    "LOCK_NAME",
    "LOG_NAME",
    "LearnerError",
    "LogRead",
    "LogReader",
    "QuestionState",
    "Replayer",
    "Store",
    "StoreError",
    "iter_records",
    "replay",
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
MIN_YEAR = 1970
MAX_YEAR = 9000
"""Record times outside these UTC years are refused: a due date 100 years after 9999
overflows `datetime`, and nothing real was answered before the epoch."""

REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "answer": ("v", "kind", "id", "time", "key", "rating", "correct"),
    "rerate": ("v", "kind", "id", "time", "key", "ref", "rating"),
    "undo": ("v", "kind", "id", "time", "key", "ref"),
}
"""Keys a record of each kind must have to be usable; others are informative."""


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


def _check(record: Any) -> str | None:
    """Why `record` is unusable, or None if it is a usable record."""
    if not isinstance(record, dict):
        return "is not a JSON object"
    kind = record.get("kind")
    required = REQUIRED_KEYS.get(kind) if isinstance(kind, str) else None
    if required is None:
        return f"has an unknown kind {kind!r}"
    for key in required:
        if key not in record:
            return f"lacks {key!r}"
    if not isinstance(record["key"], str) or not isinstance(record["id"], str):
        return "has a malformed key or id"
    if "ref" in required and not isinstance(record["ref"], str):
        return "has a malformed ref"
    if "rating" in required:
        rating = record["rating"]
        if type(rating) is not int or not 1 <= rating <= 4:
            return f"has an invalid rating {rating!r}"
    when = record["time"]
    if not isinstance(when, str):
        return "has a malformed time"
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return f"has a malformed time {when!r}"
    if moment.tzinfo is None:
        return f"has a time without a time zone {when!r}"
    try:
        year = moment.astimezone(UTC).year
    except (OverflowError, ValueError):
        year = 0
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"has a time out of range {when!r}"
    return None


_DECODER = json.JSONDecoder()


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
        self.line = 0
        """While iterating: the line number of the record just yielded."""

    def _warn(self, problem: str, whole: bool) -> None:
        if whole:
            self.problems.append(problem)
        if self.on_warning is not None:
            self.on_warning(f"{self.path}: {problem}")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        decode = _DECODER.decode
        path = self.path
        try:
            handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
        except FileNotFoundError:
            return
        except OSError as error:
            raise StoreError(f"Could not read {path}: {_reason(error)}", error.errno) from error
        number = lines = self.lines
        offset = self.offset
        try:
            if offset:
                handle.seek(offset)
            for raw in handle:
                number += 1
                whole = raw.endswith(b"\n")
                if whole:
                    offset += len(raw)
                    lines = number
                try:
                    # Decoding first skips json.loads' encoding sniffing; both raise ValueError.
                    record = decode(raw.decode("utf-8"))
                except ValueError:
                    if whole:
                        if raw.strip():
                            self._warn(f"line {number} is not valid JSON; skipped", True)
                    else:
                        self._warn(
                            f"line {number} is incomplete (the app was probably stopped while writing it); skipped",
                            False,
                        )
                    continue
                problem = _check(record)
                if problem is not None:
                    self._warn(f"line {number} {problem}; skipped", whole)
                    continue
                if whole:
                    self.line = number
                    yield record
                else:
                    self.tail = record
        except OSError as error:
            raise StoreError(f"Could not read {path}: {_reason(error)}", error.errno) from error
        finally:
            self.offset = offset
            self.lines = lines
            handle.close()


def iter_records(path: Path, on_warning: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
    """Stream the usable records of a log, one line at a time.

    A line that is not JSON, or not a record with the keys its kind needs, is
    skipped and reported through `on_warning` with its 1-based line number. A
    missing file is an empty log. Disk errors become `StoreError`.
    """
    reader = LogReader(path, on_warning)
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

    def iter_records(self, on_warning: Callable[[str], None] | None = None) -> Iterator[dict[str, Any]]:
        """Stream this learner's records from every device's log, each once, in time order."""
        from quiz.core.logs import iter_learner_records

        return iter_learner_records(self.logs(), on_warning)

    def read(self) -> LogRead:
        """Every usable record, with a warning for each skipped line."""
        warnings: list[str] = []
        records = list(self.iter_records(warnings.append))
        return LogRead(records, warnings)


@dataclass(slots=True)
class QuestionState:
    """What the log says about one question: its FSRS card and counts."""

    card: Card
    answers: int = 0
    """Effective answers (undone ones do not count)."""
    correct: int = 0
    last: datetime | None = None
    """Time of the latest effective answer."""
    first: datetime | None = None
    """Time of the first effective answer: the day the question was introduced."""


PENDING_PER_KEY = 32
"""Answers per question held back from the scheduler in case a rerate or undo follows.

A rerate or undo refers to one of the latest answers of its question, so only
those need holding; older ones go through the scheduler as soon as a newer one
pushes them out, which keeps replay streaming. The session never undoes further
back than this (see `quiz.core.session.UNDO_DEPTH`).
"""


NEW, REVIEW = 1, 2
"""What a committed answer counts as for the daily limits (see `Replayer`)."""


class Replayer:
    """Feeds records one at a time through a scheduler; `finish()` gives the states.

    Answers of a question are applied in time order (records a few lines out of
    order, as two processes may write them, are sorted within the held-back
    window). With `day`, `new_on_day` and `reviews_on_day` count the new questions
    introduced and the reviews of learned questions done on that UTC day, for the
    daily limits. The counts are kept for every day, so a replay saved by
    `quiz.core.replay_cache` serves any later day.

    `finish()` leaves the replayer as it was (feeding may go on) and remembers,
    per question, what applying its held-back answers gave, until a record of
    that question arrives: a replay restored from a snapshot then only pays
    FSRS for the questions answered since, not for every held-back answer.
    """

    def __init__(self, scheduler: Scheduler, day: date | None = None) -> None:
        self.scheduler = scheduler
        self.day = day
        self._base: dict[str, QuestionState] = {}
        """States after the answers already committed (no longer held back)."""
        self.states: dict[str, QuestionState] = self._base
        """The states; complete once `finish()` has run."""
        # key -> held-back answers [time, id, rating, correct], oldest first
        self._pending: dict[str, list[list[Any]]] = {}
        # UTC day ordinal -> questions introduced / reviews of learned questions that day
        self._new_days: dict[int, int] = {}
        self._review_days: dict[int, int] = {}
        # key -> (state after its held-back answers, what each did: 0, NEW or REVIEW)
        self._done: dict[str, tuple[QuestionState | None, list[int]]] = {}
        self._finished_days: tuple[dict[int, int], dict[int, int]] = ({}, {})

    def day_counts(self) -> tuple[dict[int, int], dict[int, int]]:
        """(new questions, reviews of learned ones) per UTC day ordinal, held-back
        answers included once `finish()` has run."""
        extra_new, extra_reviews = self._finished_days
        new, reviews = dict(self._new_days), dict(self._review_days)
        for days, extra in ((new, extra_new), (reviews, extra_reviews)):
            for day, count in extra.items():
                days[day] = days.get(day, 0) + count
        return new, reviews

    @property
    def new_on_day(self) -> int:
        """New questions introduced on `day` (0 without a day)."""
        if self.day is None:
            return 0
        day = self.day.toordinal()
        return self._new_days.get(day, 0) + self._finished_days[0].get(day, 0)

    @property
    def reviews_on_day(self) -> int:
        """Reviews of questions already in the Review state done on `day` (0 without a day)."""
        if self.day is None:
            return 0
        day = self.day.toordinal()
        return self._review_days.get(day, 0) + self._finished_days[1].get(day, 0)

    def feed(self, record: dict[str, Any]) -> None:
        """Take one record (of any kind) into account."""
        kind = record["kind"]
        key = record["key"]
        if kind == "answer":
            entry = [_parse_time(record["time"]), record["id"], record["rating"], record["correct"] is True]
            done = self._done.pop(key, None) if self._done else None
            held = self._pending.get(key)
            if not held:
                self._pending[key] = [entry]
                return
            if held[-1][0] <= entry[0]:
                held.append(entry)
                if done is not None:
                    # The same answers in the same order, one more: extend what finish() gave.
                    done = self._extend(key, done, entry)
            else:
                bisect.insort(held, entry, key=lambda item: item[0])
                done = None
            if len(held) > PENDING_PER_KEY:
                self._commit(key, held.pop(0))
                if done is not None:
                    done = (done[0], done[1][1:])
            if done is not None:
                self._done[key] = done
            return
        held = self._pending.get(key)
        if not held:
            return
        ref = record["ref"]
        for index in range(len(held) - 1, -1, -1):
            if held[index][1] == ref:
                if self._done:
                    self._done.pop(key, None)
                if kind == "undo":
                    del held[index]
                else:
                    held[index][2] = record["rating"]
                    if record.get("correct") is True:
                        held[index][3] = True  # regraded right ("I was right")
                return

    def _apply(self, key: str, state: QuestionState | None, entry: list[Any]) -> tuple[QuestionState | None, int]:
        """`state` (changed in place, or created) after one effective answer, and what
        the answer was for the daily counts: NEW, REVIEW of a learned question, or 0."""
        when, _id, rating, correct = entry
        card = state.card if state is not None else self.scheduler.new_card(key, when)
        try:
            reviewed = self.scheduler.review(card, rating, when)
        except OverflowError:
            # A due date past the year 9999; `_check` refuses such times, this is a last guard.
            return state, 0
        if state is None:
            state = QuestionState(card, first=when)
            code = NEW
        else:
            code = REVIEW if card.state == State.Review else 0
        state.card = reviewed
        state.answers += 1
        if correct:
            state.correct += 1
        state.last = when
        return state, code

    def _extend(
        self, key: str, done: tuple[QuestionState | None, list[int]], entry: list[Any]
    ) -> tuple[QuestionState | None, list[int]]:
        """A remembered `finish()` result with one more answer applied (on a copy)."""
        state, codes = done
        if state is not None:
            state = QuestionState(state.card, state.answers, state.correct, state.last, state.first)
        state, code = self._apply(key, state, entry)
        return state, [*codes, code]

    def _commit(self, key: str, entry: list[Any]) -> None:
        """Apply one answer no longer held back to its question's state."""
        state, code = self._apply(key, self._base.get(key), entry)
        if state is not None:
            self._base.setdefault(key, state)
        if code:
            days = self._new_days if code == NEW else self._review_days
            day = entry[0].toordinal()
            days[day] = days.get(day, 0) + 1

    def feed_all(self, records: Iterable[dict[str, Any]]) -> None:
        """`feed` every record."""
        feed = self.feed
        for record in records:
            feed(record)

    def finish(self) -> dict[str, QuestionState]:
        """The states by question key, every held-back answer applied (see the class)."""
        states = dict(self._base)
        extra: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for key, held in self._pending.items():
            if not held:
                continue
            done = self._done.get(key)
            if done is None:
                base = self._base.get(key)
                state = (
                    None
                    if base is None
                    else QuestionState(base.card, base.answers, base.correct, base.last, base.first)
                )
                codes = []
                for entry in held:
                    state, code = self._apply(key, state, entry)
                    codes.append(code)
                done = self._done[key] = (state, codes)
            if done[0] is not None:
                states[key] = done[0]
            for entry, code in zip(held, done[1], strict=True):
                if code:
                    days = extra[code - 1]
                    day = entry[0].toordinal()
                    days[day] = days.get(day, 0) + 1
        self.states = states
        self._finished_days = extra
        return states


def _parse_time(text: str) -> datetime:
    """A record's time as a UTC datetime (records are always written in UTC)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment


def replay(records: Iterable[dict[str, Any]], scheduler: Scheduler) -> dict[str, QuestionState]:
    """Per question key, the state after its effective answers (rerates applied, undos
    dropped), in time order. Keys of questions no longer in any bank are kept."""
    replayer = Replayer(scheduler)
    replayer.feed_all(records)
    return replayer.finish()
