"""The history's column store takes a run of answer lines whole (`quiz.core.history_runs`):
whatever the log, every column, total and order must be what feeding the same records
one at a time (`_Answers.feed`) gives."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core import answer_runs, history_runs, store
from quiz.core.answer_runs import EVERY, SCHEDULE, AnswerRun, Lane
from quiz.core.history_columns import _Answers
from quiz.core.history_runs import HOLD_SCAN, PENDING_ROWS
from quiz.core.store import LogReader


@pytest.fixture(autouse=True)
def _lane_for_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The block lane whatever the log's size, numpy imported or not (see `store.LANE_BYTES`),
    so these tests do not depend on which test ran before."""
    monkeypatch.setattr(store, "LANE_BYTES", 0)


NOW = datetime(2030, 1, 1, tzinfo=UTC)
START = datetime(2024, 2, 28, 23, 50, tzinfo=UTC)
RESPONSES: tuple[object, ...] = (
    "Paris",
    "",
    "x y",
    "é ü 東京",
    ["a", "b"],
    [],
    {"left": "right", "a": "b"},
    {},
    3,
    0,
    -2,
    1.5,
    1.0,
    -0.0,
    1e3,
    True,
    False,
    None,
    [["nested"]],  # the full path: the lane takes no nesting this deep
    'a "quoted" text',  # an escape: the full path
)
ELAPSED: tuple[object, ...] = (None, 0, 12, 4.21, 0.5, 9_999_999, 3.14159265358979311599796346854, 1e-05)


