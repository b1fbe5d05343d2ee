"""A cached home-screen overview: the per-deck counts of a learner, shown in the first frame.

Replaying a long log takes seconds; the counts it gives (new, due today, learned,
per deck) change only when something they depend on changes. So after every real
computation the home screen's counts are kept in a small JSON file per learner in the
cache folder (`quiz.core.paths.cache_dir`, off with `QUIZ_CACHE=off`), with a key of
everything they depend on:

- every log file of the learner, all devices' (`Store.logs()`): path, size and
  modification time in nanoseconds, so a new answer, another device's synced file or a
  file appearing or going away is a miss;
- the library as loaded (decks, titles, descriptions, question keys: what the counts
  are counted over), so an edited, added or removed bank is a miss;
- the settings (`repr` of `Settings`: retention, limits, day start, steps, parameters,
  exam date), so any changed knob is a miss;
- time: a due count grows as learning steps fall due and resets at the learner's day
  boundary, so an entry is valid until the earliest of the end of the learner's day and
  the first due time of a question that would start counting as due before then. An
  entry read before its computation time (a clock set back) or under another time zone
  (another end of day) is a miss as well.

The key is taken before the log is read, so an answer written during a replay makes
the entry stale rather than wrong. A log with skipped lines is not cached (a line
skipped for a time in the future may count later). The home screen shows a hit at
once and still replays the log in a thread, so a wrong entry never sticks. Anything
unreadable or malformed is a miss, never an error; writing is atomic
(`quiz.core.atomic`) and a failure to write is ignored: the cache is disposable.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz import __version__
from quiz.core import atomic, paths

if TYPE_CHECKING:
    from quiz.core.model import Library
    from quiz.core.replayer import QuestionState
    from quiz.core.scheduling import Settings

FORMAT = 1
"""The entry's layout; another number is a miss."""
MAX_ENTRY_BYTES = 4 * 1024 * 1024
"""An entry larger than this (a thousand decks take a few hundred KiB) is not read."""


@dataclass(frozen=True)
class DeckCounts:
    """One deck's counts as the home screen shows them (`is_total`: all decks). The
    replay gives the same rows (`quiz.core.session.DeckStats` is this class): it is
    defined here so that a cached overview is read without importing the engine."""

    deck: str
    title: str
    description: str
    total: int
    new: int
    due: int
    learned: int
    is_total: bool = False


@dataclass(frozen=True)
class Key:
    """What the counts depend on, except time (see the module's docstring)."""

    logs: tuple[tuple[str, int, int], ...]
    """Each log file: path, size, mtime_ns."""
    library: str
    settings: str

    def to_json(self) -> dict[str, Any]:
        return {"logs": [list(item) for item in self.logs], "library": self.library, "settings": self.settings}


