"""One log per device, merged on reading: two devices of a learner, sync-tool
conflict copies, and records that disagree."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core.class_logs import find_learner_logs
from quiz.core.class_report import build_class_report
from quiz.core.device import DeviceError, device_name, validate_device
from quiz.core.history import load_history
from quiz.core.logs import log_files
from quiz.core.model import Bank, Library, TrueFalseQuestion
from quiz.core.replay_cache import replay_log
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def answer(n: int, key: str = "d/q1", minutes: int = 0, correct: bool = True, device: str = "x") -> dict[str, Any]:
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": f"{device}-{n}",
        "time": (T0 + timedelta(minutes=minutes)).isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
        "type": "truefalse",
        "response": correct,
        "correct": correct,
        "rating": 3 if correct else 1,
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": 2.0,
        "session": "s1",
        "mode": "drill",
    }


def library() -> Library:
    questions = tuple(
        TrueFalseQuestion(id=f"q{i}", deck="d", prompt=f"Statement {i}?", answer=True, file="d.yaml", line=i)
        for i in (1, 2, 3)
    )
    return Library((Bank(deck="d", title="D", questions=questions),))


def write(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def test_the_device_name_is_made_once_from_the_host_and_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("QUIZ_DEVICE", raising=False)
    monkeypatch.setenv("QUIZ_CONFIG", str(tmp_path))
    first = device_name()
    assert re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{4}", first)
    assert device_name() == first
    assert json.loads((tmp_path / "device.json").read_text()) == {"name": first}
    assert device_name({"QUIZ_DEVICE": "lab-3", "QUIZ_CONFIG": str(tmp_path)}) == "lab-3"
    store = Store(tmp_path / "scores", "ana")
    assert store.path == tmp_path / "scores" / "ana" / f"{first}.jsonl"


@pytest.mark.parametrize("name", ["", "Lab", "a/b", "con.txt", "-x", "x" * 42, "a b"])
def test_unusable_device_names_are_refused(name: str) -> None:
    with pytest.raises(DeviceError):
        validate_device(name)


def test_two_devices_write_their_own_files_and_read_one_history(tmp_path: Path) -> None:
    laptop = Store(tmp_path, "ana", device="laptop-1a2b")
    lab = Store(tmp_path, "ana", device="lab-9f00")
    laptop.append(answer(1, "d/q1", 0, device="laptop"))
    lab.append(answer(1, "d/q2", 5, device="lab"))
    laptop.append(answer(2, "d/q1", 10, correct=False, device="laptop"))
    lab.append(answer(2, "d/q3", 15, device="lab"))
    assert sorted(p.name for p in laptop.logs()) == ["lab-9f00.jsonl", "laptop-1a2b.jsonl"]
    assert laptop.path.read_text().count("\n") == 2 and lab.path.read_text().count("\n") == 2
    read = laptop.read()
    assert [r["id"] for r in read.records] == ["laptop-1", "lab-1", "laptop-2", "lab-2"]  # time order
    assert read.warnings == []
    states = replay_log(lab.logs(), Scheduler(Settings(fuzzing=False))).states
    assert set(states) == {"d/q1", "d/q2", "d/q3"} and states["d/q1"].answers == 2
    history = load_history(tmp_path, "ana", library(), now=T0 + timedelta(hours=1))
    assert history.answers == 4 and history.right == 3


def test_conflict_copies_of_sync_tools_count_each_record_once(tmp_path: Path) -> None:
    folder = tmp_path / "ana"
    records = [answer(n, f"d/q{n % 3 + 1}", n) for n in range(1, 7)]
    write(folder / "reviews.jsonl", records)
    write(folder / "reviews.sync-conflict-20260302-101010-ABCDEFG.jsonl", records[:4])
    write(folder / "reviews (conflicted copy 2026-03-02).jsonl", [*records[2:], answer(7, "d/q1", 30)])
    assert len(log_files(folder)) == 3
    read = Store(tmp_path, "ana", device="reviews").read()
    assert [r["id"] for r in read.records] == [f"x-{n}" for n in range(1, 8)]
    assert read.warnings == []
    logs, problems = find_learner_logs([tmp_path])
    assert problems == [] and logs == [("ana", folder)]
    report = build_class_report(logs, library(), now=T0 + timedelta(hours=1))
    assert report.learners[0].answers == 7


def test_a_record_id_with_two_different_contents_is_reported_not_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "ana"
    good = answer(1, "d/q1", 0)
    forged = {**good, "correct": False, "rating": 1}
    write(folder / "laptop-0001.jsonl", [good, answer(2, "d/q2", 1)])
    write(folder / "lab-0002.jsonl", [forged, answer(3, "d/q3", 2)])
    read = Store(tmp_path, "ana", device="laptop-0001").read()
    assert [r["id"] for r in read.records] == ["x-2", "x-3"]
    (warning,) = read.warnings
    assert "'x-1'" in warning and "laptop-0001.jsonl line 1" in warning and "lab-0002.jsonl line 1" in warning


def test_log_files_skip_symlinks_that_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ana"
    write(folder / "laptop-0001.jsonl", [answer(1)])
    outside = tmp_path / "secret.jsonl"
    write(outside, [answer(2)])
    (folder / "evil.jsonl").symlink_to(outside)
    (folder / "same.jsonl").symlink_to(folder / "laptop-0001.jsonl")
    names = [p.name for p in log_files(folder)]
    assert "evil.jsonl" not in names and "laptop-0001.jsonl" in names
    assert [r["id"] for r in Store(tmp_path, "ana", device="laptop-0001").read().records] == ["x-1"]
