"""The FSRS kernel gives the schedule `fsrs` gives, answer for answer, on random histories."""

from __future__ import annotations

import random
import zlib
from datetime import UTC, datetime, timedelta

import fsrs
import fsrs.scheduler as fsrs_scheduler
import pytest
from fsrs import Rating

from quiz.core.fsrs_kernel import Kernel, Memory, from_card, to_us
from quiz.core.scheduling import Card, Scheduler, Settings

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
GAPS = (
    timedelta(seconds=5),
    timedelta(minutes=1),
    timedelta(minutes=9, seconds=59),
    timedelta(minutes=10),
    timedelta(hours=5),
    timedelta(hours=23, minutes=59),
    timedelta(days=1),
    timedelta(days=3, hours=2),
    timedelta(days=11),
    timedelta(days=40),
    timedelta(days=400),
)

SETTINGS = [
    Settings(),
    Settings(fuzzing=False),
    Settings(desired_retention=0.8, maximum_interval=30),
    Settings(learning_steps=(), relearning_steps=()),
    Settings(learning_steps=(timedelta(minutes=3),), relearning_steps=(timedelta(minutes=7), timedelta(hours=1))),
    Settings(
        desired_retention=0.97,
        learning_steps=(timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=7), timedelta(days=1)),
    ),
]


def histories(count: int, seed: int) -> list[tuple[Settings, int, list[tuple[datetime, int]]]]:
    """`count` random histories: settings, card id, and (time, rating) answers in time order."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        settings = rng.choice(SETTINGS)
        when = T0 + timedelta(microseconds=rng.randrange(10**12))
        answers = []
        for _ in range(rng.randint(1, 25)):
            answers.append((when, rng.choice((1, 1, 2, 3, 3, 3, 4))))
            gap = rng.choice(GAPS)
            when += gap if rng.random() < 0.5 else gap * rng.random()
        out.append((settings, rng.randrange(1, 2**32), answers))
    return out


def _draw(card_id: int, when: datetime) -> float:
    """The app's reproducible fuzz draw (`Scheduler.review`)."""
    micros = to_us(when)
    return zlib.crc32(micros.to_bytes(8, "little", signed=True), card_id & 0xFFFFFFFF) / 4294967296.0


def _raw_fsrs(settings: Settings) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=settings.desired_retention,
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
        maximum_interval=settings.maximum_interval,
        enable_fuzzing=settings.fuzzing,
    )


def _same(memory: Memory, card: fsrs.Card, where: str) -> None:
    assert memory.state == int(card.state), where
    assert memory.step == card.step, where
    assert memory.due == to_us(card.due), where
    assert memory.last_review == to_us(card.last_review), where
    assert card.stability is not None and card.difficulty is not None and memory.stability is not None
    assert memory.difficulty is not None
    assert abs(memory.stability - card.stability) <= 1e-6, where
    assert abs(memory.difficulty - card.difficulty) <= 1e-6, where


def check(count: int, seed: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every answer of `count` histories through the kernel, the app's scheduler and raw
    `fsrs.Scheduler.review_card` (its global `random` replaced by the app's draw)."""
    schedulers: dict[Settings, tuple[Scheduler, Kernel, fsrs.Scheduler]] = {}
    draw: list[float] = [0.5]
    monkeypatch.setattr(fsrs_scheduler, "random", lambda: draw[0])
    compared = 0
    for number, (settings, card_id, answers) in enumerate(histories(count, seed)):
        if settings not in schedulers:
            app = Scheduler(settings)
            schedulers[settings] = (app, Kernel(app), _raw_fsrs(settings))
        app, kernel, raw = schedulers[settings]
        memory = kernel.new(to_us(answers[0][0]))
        app_card = Card(card_id=card_id, due=answers[0][0])
        raw_card = fsrs.Card(card_id=card_id, due=answers[0][0])
        for index, (when, rating) in enumerate(answers):
            where = f"history {number}, answer {index}"
            memory = kernel.review(memory, rating, to_us(when), card_id)
            app_card = app.review(app_card, rating, when)
            draw[0] = _draw(card_id, when)
            raw_card, _log = raw.review_card(raw_card, Rating(rating), when)
            _same(memory, app_card, where)
            _same(memory, raw_card, where)
            compared += 1
        built = kernel.card(memory, card_id)
        assert built.to_dict() == app_card.to_dict()
        assert from_card(built) == memory
    return compared


def test_kernel_equals_fsrs_on_2000_random_histories(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(2000, seed=15, monkeypatch=monkeypatch) > 20000


@pytest.mark.heavy
def test_kernel_equals_fsrs_on_100000_random_histories(monkeypatch: pytest.MonkeyPatch) -> None:
    assert check(100_000, seed=1515, monkeypatch=monkeypatch) > 1_000_000


def test_kernel_floats_are_fsrs_floats_to_the_bit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not just within 1e-6: the same operations in the same order give the same bits."""
    app = Scheduler()
    kernel = Kernel(app)
    for _settings, card_id, answers in histories(300, seed=7):
        memory = kernel.new(to_us(answers[0][0]))
        card = Card(card_id=card_id, due=answers[0][0])
        for when, rating in answers:
            memory = kernel.review(memory, rating, to_us(when), card_id)
            card = app.review(card, rating, when)
            assert (memory.stability, memory.difficulty) == (card.stability, card.difficulty)


def test_a_due_date_past_9999_overflows_where_fsrs_overflows() -> None:
    app = Scheduler()
    kernel = Kernel(app)
    when = datetime(9999, 9, 1, tzinfo=UTC)
    memory = kernel.new(to_us(when))
    card = Card(card_id=1, due=when)
    for _ in range(20):
        try:
            card = app.review(card, 4, when)
        except OverflowError:
            with pytest.raises(OverflowError):
                kernel.review(memory, 4, to_us(when), 1)
            return
        memory = kernel.review(memory, 4, to_us(when), 1)
        _same(memory, card, str(when))
        when = card.due
    raise AssertionError("fsrs never overflowed")
