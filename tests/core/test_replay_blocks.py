"""Reading in blocks and applying answers in bulk change nothing a reader sees.

`LogReader` splits blocks of `READ_BLOCK` bytes into lines, and a `Replayer`
gathers up to `DEFER_LIMIT` committed answers before applying them per question:
both are speed-ups only, so any block size and any limit must give the same
records, warnings, offsets, states and daily counts.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quiz.core import records, replayer, store
from quiz.core.replay_cache import replayer_from_json, replayer_to_json
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler
from quiz.core.store import LogReader

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_engine import write_log

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def _awkward_log(path: Path) -> None:
    """Every kind of line a reader must tell apart, then a torn last line."""
    good = {
        "v": 1,
        "kind": "answer",
        "id": "a1",
        "time": "2024-01-01T08:00:00+00:00",
        "key": "deck/q1",
        "rating": 3,
        "correct": True,
    }
    lines = [
        b"\xef\xbb\xbf" + json.dumps(good).encode(),
        b"",
        json.dumps({**good, "id": "a2", "response": "x" * 400}).encode(),  # over the patched limit
        b"{not json",
        json.dumps({**good, "id": "a3", "time": "2024-01-02T08:00:00+01:00"}).encode() + b"\r",
        json.dumps({**good, "id": "a4", "rating": 7}).encode(),
        b"   ",
        json.dumps({**good, "id": "a5", "key": "deck/\u00e9t\u00e9"}, ensure_ascii=False).encode(),
        json.dumps({**good, "id": "a6", "time": "2099-01-01T00:00:00+00:00"}).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n" + json.dumps({**good, "id": "a7"}).encode()[:-3])


def _read(path: Path) -> tuple[list[Any], list[str], int, int, int, Any]:
    warnings: list[str] = []
    reader = LogReader(path, warnings.append, now=NOW)
    got = [(reader.line, record) for record in reader]
    return got, warnings, reader.offset, reader.lines, reader.future, reader.tail


@pytest.mark.parametrize("block", [1, 2, 7, 64, 299, 300, 301, 4096])
def test_any_block_size_reads_the_same_records_and_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    path = tmp_path / "reviews.jsonl"
    _awkward_log(path)
    monkeypatch.setattr(store, "MAX_LINE_BYTES", 300)
    monkeypatch.setattr(records, "MAX_LINE_BYTES", 300)
    expected = _read(path)
    got_records, warnings, offset, lines, future, tail = expected
    assert [record["id"] for _, record in got_records] == ["a1", "a3", "a5"]
    assert [line for line, _ in got_records] == [1, 5, 8]
    assert len(warnings) == 5 and "line 3 is longer than" in warnings[0]
    assert any("line 10 is incomplete" in warning for warning in warnings)
    assert (lines, future, tail) == (9, 1, None)
    assert offset == path.read_bytes().rindex(b"\n") + 1
    monkeypatch.setattr(store, "READ_BLOCK", block)
    assert _read(path) == expected


def test_reading_on_from_an_offset_gives_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "reviews.jsonl"
    write_log(path, 300, 40)
    monkeypatch.setattr(store, "READ_BLOCK", 1000)
    whole = [record["id"] for record in LogReader(path, now=NOW)]
    first = LogReader(path, now=NOW)
    head = []
    for record in first:
        head.append(record["id"])
        if len(head) == 100:
            break
    rest = [record["id"] for record in LogReader(path, offset=first.offset, lines=first.lines, now=NOW)]
    assert head + rest == whole


def _replay(path: Path) -> tuple[dict[str, Any], Any]:
    replayer = Replayer(Scheduler(), NOW.date())
    replayer.feed_all(LogReader(path, now=NOW))
    states = replayer.finish()
    # What the snapshot holds, read back (the order of its entries means nothing).
    back = replayer_from_json(json.loads(json.dumps(replayer_to_json(replayer))), Scheduler(), NOW.date())
    snapshot = (back._base, back._pending, back._done, back._new_days, back._review_days, back._finished_days)
    seen = {key: (state.memory, state.answers, state.correct, state.first, state.last) for key, state in states.items()}
    return seen, (replayer.day_counts(), snapshot)


@pytest.mark.parametrize("limit", [1, 2, 33, 1000])
def test_bulk_application_gives_the_states_of_one_answer_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    path = tmp_path / "reviews.jsonl"
    write_log(path, 6000, 50)  # 120 answers a question: most go past the held-back window
    expected = _replay(path)
    monkeypatch.setattr(replayer, "DEFER_LIMIT", limit)
    assert _replay(path) == expected