def overview(
    library: Library,
    states: Mapping[str, QuestionState],
    settings: Settings,
    now: datetime,
) -> list[DeckCounts]:
    """Per deck counts in library order, then one `is_total` row for all decks.

    A learned question counts as due when it falls due before the end of the
    learner's day (`settings.days`), as in a drill; limits apply when a session starts.
    Here rather than in `quiz.core.session` (which re-exports it) so that the home
    screen counts a short log in its first frame without importing the engine.
    """
    from quiz.core.fsrs_kernel import REVIEW, to_us
    from quiz.core.scheduling import ensure_utc

    now = ensure_utc(now)
    day_end = settings.days.end_of_today(now)
    # In microseconds, as the states keep them (`state.due` would make a datetime each).
    now_us, end_us = to_us(now), to_us(day_end)
    rows: list[DeckCounts] = []
    totals = [0, 0, 0, 0]
    get = states.get
    for bank in library.banks:
        new = due = learned = 0
        for question in bank.questions:
            state = get(question.key)
            if state is None:
                new += 1
                continue
            memory = state.memory
            if memory.state == REVIEW:
                learned += 1
                if memory.due < end_us:
                    due += 1
            elif memory.due <= now_us:
                due += 1
        rows.append(DeckCounts(bank.deck, bank.title, bank.description, len(bank.questions), new, due, learned))
        totals = [a + b for a, b in zip(totals, (len(bank.questions), new, due, learned), strict=True)]
    total, new, due, learned = totals
    rows.append(DeckCounts("", "All decks", "", total, new, due, learned, is_total=True))
    return rows


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder (see `quiz.core.paths.cache_dir`); None when caching is off."""
    return paths.cache_dir(env)


_last_library: tuple[Library, str] | None = None
"""The digest of the library last asked about: the home screen asks on every showing,
and a library, once loaded, never changes (frozen dataclasses)."""


def library_digest(library: Library) -> str:
    """A digest of what the counts are counted over: decks, titles, descriptions, keys."""
    global _last_library
    last = _last_library
    if last is not None and last[0] is library:
        return last[1]
    digest = hashlib.sha256()
    for bank in library.banks:
        digest.update("\0".join((bank.deck, bank.title, bank.description)).encode("utf-8", "surrogatepass"))
        digest.update(b"\1")
        digest.update("\0".join(question.key for question in bank.questions).encode("utf-8", "surrogatepass"))
        digest.update(b"\2")
    _last_library = (library, digest.hexdigest())
    return _last_library[1]


def settings_digest(settings: Settings) -> str:
    """A digest of every setting (`Settings` is a frozen dataclass: its `repr` lists them all)."""
    return hashlib.sha256(repr(settings).encode("utf-8", "surrogatepass")).hexdigest()


def make_key(logs: Iterable[Path], library: Library, settings: Settings) -> Key | None:
    """The key of the counts as of now; None when a log file cannot be looked at."""
    files: list[tuple[str, int, int]] = []
    try:
        for path in logs:
            info = os.stat(path)
            files.append((str(path), info.st_size, info.st_mtime_ns))
    except (OSError, ValueError):
        return None
    return Key(tuple(files), library_digest(library), settings_digest(settings))


def entry_path(folder: Path, learner_folder: Path) -> Path:
    """The learner's entry: one file per learner folder (so per scores folder and learner)."""
    try:
        where = str(learner_folder.resolve())
    except (OSError, RuntimeError):
        where = os.path.abspath(learner_folder)
    name = hashlib.sha256(where.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / "overview" / f"{name}.json"


def valid_until(library: Library, states: Mapping[str, QuestionState], settings: Settings, now: datetime) -> datetime:
    """Until when counts computed at `now` stay right with no new answer: the end of
    the learner's day, or earlier the first due time of a question in a learning step
    (it counts as due once due; a learned question counts all day)."""
    from quiz.core.fsrs_kernel import REVIEW, from_us, to_us

    now = _utc(now)
    until = settings.days.end_of_today(now)
    now_us = to_us(now)
    first = until_us = to_us(until)
    get = states.get
    for bank in library.banks:
        for question in bank.questions:
            state = get(question.key)
            if state is None or state.memory.state == REVIEW:
                continue
            due = state.memory.due  # microseconds, as `state.due` is made from
            if now_us < due < first:
                first = due
    return until if first == until_us else from_us(first)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def save(
    path: Path,
    key: Key,
    rows: Sequence[DeckCounts],
    *,
    computed_at: datetime,
    valid_until: datetime,
    settings: Settings,
) -> bool:
    """Write the entry atomically; False (and nothing raised) when it could not be written."""
    computed_at = _utc(computed_at)
    entry = {
        "format": FORMAT,
        "app": __version__,
        "key": key.to_json(),
        "computed_at": computed_at.isoformat(),
        "day_end": _utc(settings.days.end_of_today(computed_at)).isoformat(),
        "valid_until": _utc(valid_until).isoformat(),
        "rows": [
            [row.deck, row.title, row.description, row.total, row.new, row.due, row.learned, row.is_total]
            for row in rows
        ],
    }
    text = json.dumps(entry, ensure_ascii=True, separators=(",", ":"))
    try:
        atomic.write_text(path, text + "\n", prefix=".overview-")
    except (OSError, ValueError):
        return False
    return True


def load(path: Path, key: Key, library: Library, settings: Settings, now: datetime) -> list[DeckCounts] | None:
    """The cached counts when the entry matches `key` and is still valid at `now`, else None."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None  # a pipe or device in its place would block or never end
        with path.open("rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
        if len(data) > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(data)
    except (OSError, ValueError, RecursionError):
        return None
    try:
        return _check(entry, key, library, settings, _utc(now))
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        return None


def _time(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time without a zone")
    return moment


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise ValueError("not a count")
    return value


def _check(entry: object, key: Key, library: Library, settings: Settings, now: datetime) -> list[DeckCounts] | None:
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("app") != __version__:
        return None
    if entry.get("key") != key.to_json():
        return None
    computed_at = _time(entry["computed_at"])
    if now < computed_at or now >= _time(entry["valid_until"]):
        return None
    if _time(entry["day_end"]) != settings.days.end_of_today(now):
        return None  # another day, or another time zone
    rows = entry["rows"]
    banks = library.banks
    if not isinstance(rows, list) or len(rows) != len(banks) + 1:
        return None
    counts: list[DeckCounts] = []
    for index, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != 8:
            return None
        deck, title, description, total, new, due, learned, is_total = row
        if not (isinstance(deck, str) and isinstance(title, str) and isinstance(description, str)):
            return None
        if is_total is not (index == len(banks)):
            return None
        bank = None if is_total else banks[index]
        if bank is not None and (deck, title, description) != (bank.deck, bank.title, bank.description):
            return None
        counted = DeckCounts(
            deck, title, description, _count(total), _count(new), _count(due), _count(learned), is_total
        )
        if counted.new + counted.learned > counted.total or counted.due > counted.total:
            return None
        counts.append(counted)
    return counts


class Entry:
    """One learner's entry as the home screen uses it: the key taken now (before the
    log is read), then `load` for the first frame and `save` after the replay."""

    def __init__(
        self,
        learner_folder: Path,
        logs: Iterable[Path],
        library: Library,
        settings: Settings,
        *,
        folder: Path | None,
    ) -> None:
        self.library = library
        self.settings = settings
        self.path = entry_path(folder, learner_folder) if folder is not None else None
        """None when caching is off."""
        self.key = make_key(logs, library, settings) if self.path is not None else None
        self.loaded: list[DeckCounts] | None = None
        """What `load` found, so `save` can skip rewriting the same counts."""

    def load(self, now: datetime) -> list[DeckCounts] | None:
        """The cached counts, or None (a miss, or caching off)."""
        if self.path is None or self.key is None:
            return None
        self.loaded = load(self.path, self.key, self.library, self.settings, now)
        return self.loaded

    def save(self, rows: Sequence[DeckCounts], states: Mapping[str, QuestionState], now: datetime) -> bool:
        """Keep freshly computed counts (unless they are what was loaded and still hold)."""
        if self.path is None or self.key is None:
            return False
        if self.loaded is not None and list(rows) == self.loaded:
            return False
        until = valid_until(self.library, states, self.settings, now)
        return save(self.path, self.key, rows, computed_at=now, valid_until=until, settings=self.settings)
