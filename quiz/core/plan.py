"""Exam dates: a day-by-day plan to have every question seen and remembered on the day.

`make_plan` simulates the learner's questions from today to the exam with the
app's own FSRS scheduler (the learner's parameters and steps): every review is
assumed passed (rated Good), which is what desired retention aims at. Two rules
turn an ordinary schedule into an exam plan, and a drill with an exam date
(`Session(..., exam=DATE)`) follows the same two:

- *New questions early enough*: the unseen questions are spread evenly over the
  study days before the last `REVIEW_ONLY_DAYS` (all today when the exam is that
  close), so each has had a few reviews before the exam. `new_quota` is how many
  today.
- *Intervals capped before the exam*: a question whose next review would fall on
  or after the exam day, and which has not been reviewed in the last
  `REVIEW_ONLY_DAYS` before it, is due when those days begin instead (`exam_due`).
  (FSRS alone already keeps recall at the exam at or above desired retention;
  the cap adds one fresh review of everything shortly before the exam, on the
  days kept free of new questions.)

A day whose planned reviews or new questions exceed the daily limits is flagged;
the plan is still shown, since the exam date is fixed and the learner decides.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from quiz.core.days import Days
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Card, Rating, Scheduler, State

__all__ = ["REVIEW_ONLY_DAYS", "Plan", "PlanDay", "exam_due", "make_plan", "new_quota"]

REVIEW_ONLY_DAYS = 3
"""Days before the exam that introduce nothing new (fewer when the exam is close)."""
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class PlanDay:
    """One study day of the plan."""

    day: date
    new: int
    reviews: int
    """Reviews of questions already seen, learning steps included."""
    over_new: bool = False
    """More new questions than `new_per_day`."""
    over_reviews: bool = False
    """More reviews than `reviews_per_day`."""


@dataclass(frozen=True)
class Plan:
    """The plan for a filter of questions and an exam day."""

    exam: date
    today: date
    questions: int
    unseen: int
    days: tuple[PlanDay, ...]
    ready: int
    """Questions predicted at or above desired retention at the start of the exam day."""
    desired_retention: float

    @property
    def over_limits(self) -> bool:
        """Whether any day asks more than the daily limits."""
        return any(day.over_new or day.over_reviews for day in self.days)


def _intro_days(today: date, exam: date) -> int:
    """Study days left, today included, on which new questions are introduced: all but
    the last `REVIEW_ONLY_DAYS` before the exam (at least today, when the exam is close)."""
    return max(1, (exam - today).days - REVIEW_ONLY_DAYS)


def new_quota(unseen: int, today: date, exam: date) -> int:
    """New questions to introduce today so all are in before the last review-only days."""
    if unseen <= 0 or today >= exam:
        return 0
    left = _intro_days(today, exam)
    return math.ceil(unseen / left)


def exam_due(card: Card, scheduler: Scheduler, days: Days, exam: date) -> datetime:
    """`card.due`, or the start of the review-only days before the exam when the due falls
    on or after the exam and the card was last reviewed before those days (see the module)."""
    exam_start = days.start_of(exam)
    if card.state != State.Review or card.due < exam_start:
        return card.due
    window = days.start_of(exam - timedelta(days=REVIEW_ONLY_DAYS))
    if card.last_review is not None and card.last_review >= window:
        return card.due
    return window


def make_plan(
    keys: Iterable[str],
    states: Mapping[str, QuestionState],
    scheduler: Scheduler,
    days: Days,
    now: datetime,
    exam: date,
) -> Plan:
    """Simulate the questions `keys` from `now` to the exam (see the module)."""
    today = days.day_of(now)
    if exam <= today:
        raise ValueError(f"the exam date {exam.isoformat()} is not after today ({today.isoformat()})")
    settings = scheduler.settings
    study_days = (exam - today).days
    new_by_day = [0] * study_days
    reviews_by_day = [0] * study_days
    keys = list(dict.fromkeys(keys))
    unseen = [key for key in keys if key not in states]
    # (due, order, key, card): a heap of every seen question's next review.
    queue: list[tuple[datetime, int, str, Card]] = []
    for order, key in enumerate(keys):
        state = states.get(key)
        if state is not None:
            card = state.card
            heapq.heappush(queue, (exam_due(card, scheduler, days, exam), order, key, card))
    exam_start = days.start_of(exam)
    first_start = days.start_of(today)
    pending_new = list(unseen)
    order = len(keys)
    for index in range(study_days):
        day = today + timedelta(days=index)
        start = max(now, days.start_of(day)) if index == 0 else days.start_of(day)
        end = days.start_of(day + _ONE_DAY)
        quota = new_quota(len(pending_new), day, exam)
        for position in range(min(quota, len(pending_new))):
            key = pending_new.pop(0)
            when = start + timedelta(seconds=position)
            card = scheduler.review(scheduler.new_card(key, when), Rating.Good, when)
            new_by_day[index] += 1
            order += 1
            heapq.heappush(queue, (exam_due(card, scheduler, days, exam), order, key, card))
        while queue and queue[0][0] < end:
            due, _, key, card = heapq.heappop(queue)
            when = max(due, start, first_start)
            card = scheduler.review(card, Rating.Good, when)
            reviews_by_day[index] += 1
            order += 1
            following = exam_due(card, scheduler, days, exam)
            if following < exam_start:
                heapq.heappush(queue, (max(following, when + timedelta(seconds=1)), order, key, card))
            else:
                heapq.heappush(queue, (exam_start + timedelta(days=36500), order, key, card))  # done before the exam
    ready = sum(
        1 for _, _, _, card in queue if scheduler.retrievability(card, exam_start) >= settings.desired_retention
    )
    plan_days = tuple(
        PlanDay(
            today + timedelta(days=index),
            new_by_day[index],
            reviews_by_day[index],
            over_new=new_by_day[index] > settings.new_per_day,
            over_reviews=reviews_by_day[index] > settings.reviews_per_day,
        )
        for index in range(study_days)
    )
    return Plan(exam, today, len(keys), len(unseen), plan_days, ready, settings.desired_retention)
