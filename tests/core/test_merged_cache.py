"""A learner with several device files opens from a snapshot of the merge, and only
when that gives exactly what reading every file whole gives.

Two devices take turns, as a student on a laptop and a lab machine does when git
brings each machine the other's sessions: each new session comes after the last,
so the snapshot is resumed. When something arrives that the snapshot cannot take
(an older session synced late, a conflict copy, a record id seen before, a file
gone), the files are read whole again; every case is checked against the replay
without any cache.
"""

from __future__ import annotations

import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core import merged_cache, replay_cache
from quiz.core.history import load_history
from quiz.core.logs import iter_learner_records
from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.replay_cache import replay_log
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, tzinfo=UTC)
SCHEDULER = Scheduler()
KEYS = [f"d/q{n}" for n in range(8)]


@pytest.fixture(autouse=True)
def _every_pass_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)


@pytest.fixture
def resumed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each merged pass resumed from its snapshot (True) or read whole (False)."""
    outcomes: list[bool] = []
    real = merged_cache._resume

    def spy(*args: Any, **kwargs: Any) -> Any:
        work = real(*args, **kwargs)
        outcomes.append(work is not None)
        return work

    monkeypatch.setattr(merged_cache, "_resume", spy)
    return outcomes


class Learner:
    """Sessions of answers (with an undo and a rerate now and then) on named devices."""

    def __init__(self, folder: Path, seed: int = 1) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.rng = random.Random(seed)
        self.when = T0
        self.n = 0

    def session(self, device: str, answers: int = 12, *, at: datetime | None = None) -> None:
        when = at if at is not None else self.when
        lines = []
        last: tuple[str, str] | None = None
        for _ in range(answers):
            self.n += 1
            when += timedelta(minutes=2)
            key = self.rng.choice(KEYS)
            correct = self.rng.random() < 0.7
            ident = f"{device}-{self.n}"
            record: dict[str, Any] = {
                "v": 1,
                "kind": "answer",
                "id": ident,
                "time": when.isoformat(),
                "key": key,
                "type": "choice",
                "response": "A" if correct else "B",
                "correct": correct,
                "rating": 3 if correct else 1,
                "session": f"{device}-{when:%j%H}",
                "mode": "drill",
            }
            lines.append(record)
            if last is not None and self.rng.random() < 0.15:
                kind = self.rng.choice(["undo", "rerate"])
                amend = {"v": 1, "kind": kind, "id": f"x{self.n}", "ref": last[1], "time": when.isoformat()}
                amend["key"] = last[0]
                if kind == "rerate":
                    amend["rating"] = 4
                lines.append(amend)
            last = (key, ident)
        with (self.folder / f"{device}.jsonl").open("a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(line) + "\n" for line in lines))
        if at is None:
            self.when = when + timedelta(hours=20)

    def logs(self) -> list[Path]:
        return sorted(self.folder.glob("*.jsonl"))


def seen(replayer: Replayer) -> Any:
    states = {
        key: (state.memory, state.answers, state.correct, state.first, state.last)
        for key, state in replayer.states.items()
    }
    return states, replayer.day_counts(), replayer.flags.to_json()


def reference(logs: list[Path]) -> tuple[Any, list[str]]:
    warnings: list[str] = []
    replayer = Replayer(SCHEDULER)
    replayer.feed_all(iter_learner_records(logs, warnings.append, now=NOW))
    replayer.finish()
    return seen(replayer), warnings


def cached(logs: list[Path], cache: Path) -> tuple[Any, list[str]]:
    warnings: list[str] = []
    replayer = replay_log(logs, SCHEDULER, on_warning=warnings.append, folder=cache, now=NOW)
    return seen(replayer), warnings


def check(learner: Learner, cache: Path) -> None:
    got, warnings = cached(learner.logs(), cache)
    want, want_warnings = reference(learner.logs())
    assert got == want
    assert sorted(warnings) == sorted(want_warnings)


def test_devices_taking_turns_resume_from_the_snapshot(tmp_path: Path, resumed: list[bool]) -> None:
    learner = Learner(tmp_path / "ana")
    cache = tmp_path / "cache"
    learner.session("laptop")
    learner.session("lab")
    check(learner, cache)
    for turn in range(6):
        learner.session("laptop" if turn % 2 else "lab", answers=5 + turn)
        check(learner, cache)
    assert resumed == [False] + [True] * 6


def test_a_session_synced_late_is_read_whole_then_resumed_again(tmp_path: Path, resumed: list[bool]) -> None:
    learner = Learner(tmp_path / "ana")
    cache = tmp_path / "cache"
    learner.session("laptop")
    learner.session("lab")
    check(learner, cache)
    learner.session("laptop", at=T0 + timedelta(minutes=30))  # done offline, before the lab's
    check(learner, cache)
    learner.session("lab")
    check(learner, cache)
    assert resumed == [False, False, True]


def test_a_conflict_copy_or_a_reused_id_or_a_lost_file_is_read_whole(tmp_path: Path, resumed: list[bool]) -> None:
    learner = Learner(tmp_path / "ana")
    cache = tmp_path / "cache"
    learner.session("laptop")
    learner.session("lab")
    check(learner, cache)
    shutil.copy(learner.folder / "lab.jsonl", learner.folder / "lab.sync-conflict-20260105-1.jsonl")
    check(learner, cache)  # every copied record counted once
    later = json.loads((learner.folder / "lab.jsonl").read_text().splitlines()[0])
    later |= {"time": (learner.when + timedelta(days=3)).isoformat(), "correct": not later["correct"]}
    with (learner.folder / "tablet.jsonl").open("w") as handle:
        handle.write(json.dumps(later) + "\n")  # an old id with new content: both copies left out
    check(learner, cache)
    (learner.folder / "lab.sync-conflict-20260105-1.jsonl").unlink()
    check(learner, cache)
    assert resumed == [False, False, False, False]
    learner.session("lab")
    check(learner, cache)
    assert resumed[-1] is True


def test_the_history_of_two_devices_is_the_same_warm_as_cold(tmp_path: Path, resumed: list[bool]) -> None:
    questions = tuple(
        ChoiceQuestion(deck="d", id=key.split("/")[1], prompt="?", choices=("A", "B"), answer="A") for key in KEYS
    )
    library = Library((Bank(deck="d", title="D", questions=questions),))
    scores = tmp_path / "scores"
    learner = Learner(scores / "ana")
    learner.session("laptop")
    learner.session("lab")
    cold = load_history(scores, "ana", library, now=NOW)
    learner.session("laptop")
    load_history(scores, "ana", library, now=NOW)
    warm = load_history(scores, "ana", library, now=NOW)
    assert resumed[-1] is True
    assert cold.answers < warm.answers
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_CACHE", "off")
        again = load_history(scores, "ana", library, now=NOW)
    assert warm == again
