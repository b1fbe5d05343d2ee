"""The block lane (`quiz.core.answer_runs`) is a speed-up only: whatever a log holds,
`LogReader.items()` stands for the records, warnings, offsets and line counts that
reading it line by line gives, and a replay or history fed through it is the same."""

from __future__ import annotations

import gc
import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core import answer_runs, store
from quiz.core.answer_runs import EVERY, SCHEDULE, AnswerRun, Lane
from quiz.core.replay_cache import replay_log
from quiz.core.scheduling import Scheduler
from quiz.core.store import LogReader, StoreError

NOW = datetime(2030, 1, 1, tzinfo=UTC)


def _answer(rng: random.Random, n: int) -> dict[str, Any]:
    when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=n * 7, microseconds=rng.randrange(10**6))
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": f"a{n}",
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": f"deck/q{rng.randrange(12)}",
        "type": "choice",
        "response": rng.choice(["x", ["a", "b"], {"k": "v"}, 3, None]),
        "correct": rng.random() < 0.7,
        "rating": rng.randint(1, 4),
        "hinted": rng.random() < 0.1,
        "typo_forgiven": False,
        "elapsed": rng.choice([4.21, 0, None, 12]),
        "session": "s1",
        "mode": rng.choice(["drill", "drill", "cram", "exam"]),
    }


def _odd_line(rng: random.Random, n: int, good: dict[str, Any]) -> bytes:
    """A line the lane must hand to the full path, or one it must take exactly as the full path does."""
    roll = rng.randrange(16)
    if roll == 0:
        return b""
    if roll == 1:
        return b"{not json"
    if roll == 2:  # not a day of the calendar
        return _dump({**good, "time": "2023-02-29T10:00:00.000000+00:00"})
    if roll == 3:
        return _dump({**good, "time": "2099-01-01T00:00:00.000000+00:00"})  # in the future
    if roll == 4:
        return _dump({**good, "time": "1969-12-31T23:59:59.999999+00:00"})  # before 1970
    if roll == 5:
        return _dump({**good, "time": "2024-03-01T10:00:00.000000+02:00"})  # another zone
    if roll == 6:
        return _dump({**good, "time": "2024-03-01T10:00:00+00:00"})  # no microseconds
    if roll == 7:
        return _dump({**good, "key": "k" * 257})
    if roll == 8:
        return _dump({**good, "session": "s" * 256, "app": "a" * 257})
    if roll == 9:
        return _dump({**good, "elapsed": 1e-05})
    if roll == 10:
        return _dump({**good, "elapsed": 20_000_000})
    if roll == 11:
        return _dump({**good, "time": "2024-0\u0663-01T10:00:00.000000+00:00"})  # an Arabic-Indic digit
    if roll == 12:
        return json.dumps({"v": 1, "kind": "undo", "id": f"u{n}", "ref": f"a{n - 1}", "time": good["time"],
                           "key": good["key"]}).encode()  # fmt: skip
    if roll == 13:
        return _dump({**good, "revealed": True})
    if roll == 14:
        return b"\xff\xfe" + _dump(good)  # not UTF-8
    return _dump({**good, "key": "deck/\u00e9t\u00e9 ", "time": "2024-12-31T23:59:59.999999+00:00"})


def _dump(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()


def _log(path: Path, seed: int, lines: int = 600) -> None:
    rng = random.Random(seed)
    out = []
    for n in range(lines):
        good = _answer(rng, n)
        out.append(_odd_line(rng, n, good) if rng.random() < 0.15 else _dump(good))
    if seed % 2:
        out[0] = b"\xef\xbb\xbf" + out[0]
    path.write_bytes(b"\n".join(out) + b"\n" + _dump(_answer(rng, lines))[: -(seed % 3)])


def _read(path: Path, lane: Lane | None) -> tuple[list[Any], list[str], int, int, int, Any, int]:
    warnings: list[str] = []
    reader = LogReader(path, warnings.append, now=NOW)
    got: list[Any] = []
    runs = 0
    for item in reader if lane is None else reader.items(lane):
        if isinstance(item, AnswerRun):
            runs += 1
            got.extend(item.records())
        else:
            got.append(item)
    return got, warnings, reader.offset, reader.lines, reader.future, reader.tail, runs


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("lane", [EVERY, SCHEDULE], ids=["every", "schedule"])
def test_the_lane_reads_what_reading_line_by_line_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, lane: Lane
) -> None:
    path = tmp_path / "log.jsonl"
    _log(path, seed)
    records, warnings, offset, lines, future, tail, _ = _read(path, None)
    assert len(records) > 300 and warnings  # the log holds both kinds of lines
    monkeypatch.setattr(answer_runs, "MIN_LINES", 1)
    monkeypatch.setattr(store, "LANE_BYTES", 0)
    for block in (1 << 20, 5000, 333):
        monkeypatch.setattr(store, "READ_BLOCK", block)
        got = _read(path, lane)
        assert got[:6] == (records, warnings, offset, lines, future, tail)
        assert got[6] > 0  # the lane was taken


