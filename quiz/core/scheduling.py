"""From a graded answer to an FSRS rating, and from a rating to the next due date.

The `fsrs` package does the scheduling; this module only adapts it to the app:

- `Settings` holds the learner-facing knobs (retention, daily limits, steps).
- `rating_for` turns a grading `Outcome` into an `fsrs.Rating`.
- `Scheduler` wraps `fsrs.Scheduler` with two guarantees the app relies on:
  every datetime is UTC-aware (naive ones are refused), and a review is a pure
  function of (card, rating, time). The second matters because card state is
  never stored: it is rebuilt by replaying the review log, so a replay must give
  exactly the card the live session computed. `fsrs` draws its interval fuzz
  from the global `random`, which would break that; here the draw is derived
  from the card's id and the review time instead, with the same fuzz ranges.

The clock is always a parameter; `utc_now` is only ever a default.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from copy import copy as _copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, Protocol, cast

import fsrs
from fsrs import Rating, State
from fsrs.scheduler import FUZZ_RANGES

from quiz.core.days import Days
from quiz.core.model import Question

__all__ = [
    "Card",
    "Clock",
    "Rating",
    "Scheduler",
    "Settings",
    "State",
    "ensure_utc",
    "rating_for",
    "utc_now",
]

Clock = Callable[[], datetime]
"""A zero-argument callable returning the current UTC-aware time."""


def utc_now() -> datetime:
    """The current time, UTC-aware: the default clock, never called deep inside."""
    return datetime.now(UTC)


def ensure_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is refused because its zone is a guess."""
    tzinfo = moment.tzinfo
    if tzinfo is UTC:
        return moment
    if tzinfo is None or tzinfo.utcoffset(moment) is None:
        raise ValueError(f"datetime {moment.isoformat()} has no time zone; quiz needs UTC-aware times")
    return moment.astimezone(UTC)


class Card(fsrs.Card):
    """An `fsrs.Card` that copies cheaply.

    `fsrs.Scheduler.review_card` shallow-copies the card it is given with
    `copy.copy`, whose generic path is a quarter of a review's cost; replaying a
    million answers makes that worth a three-line `__copy__`. Everything else is
    `fsrs.Card` unchanged.
    """

    def __copy__(self) -> Card:
        new = object.__new__(Card)
        new.__dict__.update(self.__dict__)
        return new


@dataclass(frozen=True)
class Settings:
    """The scheduling knobs, with Anki's usual defaults."""

    desired_retention: float = 0.9
    """Probability of recall FSRS aims for when a review falls due."""
    new_per_day: int = 20
    """New questions introduced per learner day (see `day_starts_at`), across sessions."""
    reviews_per_day: int = 200
    """Reviews of learned questions per learner day, across sessions."""
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval: int = 36500
    """Longest interval in days."""
    fuzzing: bool = True
    """Spread review intervals a little so questions learned together part ways."""
    day_starts_at: int = 4
    """The hour (0-23, the learner's local time) at which a new day begins (`quiz.core.days`)."""
    leech_threshold: int = 8
    """Misses after which a question is flagged as a leech (0: never); see `quiz.core.leeches`."""
    parameters: tuple[float, ...] | None = None
    """FSRS model weights fitted by `quiz optimize` (None: the defaults of `fsrs`)."""
    limits_per: Literal["deck", "global"] = "deck"
    """Whether `new_per_day` is each deck's own allowance ("deck", as Anki does: using
    up one deck's new questions leaves the others theirs, and one session over many
    decks still brings at most `new_per_day` new questions) or one allowance shared
    by every deck ("global"). Reviews are always limited across all decks."""
    exam_date: date | None = None
    """The learner's exam day (`quiz config exam_date`): drills follow its plan
    (`quiz.core.plan`) while it is still ahead; `quiz drill --exam DATE` overrides it."""

    def __post_init__(self) -> None:
        if not 0.0 < self.desired_retention < 1.0:
            raise ValueError(f"desired_retention must be between 0 and 1, not {self.desired_retention}")
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            raise ValueError("daily limits cannot be negative")
        if self.maximum_interval < 1:
            raise ValueError("maximum_interval must be at least 1 day")
        if not 0 <= self.day_starts_at <= 23:
            raise ValueError(f"day_starts_at must be an hour from 0 to 23, not {self.day_starts_at}")
        if self.leech_threshold < 0:
            raise ValueError("leech_threshold cannot be negative")
        if self.limits_per not in ("deck", "global"):
            raise ValueError(f"limits_per must be 'deck' or 'global', not {self.limits_per!r}")

    @property
    def days(self) -> Days:
        """The learner's days in the machine's local zone (see `quiz.core.days`)."""
        return Days(self.day_starts_at)


