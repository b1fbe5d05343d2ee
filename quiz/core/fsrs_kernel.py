"""FSRS in one tight pass: a question's memory state from its answers, without `fsrs.Card`s.

Replaying a log through `fsrs.Scheduler.review_card` costs a `Card` copy, a
`ReviewLog`, enum matching and a dozen method calls per answer: most of a cold
replay. A question's schedule is a function of its answers alone, so this module
computes the same numbers from plain values: a `Memory` tuple of
(state, step, stability, difficulty, due, last review), times as integer
microseconds since the epoch, updated by `Kernel.review`.

The arithmetic is `fsrs` 6.3's own, operation for operation (`math.e ** x`, not
`math.exp`, where `fsrs` writes it so), and the fuzz is the app's reproducible one
(`quiz.core.scheduling.Scheduler.review`: a draw from the card id and the review
time): the due dates and states are equal, the floats equal to the last bit
(`tests/core/test_fsrs_kernel.py` checks it against `fsrs` on random histories).
`Kernel.card` builds the full `fsrs.Card` only for a question about to be shown.

A cold replay applies most answers through `quiz.core.fsrs_batch` instead: the
same operations on numpy arrays, many questions at once. There states, steps and
due dates are the kernel's, but `numpy.power` may differ from `**` in the last
bit, so stability and difficulty agree to ~1e-13 relative, not to the bit. This
kernel stays the reference, and applies single answers and small batches.

Why not `fsrs-rs-python` (FSRS in Rust): it computes memory states from whole
day-granular histories about 40x faster, but in 32-bit floats (its default
parameters read 0.21199999749660492 for 0.212; one four-answer history gave a
stability of 3.689035177 against `fsrs`'s 3.689035237), and it has neither the
learning and relearning steps, the maximum interval nor the fuzz that set a due
date. Due dates rounded from slightly different stabilities would differ now and
then, so the schedule would not be the one `fsrs` gives.
"""

from __future__ import annotations

import math
import weakref
import zlib
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from fsrs import State
from fsrs.scheduler import FUZZ_RANGES, MAX_DIFFICULTY, MIN_DIFFICULTY, STABILITY_MIN

from quiz.core.scheduling import Card, Scheduler

__all__ = [
    "LEARNING",
    "RELEARNING",
    "REVIEW",
    "STATES",
    "Kernel",
    "Memory",
    "card_of",
    "from_card",
    "from_us",
    "kernel_for",
    "to_us",
]

LEARNING, REVIEW, RELEARNING = int(State.Learning), int(State.Review), int(State.Relearning)
_tuple_new = tuple.__new__
STATES = {int(state): state for state in State}
"""`fsrs.State` by its value."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
DAY_US = 86_400_000_000
MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _US
"""The latest time a `datetime` holds: a due date past it is an `OverflowError`, as in `fsrs`."""


class Memory(NamedTuple):
    """What FSRS knows of one question after its answers (an `fsrs.Card` without the id)."""

    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: int
    """Microseconds since the epoch, UTC."""
    last_review: int | None


def to_us(moment: datetime) -> int:
    """A UTC-aware time as integer microseconds since the epoch (exact)."""
    return (moment - _EPOCH) // _US


def from_us(micros: int) -> datetime:
    """The UTC datetime of `to_us`'s microseconds."""
    return _EPOCH + timedelta(microseconds=micros)


def from_card(card: Card) -> Memory:
    """The memory of an `fsrs.Card` (for a card made by the scheduler, not the kernel)."""
    return Memory(
        int(card.state),
        card.step,
        card.stability,
        card.difficulty,
        to_us(card.due),
        None if card.last_review is None else to_us(card.last_review),
    )


