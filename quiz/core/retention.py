"""Numbers a learner can trust: true retention, calibration, from the log itself.

- *True retention* (Anki's table): the share of reviews passed (rating Hard or
  better) among reviews of questions already learned (FSRS Review state), split
  into *young* (the interval that ended with this review was under
  `MATURE_DAYS` days) and *mature*, for today, the last 7, 30 and 365 learner
  days. It should sit near desired retention; far below means the schedule is
  too optimistic for this learner (`quiz optimize` helps), far above means time
  spent on reviews that were not needed.
- *Calibration*: each such review's predicted recall (FSRS retrievability at the
  moment of the review, with the parameters in use) binned by tenths, against the
  share actually passed in that bin. A well-calibrated model has the two close.

Cram answers are not reviews (they never move the schedule) and are left out, as
are undone answers; a rerate counts with its new rating. This is a second,
independent replay of the log through the same scheduler, so it costs about as
much as opening the history; it is only run when these figures are asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from quiz.core.days import Days
from quiz.core.optimizer import effective_answers
from quiz.core.scheduling import Scheduler, State

__all__ = ["MATURE_DAYS", "PERIODS", "CalibrationBin", "RetentionRow", "ReviewStats", "review_stats"]

MATURE_DAYS = 21
"""Anki's line between young and mature."""
PERIODS = (("today", 1), ("week", 7), ("month", 30), ("year", 365))
BINS = 10


@dataclass(frozen=True)
class RetentionRow:
    """Passed / reviewed for one period, young and mature."""

    period: str
    young_passed: int
    young_total: int
    mature_passed: int
    mature_total: int

    @staticmethod
    def share(passed: int, total: int) -> float | None:
        """passed / total, None without reviews."""
        return passed / total if total else None


@dataclass(frozen=True)
class CalibrationBin:
    """Reviews whose predicted recall fell in [low, high)."""

    low: float
    high: float
    reviews: int
    predicted: float
    """Mean predicted recall of the bin's reviews."""
    observed: float
    """Share of them passed."""


@dataclass(frozen=True)
class ReviewStats:
    """True retention by period and the calibration of the model's predictions."""

    retention: tuple[RetentionRow, ...]
    calibration: tuple[CalibrationBin, ...]
    reviews: int
    """Reviews of learned questions in the whole log (the calibration's sample)."""


def review_stats(records: Iterable[dict[str, Any]], scheduler: Scheduler, days: Days, now: datetime) -> ReviewStats:
    """Replay the effective answers and gather both figures (see the module)."""
    today = days.day_of(now)
    starts = {name: days.start_of(today - timedelta(days=length - 1)) for name, length in PERIODS}
    counts = {name: [0, 0, 0, 0] for name, _ in PERIODS}  # young passed/total, mature passed/total
    sums = [[0, 0.0, 0] for _ in range(BINS)]  # reviews, sum of predictions, passed
    total = 0
    for key, reviews in effective_answers(records).items():
        card = None
        for when, rating in reviews:
            if card is None:
                card = scheduler.new_card(key, when)
            elif card.state == State.Review and card.last_review is not None:
                passed = rating > 1
                predicted = scheduler.retrievability(card, when)
                slot = sums[min(BINS - 1, int(predicted * BINS))]
                slot[0] += 1
                slot[1] += predicted
                slot[2] += passed
                total += 1
                mature = (card.due - card.last_review) >= timedelta(days=MATURE_DAYS)
                for name, start in starts.items():
                    if start <= when <= now:
                        row = counts[name]
                        row[2 * mature] += passed
                        row[2 * mature + 1] += 1
            try:
                card = scheduler.review(card, rating, when)
            except OverflowError:
                break
    retention = tuple(RetentionRow(name, *counts[name]) for name, _ in PERIODS)
    calibration = tuple(
        CalibrationBin(index / BINS, (index + 1) / BINS, int(n), total_p / n, passed / n)
        for index, (n, total_p, passed) in enumerate(sums)
        if n
    )
    return ReviewStats(retention, calibration, total)