class _Outcome(Protocol):
    """What `rating_for` needs of a grading outcome (`quiz.core.grading.Outcome`)."""

    @property
    def correct(self) -> bool: ...
    @property
    def typo_forgiven(self) -> bool: ...
    @property
    def self_grade(self) -> int | None: ...


def rating_for(question: Question, outcome: _Outcome, hinted: bool) -> Rating:
    """The FSRS rating of an answer.

    Wrong -> Again; right but after a hint or with a forgiven typo -> Hard (a weaker
    recall); right -> Good. A `card` question is graded by the learner (1-4).
    """
    if question.type == "card":
        if outcome.self_grade is None:
            raise ValueError(f"card question {question.key} was answered without a self grade")
        return Rating(outcome.self_grade)
    if not outcome.correct:
        return Rating.Again
    if hinted or outcome.typo_forgiven:
        return Rating.Hard
    return Rating.Good


_DAYS: dict[int, timedelta] = {}
"""timedelta(days=n) by n: building a timedelta costs more than the rest of the fuzz."""


class _ReproducibleFsrs(fsrs.Scheduler):
    """`fsrs.Scheduler` whose fuzz comes from `_draw` instead of the global `random`."""

    _draw: float = 0.5

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fuzz_ranges: dict[int, tuple[int, int]] = {}
        """interval in days -> (shortest, longest) fuzzed interval: a pure function, cached."""

    def _fuzz_range(self, interval_days: int) -> tuple[int, int]:
        # Same ranges and rounding as fsrs 6.3's `_get_fuzzed_interval`.
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(min(float(interval_days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
        min_ivl = max(2, round(interval_days - delta))
        max_ivl = min(round(interval_days + delta), self.maximum_interval)
        return min(min_ivl, max_ivl), max_ivl

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        interval_days = interval.days
        if interval_days < 2.5:
            return interval
        bounds = self._fuzz_ranges.get(interval_days)
        if bounds is None:
            bounds = self._fuzz_ranges[interval_days] = self._fuzz_range(interval_days)
        min_ivl, max_ivl = bounds
        fuzzed = min(round(self._draw * (max_ivl - min_ivl + 1) + min_ivl), self.maximum_interval)
        days = _DAYS.get(fuzzed)
        if days is None:
            days = _DAYS[fuzzed] = timedelta(days=fuzzed)
        return days


@lru_cache(maxsize=16)
def _fsrs_for(settings: Settings) -> _ReproducibleFsrs:
    """One fsrs scheduler per settings: building one validates 21 parameters."""
    extra: dict[str, Any] = {} if settings.parameters is None else {"parameters": settings.parameters}
    return _ReproducibleFsrs(
        **extra,
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzzing,
    )


def card_id_for(key: str) -> int:
    """A stable card id for a question key, so a replayed card equals the live one."""
    return zlib.crc32(key.encode("utf-8")) + 1


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_RATINGS = {int(r): r for r in Rating} | {r: r for r in Rating}
"""Rating by value: a dict lookup is several times cheaper than calling the enum."""


class Scheduler:
    """FSRS for the app: UTC-only, deterministic, with the settings' steps and retention."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else Settings()
        self._fsrs = _fsrs_for(self.settings)
        self._fuzzing = self.settings.fuzzing

    def new_card(self, key: str, now: datetime) -> Card:
        """A never-reviewed card for `key`, due at `now`."""
        return Card(card_id=card_id_for(key), due=ensure_utc(now))

    def review(self, card: fsrs.Card, rating: Rating | int, now: datetime) -> Card:
        """The card after a review with `rating` at `now`; `card` is left untouched."""
        when = now if now.tzinfo is UTC else ensure_utc(now)
        if type(card) is not Card:
            card = _as_card(card)
        if self._fuzzing:
            micros = (when - _EPOCH) // _MICROSECOND
            seed = zlib.crc32(micros.to_bytes(8, "little", signed=True), card.card_id & 0xFFFFFFFF)
            self._fsrs._draw = seed / 4294967296.0
        reviewed, _log = self._fsrs.review_card(card, _RATINGS[rating], when)
        return cast(Card, reviewed)  # review_card copies with copy(), keeping our class

    def retrievability(self, card: fsrs.Card, now: datetime) -> float:
        """Predicted probability of recalling `card` at `now` (0 if never reviewed)."""
        return float(self._fsrs.get_card_retrievability(card, ensure_utc(now)))


def _as_card(card: Any) -> Card:
    """Our cheap-copy `Card` with the same fields as any `fsrs.Card`."""
    new = object.__new__(Card)
    new.__dict__.update(_copy(card).__dict__)
    return new
