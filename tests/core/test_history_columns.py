"""The column store of the history (`quiz.core.history_columns`) reuses the (type,
mode) and session of the answer before rather than looking them up: its columns must
be exactly those of looking every answer up, as the store did before.
`RecordAtATime` is that earlier code, kept here as the oracle; logs of every odd
shape a record may take (sessions and modes interleaved, absent, odd) go through
both, and their snapshots (`_Answers.dump`, every column and total) must be equal."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from quiz.core.history_columns import (
    _CORRECT,
    _DAY_SECONDS,
    _HINTED,
    _HUGE,
    _LIVE,
    _NAN,
    _RATING_SHIFT,
    _TYPO,
    PENDING_PER_KEY,
    _Answers,
)
from quiz.core.store import iter_records

START = datetime(2026, 1, 5, 8, tzinfo=UTC)


class RecordAtATime(_Answers):
    """`_Answers` looking up every answer's (type, mode) and session (the code before)."""

    def feed(self, record: dict[str, Any]) -> None:
        """The feed as it was, every answer looked up."""
        kind = record["kind"]
        key = record["key"]
        if kind != "answer":
            if kind == "rerate" or kind == "undo":
                k = self.key_index.get(key)
                if k is not None:
                    self._amend(k, record, kind == "undo")
            return  # suspend, unsuspend, bury: the replayer's flags (`quiz.core.flags`)
        try:
            k = self.key_index[key]
        except KeyError:
            k = self._new_key(key)
        get = record.get
        ts = datetime.fromisoformat(record["time"]).timestamp()
        correct = record["correct"] is True
        mode = get("mode")
        pair = (get("type"), mode)
        try:
            tm = self.tm_index[pair]
        except (KeyError, TypeError):
            tm = self._new_pair(pair)
        session = get("session")
        try:
            s = self.session_index[session]
        except (KeyError, TypeError):
            s = self._new_session(session, ts, self.tm_pairs[tm][1])
        if ts < self.sess_start[s]:
            self.sess_start[s] = ts
        elif ts > self.sess_end[s]:
            self.sess_end[s] = ts
        self.sess_answers[s] += 1
        day = int(ts // _DAY_SECONDS)
        day_answers = self.day_answers
        day_answers[day] = day_answers.get(day, 0) + 1
        self.total += 1
        bits = _LIVE | (record["rating"] << _RATING_SHIFT)
        if correct:
            bits |= _CORRECT
            self.sess_right[s] += 1
            day_right = self.day_right
            day_right[day] = day_right.get(day, 0) + 1
            self.right += 1
        if get("hinted") is True:
            bits |= _HINTED
        if get("typo_forgiven") is True:
            bits |= _TYPO
        elapsed: Any = get("elapsed")
        kind_of = type(elapsed)
        row = len(self.bits)
        self.key_rows[k].append(row)
        recent = self.key_recent[k]
        recent.append((record["id"], row))
        if len(recent) > PENDING_PER_KEY:
            del recent[0]
        self.row_key.append(k)
        self.time.append(ts)
        self.bits.append(bits)
        if kind_of is not float:
            elapsed = float(elapsed) if kind_of is int and -_HUGE < elapsed < _HUGE else _NAN
        self.elapsed.append(elapsed)
        self.session.append(s)
        self.tm.append(tm)
        self.response.append(get("response"))


def odd_log(seed: int, count: int) -> list[dict[str, Any]]:
    """Answers with undos and rerates (of recent, old and unknown answers, overrides
    included), cram, devices taking turns (times out of order, sessions interleaved),
    and every optional field absent, odd or unusual now and then."""
    rng = random.Random(seed)
    keys = [f"deck/q{index}" for index in range(rng.choice((3, 12, 40)))]
    sessions = ["s-a", "s-b", "", None, 7]
    records: list[dict[str, Any]] = []
    answered: list[tuple[str, str]] = []
    when = START
    for number in range(count):
        when += timedelta(seconds=rng.choice((5, 40, 900, 3600 * 20, -30)))
        key = rng.choice(keys)
        if answered and rng.random() < 0.12:
            rid, rkey = rng.choice(answered[-80:]) if rng.random() < 0.9 else ("nobody", key)
            record: dict[str, Any] = {
                "kind": rng.choice(("undo", "rerate")),
                "key": rkey,
                "ref": rid,
                "id": f"x{number}",
            }
            if record["kind"] == "rerate":
                record["rating"] = rng.randint(1, 4)
                if rng.random() < 0.5:
                    record["correct"] = rng.random() < 0.8
        elif rng.random() < 0.03:
            record = {"kind": rng.choice(("suspend", "unsuspend")), "key": key, "id": f"x{number}"}
        else:
            rid = f"id{number}" if rng.random() < 0.95 else "id0"  # now and then an id again
            answered.append((rid, key))
            correct = rng.random() < 0.7
            record = {
                "kind": "answer",
                "key": key,
                "id": rid,
                "rating": rng.randint(2, 4) if correct else 1,
                "correct": correct,
                "type": rng.choice(("choice", "open", "choice", None)),
                "mode": rng.choice(("drill", "drill", "exam", "cram", None, 3)),
                "session": rng.choice(sessions),
                "elapsed": rng.choice((rng.uniform(0, 60), 12, None, 0.0, True)),
                "response": rng.choice(("Paris", "Lyon", ["a", "b"], {"x": "y"}, None, 1, 1.0)),
                "hinted": rng.choice((False, False, True, None)),
                "typo_forgiven": rng.choice((False, True, None)),
            }
            for name in ("type", "mode", "session", "elapsed", "response", "hinted", "typo_forgiven"):
                if rng.random() < 0.04:
                    del record[name]
        offset = rng.choice(("+00:00", "+00:00", "+02:00", "-05:30"))
        stamp = when.astimezone(datetime.strptime(offset, "%z").tzinfo)
        record["time"] = stamp.isoformat(timespec=rng.choice(("microseconds", "seconds")))
        records.append(record | {"v": 1})
    return records


def both(records: list[dict[str, Any]]) -> tuple[Any, Any]:
    store, oracle = _Answers(), RecordAtATime()
    for record in records:
        store.feed(record)
        oracle.feed(record)
    return store.dump(), oracle.dump()


@pytest.mark.parametrize("seed", range(24))
def test_columns_equal_those_of_looking_every_answer_up(seed: int) -> None:
    (body, sections), (want_body, want_sections) = both(odd_log(seed, 600))
    assert body == want_body
    assert sections.keys() == want_sections.keys()
    for name, column in sections.items():
        assert bytes(column) == bytes(want_sections[name]), name  # bytes: NaN elapsed equal too
    assert body["total"] > 0 and body["recent"]


def test_a_generated_log_read_from_disk(tmp_path: Any) -> None:
    """The benchmark's log, as `store.iter_records` reads it (1 answer in 500 undone or rerated)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_history import write_log

    log = tmp_path / "reviews.jsonl"
    write_log(log, "bench", 5_000, [f"k{index}" for index in range(50)], seed=3)
    (body, sections), (want_body, want_sections) = both(list(iter_records(log)))
    assert body == want_body
    assert {name: bytes(column) for name, column in sections.items()} == {
        name: bytes(column) for name, column in want_sections.items()
    }
