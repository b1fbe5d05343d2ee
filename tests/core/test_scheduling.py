"""Ratings from outcomes, and the scheduler's guarantees: UTC only, replayable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from unittest import mock

import fsrs
import pytest
from fsrs import Rating, State

from quiz.core.model import CardQuestion, ChoiceQuestion, ShortQuestion
from quiz.core.scheduling import Scheduler, Settings, rating_for

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class FakeOutcome:
    """Just the fields `rating_for` reads of a grading outcome."""

    correct: bool
    typo_forgiven: bool = False
    self_grade: int | None = None


CHOICE = ChoiceQuestion(deck="d", id="c", prompt="?", choices=("a", "b"), answer="a")
SHORT = ShortQuestion(deck="d", id="s", prompt="?", answers=("paris",), typos=1)
CARD = CardQuestion(deck="d", id="k", prompt="?", answer="yes")


@pytest.mark.parametrize(
    ("question", "outcome", "hinted", "expected"),
    [
        (CHOICE, FakeOutcome(correct=False), False, Rating.Again),
        (CHOICE, FakeOutcome(correct=False), True, Rating.Again),
        (CHOICE, FakeOutcome(correct=True), False, Rating.Good),
        (CHOICE, FakeOutcome(correct=True), True, Rating.Hard),
        (SHORT, FakeOutcome(correct=True, typo_forgiven=True), False, Rating.Hard),
        (SHORT, FakeOutcome(correct=True), False, Rating.Good),
        (CARD, FakeOutcome(correct=False, self_grade=1), False, Rating.Again),
        (CARD, FakeOutcome(correct=True, self_grade=2), False, Rating.Hard),
        (CARD, FakeOutcome(correct=True, self_grade=3), True, Rating.Good),
        (CARD, FakeOutcome(correct=True, self_grade=4), False, Rating.Easy),
    ],
)
def test_rating_for_maps_outcomes(
    question: ChoiceQuestion | ShortQuestion | CardQuestion,
    outcome: FakeOutcome,
    hinted: bool,
    expected: Rating,
) -> None:
    assert rating_for(question, outcome, hinted) == expected


def test_card_without_self_grade_is_refused() -> None:
    with pytest.raises(ValueError, match="self grade"):
        rating_for(CARD, FakeOutcome(correct=True), False)


def test_default_settings_match_the_contract() -> None:
    settings = Settings()
    assert settings.desired_retention == 0.9
    assert settings.new_per_day == 20
    assert settings.reviews_per_day == 200
    assert settings.learning_steps == (timedelta(minutes=1), timedelta(minutes=10))
    assert settings.relearning_steps == (timedelta(minutes=10),)
    assert settings.fuzzing is True


@pytest.mark.parametrize("retention", [0.0, 1.0, 1.5, -0.1])
def test_impossible_retention_is_refused(retention: float) -> None:
    with pytest.raises(ValueError, match="desired_retention"):
        Settings(desired_retention=retention)


def test_naive_datetimes_are_refused_everywhere() -> None:
    scheduler = Scheduler(Settings(fuzzing=False))
    naive = datetime(2026, 1, 5, 9, 0)
    with pytest.raises(ValueError, match="time zone"):
        scheduler.new_card("d/q", naive)
    card = scheduler.new_card("d/q", T0)
    with pytest.raises(ValueError, match="time zone"):
        scheduler.review(card, Rating.Good, naive)
    with pytest.raises(ValueError, match="time zone"):
        scheduler.retrievability(card, naive)


def test_other_time_zones_are_converted_to_utc() -> None:
    scheduler = Scheduler(Settings(fuzzing=False))
    paris = timezone(timedelta(hours=1))
    card = scheduler.review(scheduler.new_card("d/q", T0), Rating.Again, T0.astimezone(paris))
    assert card.last_review == T0
    assert card.due.tzinfo is UTC


def test_learning_steps_then_review() -> None:
    scheduler = Scheduler(Settings(fuzzing=False))
    card = scheduler.new_card("d/q", T0)
    failed = scheduler.review(card, Rating.Again, T0)
    assert failed.state == State.Learning
    assert failed.due == T0 + timedelta(minutes=1)
    good = scheduler.review(failed, Rating.Good, T0 + timedelta(minutes=1))
    assert good.due == T0 + timedelta(minutes=11)
    graduated = scheduler.review(good, Rating.Good, T0 + timedelta(minutes=11))
    assert graduated.state == State.Review
    assert graduated.last_review is not None
    assert graduated.due - graduated.last_review >= timedelta(days=1)
    assert card.last_review is None, "review must not change the card it was given"


def _long_history(scheduler: Scheduler, key: str) -> datetime:
    """Due date of `key` after a history long enough for fuzz to apply."""
    when = T0
    card = scheduler.new_card(key, when)
    for _ in range(4):
        card = scheduler.review(card, Rating.Good, when)
        when = max(card.due, when + timedelta(minutes=1))
    return card.due


def test_fuzzed_reviews_are_reproducible_but_spread() -> None:
    fuzzy = Scheduler(Settings(fuzzing=True))
    keys = [f"d/q{i}" for i in range(20)]
    first = [_long_history(fuzzy, key) for key in keys]
    again = [_long_history(fuzzy, key) for key in keys]
    assert first == again, "a replay must give the same due dates as the live session"
    assert len(set(first)) > 1, "fuzz should part questions learned together"
    plain = {_long_history(Scheduler(Settings(fuzzing=False)), key) for key in keys}
    assert len(plain) == 1


def test_retrievability_falls_with_time() -> None:
    scheduler = Scheduler(Settings(fuzzing=False))
    card = scheduler.review(scheduler.new_card("d/q", T0), Rating.Easy, T0)
    soon = scheduler.retrievability(card, T0 + timedelta(days=1))
    late = scheduler.retrievability(card, T0 + timedelta(days=60))
    assert 0.0 < late < soon <= 1.0
    assert scheduler.retrievability(scheduler.new_card("d/x", T0), T0) == 0.0


@pytest.mark.parametrize("draw", [0.0, 0.25, 0.5, 0.999])
def test_fuzz_matches_fsrs_for_the_same_draw(draw: float) -> None:
    ours = Scheduler(Settings(fuzzing=True))._fsrs
    theirs = fsrs.Scheduler(enable_fuzzing=True)
    ours._draw = draw
    with mock.patch("fsrs.scheduler.random", return_value=draw):
        for days in (1, 2, 3, 5, 8, 15, 30, 90, 400, 5000, 36500):
            interval = timedelta(days=days)
            assert ours._get_fuzzed_interval(interval=interval) == theirs._get_fuzzed_interval(interval=interval)