def _dump(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _log(path: Path, seed: int, lines: int, types: int = 4) -> None:
    """Answers in the app's form (`Session._record`'s key order), now and then a rerate or an
    undo (of an answer in this stretch or far back), a flag, or a line no reader takes."""
    rng = random.Random(seed)
    keys = [f"deck/q{index}" for index in range(rng.choice((5, 40, 200)))] + ["deck/\u00e9t\u00e9 "]
    sessions = [f"{rng.getrandbits(64):016x}" for _ in range(6)] + [""]
    session = sessions[0]
    answered: list[tuple[str, str]] = []
    when = START
    out: list[bytes] = []
    for number in range(lines):
        when += timedelta(
            seconds=rng.choice((3, 40, 300, 900, 3600 * 20, -30, -2000)), microseconds=rng.randrange(10**6)
        )
        key = rng.choice(keys)
        stamp = when.isoformat(timespec="microseconds")
        roll = rng.random()
        if answered and roll < 0.08:
            rid, rkey = rng.choice(answered[-300:]) if rng.random() < 0.9 else ("nobody", key)
            kind = rng.choice(("undo", "rerate"))
            record: dict[str, Any] = {"v": 1, "kind": kind, "id": f"x{number}", "ref": rid, "time": stamp, "key": rkey}
            if kind == "rerate":
                record["rating"] = rng.randint(1, 4)
                if rng.random() < 0.5:
                    record["correct"] = rng.random() < 0.8
            out.append(_dump(record))
            continue
        if roll < 0.10:
            kind = rng.choice(("suspend", "unsuspend"))
            out.append(_dump({"v": 1, "kind": kind, "id": f"f{number}", "time": stamp, "key": key}))
            continue
        if roll < 0.12:
            out.append(rng.choice((b"", b"{not json", b"[1, 2]", b'{"v":1,"kind":"answer"}', b"\xff\xfe")))
            continue
        if rng.random() < 0.1:
            session = rng.choice(sessions)  # devices taking turns: sessions interleave
        rid = f"id{number}" if rng.random() < 0.97 else "id0"  # now and then an id again
        answered.append((rid, key))
        correct = rng.random() < 0.7
        record = {
            "v": 1,
            "app": "0.1.0",
            "kind": "answer",
            "id": rid,
            "time": stamp,
            "learner": "ana",
            "key": key,
            "type": f"t{rng.randrange(types)}",
            "response": rng.choice(RESPONSES),
            "correct": correct,
            "rating": rng.randint(2, 4) if correct else 1,
            "hinted": rng.random() < 0.1,
            "typo_forgiven": rng.random() < 0.05,
            "elapsed": rng.choice(ELAPSED),
        }
        if rng.random() < 0.1:
            record["revealed"] = rng.random() < 0.5
        record["session"] = session
        record["mode"] = rng.choice(("drill", "drill", "practice", "exam", "cram"))
        out.append(_dump(record))
    path.write_bytes(b"\n".join(out) + b"\n")


def _state(answers: _Answers) -> dict[str, Any]:
    """Everything the store holds, orders included; floats as their bytes (NaN equal)."""
    question = answers.live_rows(len(answers.keys) - 1)  # settles the questions' rows
    body, sections = answers.dump()
    return {
        "body": body,
        "sections": {name: bytes(column) for name, column in sections.items()},
        "keys": (answers.keys, list(answers.key_index.items())),
        "key_rows": [rows.tolist() for rows in answers.key_rows],
        "key_recent": answers.key_recent,
        "response": [(type(value), repr(value)) for value in answers.response],
        "tm": (answers.tm_pairs, list(answers.tm_index.items())),
        "sessions": (list(answers.session_index.items()), answers.sess_start, answers.sess_end),
        "counts": (answers.sess_answers, answers.sess_right, answers.total, answers.right),
        "days": (list(answers.day_answers.items()), list(answers.day_right.items())),
        "question": question,
    }


def _record_at_a_time(path: Path) -> _Answers:
    answers = _Answers()
    for record in LogReader(path, now=NOW):
        answers.feed(record)
    return answers


def _through_runs(path: Path, lane: Lane = EVERY) -> tuple[_Answers, int]:
    answers = _Answers()
    runs = 0
    for item in LogReader(path, now=NOW).items(lane):
        if isinstance(item, AnswerRun):
            runs += 1
            answers.feed_run(item)
        else:
            answers.feed(item)
    return answers, runs


@pytest.mark.parametrize("seed", range(8))
def test_runs_give_the_columns_of_feeding_records_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    path = tmp_path / "log.jsonl"
    _log(path, seed, 1500)
    want = _record_at_a_time(path)
    assert want.total > 1000 and want.right < want.total and want.key_recent
    assert any(value != value for value in want.elapsed)  # a null elapsed
    monkeypatch.setattr(answer_runs, "MIN_LINES", 1)
    for block, pending, scan in (
        (1 << 20, PENDING_ROWS, HOLD_SCAN),
        (6000, PENDING_ROWS, HOLD_SCAN),
        (700, PENDING_ROWS, HOLD_SCAN),
        (6000, 40, HOLD_SCAN),
        (700, 1, HOLD_SCAN),
        (700, PENDING_ROWS, 30),
    ):
        monkeypatch.setattr(store, "READ_BLOCK", block)
        # The grouping by question: at the end, or often, or at a rerate or undo.
        monkeypatch.setattr(history_runs, "PENDING_ROWS", pending)
        monkeypatch.setattr(history_runs, "HOLD_SCAN", scan)
        got, runs = _through_runs(path)
        assert runs > (0 if block == 1 << 20 else 10)
        assert _state(got) == _state(want)


def test_a_run_after_a_restore_and_undos_of_earlier_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs extend what earlier runs and records left: held-back answers, sessions, days."""
    path = tmp_path / "log.jsonl"
    _log(path, 11, 4000)
    monkeypatch.setattr(answer_runs, "MIN_LINES", 1)
    monkeypatch.setattr(store, "READ_BLOCK", 2000)
    got, runs = _through_runs(path)
    assert runs > 50
    assert _state(got) == _state(_record_at_a_time(path))


def test_more_than_255_question_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The (type, mode) pairs past the 255th are all "?": through runs as one at a time."""
    path = tmp_path / "log.jsonl"
    _log(path, 5, 3000, types=400)
    want = _record_at_a_time(path)
    assert len(want.tm_pairs) == 255 and ("?", "?") in want.tm_pairs
    monkeypatch.setattr(answer_runs, "MIN_LINES", 1)
    monkeypatch.setattr(store, "READ_BLOCK", 5000)
    got, runs = _through_runs(path)
    assert runs > 10
    assert _state(got) == _state(want)


def test_a_runs_times_are_those_of_the_records(tmp_path: Path) -> None:
    """`micros / 1e6` is `datetime.fromisoformat(time).timestamp()`, to the last bit."""
    rng = random.Random(2)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    for _ in range(20_000):
        micros = rng.randrange(0, 7 * 10**15)
        when = (epoch + timedelta(microseconds=micros)).isoformat(timespec="microseconds")
        assert micros / 1e6 == datetime.fromisoformat(when).timestamp()


def test_a_run_of_another_lane_gives_its_records(tmp_path: Path) -> None:
    """Any run: the schedule's lane carries too few fields for the columns, so its records."""
    path = tmp_path / "log.jsonl"
    _log(path, 3, 400)
    want = _record_at_a_time(path)
    got, runs = _through_runs(path, SCHEDULE)
    assert runs
    assert _state(got) == _state(want)


def test_past_255_pairs_all_are_odd_and_a_full_snapshot_still_takes_more() -> None:
    """Code 254 is kept for ("?", "?") (a code is a byte): a 256th pair crashed the store."""
    answers = _Answers()
    codes = [answers._new_pair((f"t{number}", "drill")) for number in range(300)]
    assert codes[:254] == list(range(254)) and set(codes[254:]) == {254}
    assert len(answers.tm_pairs) == 255 and answers.tm_pairs[254] == ("?", "?")
    body, sections = answers.dump()
    restored = _Answers.restore(json.loads(json.dumps(body)), dict(sections))
    assert restored._new_pair(("new", "exam")) == 254
    body["tm_pairs"][254] = ["t999", "drill"]  # from before code 254 was kept: rebuilt from the log
    with pytest.raises(ValueError):
        _Answers.restore(json.loads(json.dumps(body)), dict(sections))