def test_a_run_gives_its_fields_and_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.jsonl"
    rng = random.Random(3)
    answers = [_answer(rng, n) for n in range(300)]
    path.write_bytes(b"".join(_dump(record) + b"\n" for record in answers))
    monkeypatch.setattr(store, "LANE_BYTES", 0)
    items = list(LogReader(path, now=NOW).items(SCHEDULE))
    assert len(items) == 1 and isinstance(items[0], AnswerRun)  # a block of 300 lines: one run
    run = items[0]
    assert run.column("key") == [record["key"] for record in answers]
    assert run.column("mode") == [record["mode"] for record in answers]
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    expected = [(datetime.fromisoformat(r["time"]) - epoch) // timedelta(microseconds=1) for r in answers]
    assert run.times == expected
    monkeypatch.setattr(answer_runs, "MIN_LINES", 301)
    assert all(isinstance(item, dict) for item in LogReader(path, now=NOW).items(SCHEDULE))  # too short


def test_a_replay_through_the_lane_is_the_replay_line_by_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.jsonl"
    _log(path, 7, lines=3000)
    monkeypatch.setattr(store, "LANE_BYTES", 0)
    through = replay_log(path, Scheduler(), day=NOW.date(), folder=None, now=NOW)
    monkeypatch.setattr(answer_runs, "MIN_LINES", 10**9)
    line_by_line = replay_log(path, Scheduler(), day=NOW.date(), folder=None, now=NOW)
    assert through.states == line_by_line.states and len(through.states) == 13  # 12, and one with an accent
    assert through.day_counts() == line_by_line.day_counts()


def test_the_collector_is_on_again_after_a_pass_even_one_that_fails(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    _log(path, 1)
    assert gc.isenabled()
    replay_log(path, Scheduler(), folder=None, now=NOW)
    assert gc.isenabled()
    with pytest.raises(StoreError):
        replay_log(tmp_path, Scheduler(), folder=None, now=NOW)  # a folder, not a log
    assert gc.isenabled()


def test_a_short_log_is_read_without_importing_numpy(tmp_path: Path) -> None:
    """A start on a log of a few thousand answers must not pay numpy's import (the lane
    would; it is worth it only from `LANE_BYTES` on)."""
    path = tmp_path / "log.jsonl"
    _log(path, 2, lines=2000)
    script = (
        "import sys; from pathlib import Path; from quiz.core.replay_cache import replay_log;"
        "from quiz.core.scheduling import Scheduler;"
        f"replay_log(Path({str(path)!r}), Scheduler(), folder=None); print('numpy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_class_report_through_the_lane_is_the_report_line_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_history import NOW as REPORT_NOW
    from bench_history import write_log

    from quiz.core.bank import bundled_questions_dir, load_paths
    from quiz.core.class_logs import find_learner_logs
    from quiz.core.class_report import build_class_report

    library, _ = load_paths([bundled_questions_dir()])
    keys = [question.key for question in library.questions][:40]
    for index in range(3):
        write_log(tmp_path / "room" / f"l{index}" / "reviews.jsonl", f"l{index}", 700, keys, seed=index)
    monkeypatch.setenv("QUIZ_CACHE", "off")
    logs, _ = find_learner_logs([tmp_path / "room"])
    monkeypatch.setattr(store, "LANE_BYTES", 1)  # the report imports numpy at its first log
    through = build_class_report(logs, library, now=REPORT_NOW)
    assert "numpy" in sys.modules
    monkeypatch.setattr(answer_runs, "MIN_LINES", 10**9)
    line_by_line = build_class_report(logs, library, now=REPORT_NOW)
    assert through == line_by_line and through.learners
