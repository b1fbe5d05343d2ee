"""FSRS in bulk (`quiz.core.fsrs_batch`) gives the scalar kernel's schedule.

The scalar `Kernel.review` is proved equal to `fsrs` (tests/core/test_fsrs_kernel.py);
here the numpy pass is checked against it: on random histories (states, steps
and due dates equal, stability and difficulty within 1e-6 relative, in fact
~1e-13), and through the `Replayer` on the engine benchmark's log and on logs
full of undos, rerates and answers out of order (the bulk sorting of the
replay's buffer is exact: no float enters it).
"""

from __future__ import annotations

import json
import random
import sys
import zlib
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from quiz.core import fsrs_batch, replayer
from quiz.core.fsrs_batch import Outcome, run_many, run_one
from quiz.core.fsrs_kernel import MAX_US, Kernel, Memory, to_us
from quiz.core.replay_cache import replayer_from_json, replayer_to_json
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import iter_records
from tests.core.test_fsrs_kernel import SETTINGS as KERNEL_SETTINGS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_engine import write_log

T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
BUCKET = 900_000_000
GAPS_US = [
    int(gap.total_seconds() * 1_000_000)
    for gap in (
        timedelta(seconds=5),
        timedelta(minutes=1),
        timedelta(minutes=10),
        timedelta(hours=5),
        timedelta(hours=23, minutes=59),
        timedelta(days=1),
        timedelta(days=3, hours=2),
        timedelta(days=11),
        timedelta(days=40),
        timedelta(days=400),
        timedelta(days=3 * 365),
    )
]


def _parameters(seed: int) -> tuple[float, ...]:
    """FSRS weights moved at random within `fsrs`'s bounds: a learner's fitted parameters."""
    rng = random.Random(seed)
    return tuple(
        min(max(value * rng.uniform(0.7, 1.3), low), high)
        for value, low, high in zip(DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True)
    )


SETTINGS = [
    *KERNEL_SETTINGS,  # the scalar kernel's own test settings, and fitted parameters
    Settings(parameters=_parameters(1), desired_retention=0.85),
    Settings(parameters=_parameters(2), fuzzing=False, maximum_interval=400),
]


def _lanes(rng: random.Random, kernel: Kernel, count: int, longest: int) -> list[tuple[Memory | None, int, list[Any]]]:
    """Random questions: half new, half from a memory some answers made; random ratings and gaps."""
    lanes = []
    for _ in range(count):
        when = to_us(T0) + rng.randrange(10**12)
        entries = []
        for number in range(rng.randint(1, longest)):
            entries.append((when, f"a{number}", rng.choice((1, 1, 2, 3, 3, 3, 4)), rng.random() < 0.7))
            gap = rng.choice(GAPS_US)
            when += gap if rng.random() < 0.5 else int(gap * rng.random())
        card_id = rng.randrange(1, 2**32 + 1)
        memory = None
        if len(entries) > 1 and rng.random() < 0.5:
            cut = rng.randrange(1, len(entries))
            memory = run_one(kernel, None, card_id, entries[:cut], None, BUCKET).memory
            entries = entries[cut:]
        lanes.append((memory, card_id, entries))
    return lanes


def _compare(got: list[Outcome], want: list[Outcome]) -> float:
    """Equal outcomes, floats within 1e-6 relative; the largest relative difference seen."""
    worst = 0.0
    assert len(got) == len(want)
    for index, (mine, theirs) in enumerate(zip(got, want, strict=True)):
        assert mine[1:] == theirs[1:], index  # codes, answers, right ones, first and last times
        a, b = mine.memory, theirs.memory
        assert a is not None and b is not None
        assert (a.state, a.step, a.due, a.last_review) == (b.state, b.step, b.due, b.last_review), index
        for x, y in ((a.stability, b.stability), (a.difficulty, b.difficulty)):
            assert x is not None and y is not None
            worst = max(worst, abs(x - y) / abs(y))
    assert worst <= 1e-6
    return worst


