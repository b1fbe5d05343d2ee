"""The replay snapshot (`replay_columns`) of a replayer that works in bulk (`replay_bulk`,
`fsrs_batch`): saved at any point of a messy log, restored, and fed the rest, it gives
what one replay straight through gives: the states in the same order, the day counts,
the flags, the warnings; a damaged snapshot is never used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from quiz.core import replay_cache
from quiz.core.replay_cache import CacheError, replay_log, replayer_from_json, replayer_to_json
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler
from quiz.core.store import iter_records
from tests.core.test_fsrs_batch import T0, _force, _same_states, messy_records

SCHEDULER = Scheduler()


def _straight(records: list[dict[str, Any]]) -> Replayer:
    replayer = Replayer(SCHEDULER, T0.date())
    replayer.feed_all(records)
    replayer.finish()
    return replayer


def _split(records: list[dict[str, Any]], at: int) -> Replayer:
    """Fed up to `at`, saved, restored from the JSON, fed the rest."""
    first = Replayer(SCHEDULER, T0.date())
    first.feed_all(records[:at])
    data = json.loads(json.dumps(replayer_to_json(first)))
    replayer = replayer_from_json(data, SCHEDULER, T0.date())
    replayer.feed_all(records[at:])
    replayer.finish()
    return replayer


@pytest.mark.parametrize("at", [0, 1, 2_999, 7_000, 12_000])
def test_a_restored_bulk_replay_goes_on_as_the_straight_one(monkeypatch: pytest.MonkeyPatch, at: int) -> None:
    """FSRS one answer at a time (exact floats), the buffer sorted in bulk: the very same replay."""
    records = messy_records(7, 12_000, 90)
    _force(monkeypatch, bulk=True, fsrs_bulk=False)
    want = _straight(records)
    got = _split(records, at)
    assert list(got.states) == list(want.states)
    assert got.states == want.states
    assert got.day_counts() == want.day_counts()
    assert (got.new_on_day, got.reviews_on_day) == (want.new_on_day, want.reviews_on_day)
    assert got.flags.to_json() == want.flags.to_json()


@pytest.mark.parametrize("at", [4_000, 9_500])
def test_a_restored_replay_with_numpy_fsrs_gives_the_due_dates_of_the_straight_one(
    monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    records = messy_records(8, 12_000, 90)
    _force(monkeypatch, bulk=True)
    _same_states(_split(records, at), _straight(records))


def test_a_cached_replay_of_an_appended_log_is_the_full_replay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through `replay_log` and its snapshot file: warnings repeated, states in order."""
    _force(monkeypatch, bulk=True)
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 1)
    lines = [json.dumps(record).encode() + b"\n" for record in messy_records(9, 8_000, 60)]
    lines[100] = b"not json\n"
    log, folder = tmp_path / "reviews.jsonl", tmp_path / "cache"
    restored: list[Replayer] = []

    def spy(*args: Any, **keywords: Any) -> Replayer:
        restored.append(replayer_from_json(*args, **keywords))
        return restored[-1]

    monkeypatch.setattr(replay_cache, "replayer_from_json", spy)
    day, now = T0.date(), T0.replace(year=2200)  # the messy log runs ~70 years
    for part in (lines[:5_000], lines):
        log.write_bytes(b"".join(part))
        warnings: list[str] = []
        got = replay_log(log, SCHEDULER, day=day, on_warning=warnings.append, folder=folder, now=now)
        want_warnings: list[str] = []
        want = Replayer(SCHEDULER, day)
        want.feed_all(iter_records(log, want_warnings.append, now=now))
        want.finish()
        _same_states(got, want)
        assert warnings == want_warnings and warnings
        assert got.flags.to_json() == want.flags.to_json()
        assert len(restored) == (part is lines)  # the second pass starts from the first's snapshot
        snapshot = replay_cache.load(folder, log, "states", SCHEDULER)
        assert snapshot is not None and snapshot.offset == log.stat().st_size


def test_held_back_answers_out_of_order_in_a_snapshot_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forged snapshot whose held-back answers are not in time order: CacheError (a full replay then)."""
    import base64
    from array import array

    records = messy_records(10, 3_000, 20)
    _force(monkeypatch, bulk=True)
    data = replayer_to_json(_straight(records))
    times = array("q", base64.b64decode(data["pending"]["time"]))
    counts = array("i", base64.b64decode(data["pending"]["count"]))
    first = next(n for n, count in enumerate(counts) if count >= 2)
    start = sum(counts[:first])
    times[start], times[start + 1] = times[start + 1] + 1, times[start]
    data["pending"]["time"] = base64.b64encode(times.tobytes()).decode()
    with pytest.raises(CacheError):
        replayer_from_json(data, SCHEDULER, None)
