"""Replay through the FSRS kernel gives the schedule of replay through `fsrs` itself.

The reference is the replay as it was before the kernel: every answer through
`Scheduler.review` (`fsrs.Scheduler.review_card` with the app's reproducible
fuzz) on full `fsrs.Card`s. The log is the engine benchmark's own
(`benchmarks/bench_engine.py`: rounds over every question, rerates and undos).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from quiz.core.fsrs_kernel import Memory, card_of, from_card, from_us
from quiz.core.replay_cache import replay_log
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import iter_records

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_engine import write_log


class ViaFsrs:
    """The kernel's interface computed by `Scheduler.review` on full cards: today's replay."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler

    def new(self, now_us: int) -> Memory:
        return from_card(self.scheduler.new_card("unused", from_us(now_us)))

    def review(self, memory: Memory, rating: int, now_us: int, card_id: int) -> Memory:
        return from_card(self.scheduler.review(card_of(memory, card_id), rating, from_us(now_us)))


def _compare(path: Path, settings: Settings) -> int:
    scheduler = Scheduler(settings)
    fast = Replayer(scheduler)
    fast.feed_all(iter_records(path))
    reference = Replayer(scheduler, kernel=ViaFsrs(scheduler))  # type: ignore[arg-type]
    reference.feed_all(iter_records(path))
    got, want = fast.finish(), reference.finish()
    assert got.keys() == want.keys()
    for key, state in want.items():
        mine = got[key]
        assert mine.card.due == state.card.due, key
        assert (mine.card.state, mine.card.step, mine.card.last_review) == (
            state.card.state,
            state.card.step,
            state.card.last_review,
        ), key
        assert mine.card.stability == pytest.approx(state.card.stability, abs=1e-6), key
        assert mine.card.difficulty == pytest.approx(state.card.difficulty, abs=1e-6), key
        assert (mine.answers, mine.correct, mine.first, mine.last) == (
            state.answers,
            state.correct,
            state.first,
            state.last,
        )
    assert fast.day_counts() == reference.day_counts()
    return len(want)


@pytest.mark.parametrize("fuzzing", [True, False])
def test_due_dates_equal_todays_replay_on_the_benchmark_log(tmp_path: Path, fuzzing: bool) -> None:
    path = tmp_path / "reviews.jsonl"
    write_log(path, 20_000, 500)
    assert _compare(path, Settings(fuzzing=fuzzing)) == 500


def test_due_dates_equal_todays_replay_on_a_log_as_deep_as_the_full_benchmark(tmp_path: Path) -> None:
    """The full benchmark log's depth, 100 weekly rounds of every question, on 100
    questions: the long histories the heavy run below checks, at 1% of its size."""
    path = tmp_path / "reviews.jsonl"
    write_log(path, 100 * 100, 100)
    assert _compare(path, Settings()) == 100


@pytest.mark.heavy
def test_due_dates_equal_todays_replay_on_the_full_benchmark_log(tmp_path: Path) -> None:
    """A million answers (two minutes); not in the default run: `pytest -m heavy`."""
    path = tmp_path / "reviews.jsonl"
    write_log(path, 1_000_000, 10_000)
    assert _compare(path, Settings()) == 10_000


def test_a_snapshot_restores_the_same_due_dates(tmp_path: Path) -> None:
    """Cold, then warm from the snapshot the cold run wrote: the same states."""
    path = tmp_path / "reviews.jsonl"
    write_log(path, 5_000, 200)
    scheduler = Scheduler()
    cold = replay_log(path, scheduler, folder=tmp_path / "cache").states
    assert list((tmp_path / "cache" / "replay").iterdir())
    warm = replay_log(path, scheduler, folder=tmp_path / "cache").states
    assert {key: state.card.to_dict() for key, state in warm.items()} == {
        key: state.card.to_dict() for key, state in cold.items()
    }
    assert warm == cold