def check_random(histories: int, seed: int, longest: int) -> int:
    """`histories` random questions through the numpy pass and the scalar kernel; answers compared."""
    rng = random.Random(seed)
    compared = 0
    for number, settings in enumerate(SETTINGS):
        kernel = Kernel(Scheduler(settings))
        lanes = _lanes(rng, kernel, histories // len(SETTINGS) + number, longest)
        counts: fsrs_batch.Counts = ({}, {})
        reference: fsrs_batch.Counts = ({}, {})
        got = fsrs_batch._Batch(kernel, lanes, counts, BUCKET).run(True)
        want = [run_one(kernel, memory, card_id, entries, reference, BUCKET) for memory, card_id, entries in lanes]
        _compare(got, want)
        assert counts == reference
        compared += sum(outcome.answered for outcome in want)
    return compared


def test_the_numpy_pass_equals_the_scalar_kernel_on_random_histories() -> None:
    assert check_random(4000, seed=3, longest=40) > 50_000


@pytest.mark.slow
def test_the_numpy_pass_equals_the_scalar_kernel_on_100000_random_histories() -> None:
    assert check_random(100_000, seed=1515, longest=12) > 400_000


def test_a_question_whose_due_date_would_pass_9999_is_replayed_by_the_scalar_kernel() -> None:
    """The answer that overflows is skipped (counted 0) as `run_one` skips it; the others still go in bulk."""
    kernel = Kernel(Scheduler())
    late = to_us(datetime(9999, 3, 1, tzinfo=UTC))
    rng = random.Random(5)
    lanes = _lanes(rng, kernel, 80, 10)
    lanes[7] = (None, 77, [(late + n * 20 * 86_400_000_000, f"x{n}", 4, True) for n in range(12)])
    want = [run_one(kernel, memory, card_id, entries, None, BUCKET) for memory, card_id, entries in lanes]
    assert 0 < want[7].answered < 12 and want[7].memory is not None and want[7].memory.due <= MAX_US
    _compare(fsrs_batch._Batch(kernel, lanes, None, BUCKET).run(True), want)


def test_few_questions_or_another_kernel_stay_scalar(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = Kernel(Scheduler())
    lanes = _lanes(random.Random(8), kernel, fsrs_batch.MIN_LANES - 1, 5)

    def refuse(*args: object) -> None:
        raise AssertionError("the numpy pass ran")

    monkeypatch.setattr(fsrs_batch._Batch, "run", refuse)
    monkeypatch.setattr(fsrs_batch, "IMPORT_AT", 1)
    run_many(kernel, lanes, None, BUCKET)

    class Reference(Kernel):
        """A kernel of another kind (tests pass one computed by `fsrs` itself)."""

    other = Reference(Scheduler())
    run_many(other, _lanes(random.Random(9), other, fsrs_batch.MIN_LANES * 2, 5), None, BUCKET)


def test_the_fuzz_draw_is_zlibs_crc32() -> None:
    rng = random.Random(4)
    micros = [rng.randrange(0, MAX_US) for _ in range(2000)]
    ids = [rng.randrange(0, 2**32) for _ in range(2000)]
    table = fsrs_batch._Tables(np, Kernel(Scheduler())).crc
    got = fsrs_batch._crc32(np, table, np.array(micros, dtype=np.int64), np.array(ids, dtype=np.int64)).tolist()
    assert got == [zlib.crc32(m.to_bytes(8, "little", signed=True), i) for m, i in zip(micros, ids, strict=True)]


@pytest.mark.parametrize("settings", [Settings(), Settings(maximum_interval=30)])
def test_the_fuzz_ranges_are_the_kernels(settings: Settings) -> None:
    kernel = Kernel(Scheduler(settings))
    tables = fsrs_batch._Tables(np, kernel)
    low, high = tables.fuzz_low.tolist(), tables.fuzz_high.tolist()
    for days in range(3, kernel.maximum + 1):
        assert (low[days], high[days]) == kernel._fuzz_bounds(days), days


# --------------------------------------------------------------------------- through the Replayer


def _force(monkeypatch: pytest.MonkeyPatch, bulk: bool, fsrs_bulk: bool | None = None) -> None:
    """Bulk sorting and bulk FSRS whatever the sizes (or never); small buffers, so both run often."""
    fsrs_bulk = bulk if fsrs_bulk is None else fsrs_bulk
    monkeypatch.setattr(fsrs_batch, "IMPORT_AT", 1 if bulk else 10**12)
    monkeypatch.setattr(fsrs_batch, "MIN_LANES", 8 if fsrs_bulk else 10**12)
    monkeypatch.setattr(replayer, "BUFFER_LIMIT", 700)
    monkeypatch.setattr(replayer, "DEFER_LIMIT", 3000)


def _canonical(replayer: Replayer) -> dict[str, Any]:
    """What the replayer's snapshot (`replayer_to_json`, columns) holds, read back by
    question: the order of its committed states, results and day counts means nothing,
    that of its held-back lists is `finish()`'s order."""
    snapshot = replayer_to_json(replayer)
    back = replayer_from_json(json.loads(json.dumps(snapshot)), replayer.scheduler, None)
    return {
        "states": sorted(back._base.items(), key=itemgetter(0)),
        "pending": list(back._pending.items()),
        "done": sorted(back._done.items(), key=itemgetter(0)),
        "new_days": sorted(back._new_days.items()),
        "review_days": sorted(back._review_days.items()),
        "finished_days": [sorted(days.items()) for days in back._finished_days],
        "flags": snapshot["flags"],
    }


def _replay(records: list[dict[str, Any]], scheduler: Scheduler) -> tuple[Replayer, dict[str, Any]]:
    replayer = Replayer(scheduler, T0.date())
    replayer.feed_all(records)
    replayer.finish()
    return replayer, _canonical(replayer)


@pytest.mark.parametrize("fuzzing", [True, False])
def test_the_benchmark_log_gives_the_due_dates_of_the_one_at_a_time_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fuzzing: bool
) -> None:
    path = tmp_path / "reviews.jsonl"
    write_log(path, 30_000, 300)  # 100 answers a question: most go past the held-back window
    records = list(iter_records(path))
    scheduler = Scheduler(Settings(fuzzing=fuzzing))
    _force(monkeypatch, bulk=False)
    want, _ = _replay(records, scheduler)
    _force(monkeypatch, bulk=True)
    got, _ = _replay(records, scheduler)
    _same_states(got, want)


@pytest.mark.slow
def test_a_bigger_benchmark_log_gives_the_due_dates_of_the_one_at_a_time_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "reviews.jsonl"
    write_log(path, 300_000, 3_000)
    records = list(iter_records(path))
    scheduler = Scheduler()
    monkeypatch.setattr(fsrs_batch, "IMPORT_AT", 10**12)
    want, _ = _replay(records, scheduler)
    monkeypatch.setattr(fsrs_batch, "IMPORT_AT", 1)
    got, _ = _replay(records, scheduler)
    _same_states(got, want)


def _same_states(got: Replayer, want: Replayer) -> None:
    assert list(got.states) == list(want.states)
    for key, theirs in want.states.items():
        mine = got.states[key]
        a, b = mine.memory, theirs.memory
        assert (a.due, a.state, a.step, a.last_review) == (b.due, b.state, b.step, b.last_review), key
        assert (mine.answers, mine.correct, mine.first, mine.last) == (
            theirs.answers,
            theirs.correct,
            theirs.first,
            theirs.last,
        )
        assert a.stability is not None and b.stability is not None and a.difficulty is not None
        assert abs(a.stability - b.stability) <= 1e-6 * b.stability, key
        assert abs(a.difficulty - (b.difficulty or 0.0)) <= 1e-6 * a.difficulty, key
    assert got.day_counts() == want.day_counts()
    assert (got.new_on_day, got.reviews_on_day) == (want.new_on_day, want.reviews_on_day)


def messy_records(seed: int, count: int, keys: int) -> list[dict[str, Any]]:
    """Records with undos and rerates of answers near and far back, answers out of
    order (some older than a question's whole held-back window), cram, suspensions."""
    rng = random.Random(seed)
    records: list[dict[str, Any]] = []
    answered: dict[str, list[str]] = {}
    latest: dict[str, datetime] = {}
    when = T0
    for n in range(count):
        key = f"d{rng.randrange(3)}/q{rng.randrange(keys)}"
        roll = rng.random()
        base = {"v": 1, "id": f"r{n}", "time": when.isoformat(timespec="microseconds"), "key": key}
        refs = answered.get(key)
        if roll < 0.08 and refs:
            ref = refs[-1 - min(len(refs) - 1, int(rng.expovariate(1 / 12)))]
            if roll < 0.04:
                records.append(base | {"kind": "undo", "ref": ref})
            else:
                records.append(
                    base | {"kind": "rerate", "ref": ref, "rating": rng.randint(1, 4), "correct": rng.random() < 0.5}
                )
            continue
        if roll < 0.09:
            records.append(base | {"kind": rng.choice(["suspend", "unsuspend"])})
            continue
        when += timedelta(minutes=rng.choice([1, 10, 300, 1500, 6000, 20000]))
        moment = when
        if roll > 0.96 and key in latest:
            # Before the question's latest answer: out of order, maybe past its whole window.
            moment = latest[key] - timedelta(minutes=rng.choice([0, 1, 600, 3000, 30000, 300000, 3000000]))
        latest[key] = max(latest.get(key, moment), moment)
        correct = rng.random() < 0.7
        records.append(
            base
            | {
                "kind": "answer",
                "time": moment.isoformat(timespec="microseconds"),
                "correct": correct,
                "rating": rng.choice([3, 4]) if correct else rng.choice([1, 2]),
                "mode": "cram" if rng.random() < 0.02 else "drill",
            }
        )
        answered.setdefault(key, []).append(f"r{n}")
    return records


@pytest.mark.parametrize(("seed", "keys"), [(1, 90), (2, 90), (3, 6)])
def test_bulk_sorting_of_the_buffer_is_feeding_one_record_at_a_time(
    monkeypatch: pytest.MonkeyPatch, seed: int, keys: int
) -> None:
    """With FSRS one answer at a time in both, the bulk path must give the very same replay
    (6 questions a deck: more answers a question in a buffer than it holds back)."""
    records = messy_records(seed, 12_000, keys)
    scheduler = Scheduler()
    _force(monkeypatch, bulk=False)
    want, want_snapshot = _replay(records, scheduler)
    _force(monkeypatch, bulk=True, fsrs_bulk=False)
    got, got_snapshot = _replay(records, scheduler)
    assert list(got.states) == list(want.states)
    assert got.states == want.states
    assert got_snapshot == want_snapshot
    assert got.day_counts() == want.day_counts()
    assert got.flags.to_json() == want.flags.to_json()


def test_messy_logs_in_bulk_give_the_due_dates_of_the_one_at_a_time_replay(monkeypatch: pytest.MonkeyPatch) -> None:
    records = messy_records(4, 12_000, 90)
    scheduler = Scheduler()
    _force(monkeypatch, bulk=False)
    want, _ = _replay(records, scheduler)
    _force(monkeypatch, bulk=True)
    got, _ = _replay(records, scheduler)
    _same_states(got, want)


def test_feeding_goes_on_after_finish(monkeypatch: pytest.MonkeyPatch) -> None:
    """`finish()` midway (a snapshot is taken so), then more records: as if fed straight through."""
    records = messy_records(6, 6_000, 60)
    scheduler = Scheduler()
    _force(monkeypatch, bulk=True)
    want, want_snapshot = _replay(records, scheduler)
    replayer = Replayer(scheduler, T0.date())
    for start in range(0, len(records), 1_700):
        replayer.feed_all(records[start : start + 1_700])
        replayer.finish()
    snapshot = _canonical(replayer)
    _same_states(replayer, want)
    assert snapshot["pending"] == want_snapshot["pending"]