class Kernel:
    """One scheduler's settings, precomputed; `review` is `Scheduler.review` on plain values."""

    def __init__(self, scheduler: Scheduler) -> None:
        inner = scheduler._fsrs
        w = self.w = tuple(float(value) for value in inner.parameters)
        self.retention: float = inner.desired_retention
        self.decay: float = -w[20]
        self.factor: float = 0.9 ** (1 / self.decay) - 1
        self.interval_scale: float = (self.retention ** (1 / self.decay)) - 1
        self.maximum: int = inner.maximum_interval
        self.fuzzing = scheduler.settings.fuzzing
        self.learning = tuple(step // _US for step in inner.learning_steps)
        self.relearning = tuple(step // _US for step in inner.relearning_steps)
        self.learning_hard = self._hard(tuple(inner.learning_steps))
        self.relearning_hard = self._hard(tuple(inner.relearning_steps))
        # fsrs computes these with the rating as an int-valued enum; same floats here.
        self.easy_difficulty: float = w[4] - (math.e ** (w[5] * (4 - 1))) + 1
        self.forget_short: float = math.e ** (w[17] * w[18])
        self.recall_scale: float = math.e ** w[8]
        self.short_increase = {rating: math.e ** (w[17] * (rating - 3 + w[18])) for rating in (1, 2, 3, 4)}
        self.delta = {rating: -(w[6] * (rating - 3)) for rating in (1, 2, 3, 4)}
        # fsrs's _initial_stability and clamped _initial_difficulty, per rating.
        self.initial = {
            rating: (
                max(w[rating - 1], STABILITY_MIN),
                min(max(w[4] - (math.e ** (w[5] * (rating - 1))) + 1, MIN_DIFFICULTY), MAX_DIFFICULTY),
            )
            for rating in (1, 2, 3, 4)
        }
        self._fuzz: dict[int, tuple[int, int]] = {}
        self.w19 = w[19]
        self.w7_easy = w[7] * self.easy_difficulty
        self.one_minus_w7 = 1 - w[7]
        self.tables: object = None
        """The settings as numpy tables, made by `quiz.core.fsrs_batch` on the kernel's first batch."""

    @staticmethod
    def _hard(steps: tuple[timedelta, ...]) -> int | None:
        """The Hard interval at step 0, with `fsrs`'s timedelta rounding."""
        if len(steps) == 1:
            return (steps[0] * 1.5) // _US
        if len(steps) >= 2:
            return ((steps[0] + steps[1]) / 2.0) // _US
        return None

    def new(self, now_us: int) -> Memory:
        """A never-reviewed question, due at `now_us`."""
        return Memory(LEARNING, 0, None, None, now_us, None)

    def _fuzz_bounds(self, days: int) -> tuple[int, int]:
        """fsrs's fuzz range of an interval of `days` (3 or more), remembered per length."""
        delta = 1.0
        for fuzz_range in FUZZ_RANGES:
            delta += fuzz_range["factor"] * max(min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0)
        high = min(round(days + delta), self.maximum)
        bounds = self._fuzz[days] = (min(max(2, round(days - delta)), high), high)
        return bounds

    def review(self, memory: Memory, rating: int, now_us: int, card_id: int) -> Memory:
        """The memory after an answer rated `rating` (1-4) at `now_us`: `Scheduler.review`'s result.

        An `OverflowError` when the due date would pass the year 9999, as `fsrs` raises.
        fsrs's `_next_stability`, `_next_difficulty`, `_next_interval` and the fuzz are
        written out inline, operation for operation: this runs once per answer of a cold replay.
        """
        state, step, stability, difficulty, _due, last = memory
        days = -1
        interval = 0  # microseconds, when `days` stays -1
        if stability is None or difficulty is None:
            stability, difficulty = self.initial[rating]
        else:
            elapsed = None if last is None else (now_us - last) // DAY_US
            if elapsed is not None and elapsed < 1:
                increase = self.short_increase[rating] * (stability**-self.w19)
                if rating != 1 and increase < 1.0:
                    increase = 1.0
                stability = stability * increase
            else:
                w = self.w
                # fsrs: no last review gives a retrievability of 0; the kernel always has one.
                r: float = (
                    0.0
                    if elapsed is None
                    else (1 + self.factor * (elapsed if elapsed > 0 else 0) / stability) ** self.decay
                )
                if rating == 1:
                    long_term = (
                        w[11]
                        * (difficulty ** -w[12])
                        * (((stability + 1) ** (w[13])) - 1)
                        * (math.e ** ((1 - r) * w[14]))
                    )
                    short = stability / self.forget_short
                    stability = long_term if long_term < short else short
                else:
                    hard_penalty = w[15] if rating == 2 else 1
                    easy_bonus = w[16] if rating == 4 else 1
                    stability = stability * (
                        1
                        + self.recall_scale
                        * (11 - difficulty)
                        * (stability ** -w[9])
                        * ((math.e ** ((1 - r) * w[10])) - 1)
                        * hard_penalty
                        * easy_bonus
                    )
            if stability < STABILITY_MIN:
                stability = STABILITY_MIN
            # fsrs's _next_difficulty: linear damping, then mean reversion, then clamp.
            difficulty = self.w7_easy + self.one_minus_w7 * (
                difficulty + (10.0 - difficulty) * self.delta[rating] / 9.0
            )
            if difficulty < MIN_DIFFICULTY:
                difficulty = MIN_DIFFICULTY
            elif difficulty > MAX_DIFFICULTY:
                difficulty = MAX_DIFFICULTY
        if state == REVIEW:
            if rating == 1 and self.relearning:
                state, step, interval = RELEARNING, 0, self.relearning[0]
            else:
                days = -2
        else:
            if state == LEARNING:
                steps, hard = self.learning, self.learning_hard
            else:
                steps, hard = self.relearning, self.relearning_hard
            assert step is not None
            if not steps or (step >= len(steps) and rating != 1):
                state, step = REVIEW, None
                days = -2
            elif rating == 1:
                step = 0
                interval = steps[0]
            elif rating == 2:
                interval = hard if step == 0 and hard is not None else steps[step]
            elif rating == 3 and step + 1 < len(steps):
                step += 1
                interval = steps[step]
            else:
                state, step = REVIEW, None
                days = -2
        if days == -2:
            # fsrs's _next_interval, then the app's reproducible fuzz.
            days = round((stability / self.factor) * self.interval_scale)
            if days < 1:
                days = 1
            maximum = self.maximum
            if days > maximum:
                days = maximum
            if days >= 3 and self.fuzzing:
                bounds = self._fuzz.get(days)
                if bounds is None:
                    bounds = self._fuzz_bounds(days)
                low, high = bounds
                seed = zlib.crc32(now_us.to_bytes(8, "little", signed=True), card_id & 0xFFFFFFFF)
                days = round(seed / 4294967296.0 * (high - low + 1) + low)
                if days > maximum:
                    days = maximum
            interval = days * DAY_US
        due = now_us + interval
        if due > MAX_US:
            raise OverflowError("date value out of range")
        return _tuple_new(Memory, (state, step, stability, difficulty, due, now_us))

    def card(self, memory: Memory, card_id: int) -> Card:
        """The full `fsrs.Card` of a memory: built only for a question about to be shown."""
        return card_of(memory, card_id)


def card_of(memory: Memory, card_id: int) -> Card:
    """The full `fsrs.Card` of a memory (the kernel's settings do not enter it)."""
    card = object.__new__(Card)
    card.__dict__.update(
        card_id=card_id,
        state=STATES[memory.state],
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=from_us(memory.due),
        last_review=None if memory.last_review is None else from_us(memory.last_review),
    )
    return card


_KERNELS: weakref.WeakKeyDictionary[Scheduler, Kernel] = weakref.WeakKeyDictionary()


def kernel_for(scheduler: Scheduler) -> Kernel:
    """The kernel of `scheduler`'s settings (one per scheduler object, dropped with it)."""
    kernel = _KERNELS.get(scheduler)
    if kernel is None:
        kernel = _KERNELS[scheduler] = Kernel(scheduler)
    return kernel
