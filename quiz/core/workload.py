"""What a desired retention costs: the reviews a day it implies, by simulation.

Raising desired retention from 0.90 to 0.95 roughly doubles the reviews; a
learner choosing it should see that before, not after. `estimate` follows a
cohort of simulated questions through FSRS with the learner's own settings and
parameters: each is reviewed when it falls due, recalled with the probability
FSRS predicts at that moment (so the simulation is the model's own view), rated
Good when recalled and Again when not. The load on a given day of steady study
is then the sum over every day's cohort of new questions, which is `new_per_day`
times the reviews one question needs within its first `horizon` days.

A seeded random generator makes the figure the same on every run; a few hundred
simulated questions keep it under a tenth of a second.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from quiz.core.scheduling import Rating, Scheduler, Settings

__all__ = ["Workload", "estimate"]

_START = datetime(2026, 1, 5, 9, tzinfo=UTC)
FIRST_RECALL = 0.7
"""Share of new questions answered right the first time (a new question is often guessed)."""


@dataclass(frozen=True)
class Workload:
    """The simulated cost of a set of settings."""

    desired_retention: float
    reviews_per_new: float
    """Reviews (learning steps included) one new question needs within `horizon` days."""
    reviews_per_day: float
    """Reviews a day after `horizon` days of `new_per_day` new questions a day, limits aside."""
    horizon: int


def estimate(settings: Settings, *, horizon: int = 365, cohort: int = 200, seed: int = 0) -> Workload:
    """Simulate `cohort` questions for `horizon` days under `settings` (see the module)."""
    scheduler = Scheduler(replace(settings, fuzzing=False))
    rng = random.Random(seed)
    end = _START + timedelta(days=horizon)
    reviews = 0
    for index in range(cohort):
        key = f"workload/{index}"
        now = _START
        card = scheduler.new_card(key, now)
        card = scheduler.review(card, Rating.Good if rng.random() < FIRST_RECALL else Rating.Again, now)
        reviews += 1
        while card.due < end:
            now = max(card.due, now)
            recalled = rng.random() < scheduler.retrievability(card, now)
            card = scheduler.review(card, Rating.Good if recalled else Rating.Again, now)
            reviews += 1
    per_new = reviews / cohort if cohort else 0.0
    return Workload(settings.desired_retention, per_new, per_new * settings.new_per_day, horizon)
