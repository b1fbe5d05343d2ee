"""`quiz sync`: two devices of one learner, a rejected push, no git identity, no git."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.core.gitsync import GitError, sync, unsynced
from quiz.core.store import Store
from tests.classroom.conftest import git

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def record(n: int, device: str) -> dict[str, Any]:
    return {
        "v": 1,
        "kind": "answer",
        "id": f"{device}-{n}",
        "time": (T0 + timedelta(minutes=n)).isoformat(),
        "learner": "ana",
        "key": f"d/q{n}",
        "type": "truefalse",
        "response": True,
        "correct": True,
        "rating": 3,
    }


def run(scores: Path, *argv: str, device: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("QUIZ_DEVICE")
    os.environ["QUIZ_DEVICE"] = device
    try:
        code = main(["--scores", str(scores), "--learner", "ana", *argv], out, err)
    finally:
        if old is None:
            os.environ.pop("QUIZ_DEVICE", None)
        else:
            os.environ["QUIZ_DEVICE"] = old
    return code, out.getvalue(), err.getvalue()


def ids(scores: Path, device: str) -> list[str]:
    return sorted(r["id"] for r in Store(scores, "ana", device=device).read().records)


def test_two_devices_syncing_in_turns_end_with_every_answer_once_on_both(
    tmp_path: Path, bare: Callable[[str], str]
) -> None:
    url = bare("ana")
    laptop, lab = tmp_path / "laptop" / "scores", tmp_path / "lab" / "scores"
    code, out, err = run(laptop, "sync", "--init", url, device="laptop-0001")
    assert code == 0, err
    assert "cloned" in out
    code, _, err = run(lab, "sync", "--init", url, device="lab-0002")
    assert code == 0, err
    for turn in range(3):
        Store(laptop, "ana", device="laptop-0001").append(record(turn * 2, "laptop"))
        Store(lab, "ana", device="lab-0002").append(record(turn * 2 + 1, "lab"))
        assert unsynced(laptop / "ana") == 1
        for scores, device in ((laptop, "laptop-0001"), (lab, "lab-0002")):
            code, out, err = run(scores, "sync", device=device)
            assert code == 0, err
    code, _, err = run(laptop, "sync", device="laptop-0001")  # gets lab's last answer
    assert code == 0, err
    expected = sorted([f"laptop-{n}" for n in (0, 2, 4)] + [f"lab-{n}" for n in (1, 3, 5)])
    assert ids(laptop, "laptop-0001") == expected == ids(lab, "lab-0002")
    assert unsynced(laptop / "ana") == 0 and unsynced(lab / "ana") == 0
    # Commits name the learner, the count and the device; with no identity configured, the learner is the author.
    log = git("log", "--format=%an|%s", cwd=laptop)
    assert "ana|quiz: ana@lab-0002: 1 answer" in log and "ana|quiz: ana@laptop-0001: 1 answer" in log
    assert "*.jsonl merge=union" in (laptop / ".gitattributes").read_text()
    assert not git("ls-files", "*.lock", cwd=laptop).strip()


def test_a_rejected_push_keeps_the_records_and_the_next_sync_sends_them(
    tmp_path: Path, bare: Callable[[str], str]
) -> None:
    url = bare("ana")
    scores = tmp_path / "scores"
    assert run(scores, "sync", "--init", url, device="laptop-0001")[0] == 0
    hook = Path(url.removeprefix("file://")) / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed today' >&2\nexit 1\n")
    hook.chmod(0o755)
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, _, err = run(scores, "sync", device="laptop-0001")
    assert code == 1
    assert err.startswith("quiz sync: git push") and "Traceback" not in err and err.count("\n") == 1
    assert ids(scores, "laptop-0001") == ["laptop-1"]  # on disk, and committed locally
    hook.unlink()
    code, _, err = run(scores, "sync", "-v", device="laptop-0001")
    assert code == 0, err
    assert "$ git push" in err  # -v shows every git command
    remote_log = git("log", "--format=%s", "main", cwd=Path(url.removeprefix("file://")))
    assert "quiz: ana@laptop-0001: 1 answer" in remote_log


def test_failures_are_one_sentence_and_lose_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = tmp_path / "scores"
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, _, err = run(scores, "sync", device="laptop-0001")
    assert code == 1 and "not in a git repository" in err and "quiz sync --init" in err
    assert unsynced(scores / "ana") is None
    code, out, err = run(scores, "sync", "--init", (tmp_path / "nowhere.git").as_uri(), device="laptop-0001")
    assert "now syncs with" in out  # an existing folder gets the remote; reaching it then fails
    assert code == 1 and "not found (check the URL)" in err, err
    code, _, err = run(scores, "sync", device="laptop-0001")
    assert code == 1 and "not found" in err, err
    assert ids(scores, "laptop-0001") == ["laptop-1"]
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError, match="git is not installed"):
        sync(scores, "ana", "laptop-0001")


def test_a_commit_only_takes_the_learners_logs(tmp_path: Path, bare: Callable[[str], str]) -> None:
    url = bare("ana")
    scores = tmp_path / "scores"
    assert run(scores, "sync", "--init", url, device="laptop-0001")[0] == 0
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    (scores / "notes.txt").write_text("private")
    (scores / "ben").mkdir()
    (scores / "ben" / "x.jsonl").write_text(json.dumps(record(9, "ben")) + "\n")
    assert run(scores, "sync", device="laptop-0001")[0] == 0
    tracked = git("ls-files", cwd=scores).split()
    assert "ana/laptop-0001.jsonl" in tracked and "notes.txt" not in tracked and "ben/x.jsonl" not in tracked


def other_record(n: int, kind: str, ref: str = "") -> dict[str, Any]:
    """An undo, rerate, suspend, unsuspend or bury record: not an answer."""
    extras: dict[str, dict[str, Any]] = {
        "undo": {"ref": ref},
        "rerate": {"ref": ref, "rating": 4},
        "bury": {"until": (T0 + timedelta(days=1)).isoformat()},
    }
    extra = extras.get(kind, {})
    base = {"v": 1, "kind": kind, "id": f"{kind}-{n}", "time": (T0 + timedelta(minutes=n)).isoformat(), "key": "d/q1"}
    return {**base, **extra}


def test_the_commit_message_counts_answers_not_lines(tmp_path: Path, bare: Callable[[str], str]) -> None:
    url = bare("ana")
    scores = tmp_path / "scores"
    assert run(scores, "sync", "--init", url, device="laptop-0001")[0] == 0
    store = Store(scores, "ana", device="laptop-0001")
    for n in range(1, 4):
        store.append(record(n, "laptop"))
    store.append(other_record(4, "undo", ref="laptop-3"))
    store.append(other_record(5, "rerate", ref="laptop-2"))
    store.append(other_record(6, "suspend"))
    store.append(other_record(7, "unsuspend"))
    store.append(other_record(8, "bury"))
    assert unsynced(scores / "ana") == 3  # the home screen's "n answers not yet synced"
    code, out, err = run(scores, "sync", device="laptop-0001")
    assert code == 0, err
    assert "synced: 3 answers (and 5 other records) sent" in out
    subjects = git("log", "--format=%s", "main", cwd=Path(url.removeprefix("file://"))).splitlines()
    assert subjects[0] == "quiz: ana@laptop-0001: 3 answers (and 5 other records)"
    # Only other records: no answer is claimed.
    store.append(other_record(9, "suspend"))
    code, out, err = run(scores, "sync", device="laptop-0001")
    assert code == 0, err
    assert unsynced(scores / "ana") == 0
    subjects = git("log", "--format=%s", "main", cwd=Path(url.removeprefix("file://"))).splitlines()
    assert subjects[0] == "quiz: ana@laptop-0001: 0 answers (and 1 other record)"
    store.append(record(10, "laptop"))
    assert run(scores, "sync", device="laptop-0001")[0] == 0
    assert git("log", "-1", "--format=%s", cwd=scores).strip() == "quiz: ana@laptop-0001: 1 answer"
