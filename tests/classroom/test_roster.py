"""`quiz report --roster`: 30 learners' repositories fetched with real git, one of them
missing, one holding a symbolic link to /etc/passwd, one learner name full of escape
sequences; and the gradebook export."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.cli import main
from tests.classroom.test_sync import record

HOSTILE = "eve\x1b]52;c;SGVsbG8=\x07\x1b[2J\x9b31m"


def make_repo(path: Path, learner: str, answers: int, *, symlink: bool = False) -> str:
    """A learner's repository with `answers` records in `learner/laptop-0001.jsonl`."""
    folder = path / learner
    folder.mkdir(parents=True)
    lines = [
        json.dumps({**record(n, "laptop"), "key": "clinton-putin-call/call-date", "id": f"{learner}-{n}"})
        for n in range(answers)
    ]
    (folder / "laptop-0001.jsonl").write_text("".join(line + "\n" for line in lines))
    if symlink:
        (folder / "reviews.jsonl").symlink_to("/etc/passwd")
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["-c", "user.name=t", "-c", "user.email=t@x", "commit", "-qm", "logs"],
    ):
        subprocess.run(["git", *args], cwd=path, check=True, capture_output=True)
    return path.as_uri()


def test_a_roster_of_30_reports_29_learners_and_says_what_failed(tmp_path: Path) -> None:
    rows = ["learner,url,email"]
    for n in range(30):
        name = f"learner{n:02d}"
        if n == 7:
            rows.append(f"{name},{(tmp_path / 'repos' / 'missing').as_uri()},{name}@school.example")
            continue
        shown = HOSTILE if n == 13 else name
        folder_name = "eve" if n == 13 else name
        url = make_repo(tmp_path / "repos" / name, folder_name, answers=1 + n % 3, symlink=(n == 21))
        rows.append(f'"{shown}",{url},{name}@school.example')
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {**os.environ, "QUIZ_CACHE": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "quiz", "report", "--roster", str(roster), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1  # one learner's repository could not be fetched
    data = json.loads(proc.stdout)
    learners = data["learners"]
    assert len(learners) == 30
    readable = [learner for learner in learners if not learner.get("error")]
    assert len(readable) == 29
    err_lines = proc.stderr.splitlines()
    missing = [line for line in err_lines if line.startswith("quiz report: learner07:")]
    assert len(missing) == 1 and "not found" in missing[0]
    refused = [line for line in err_lines if line.startswith("quiz report: learner21:")]
    assert len(refused) == 1 and "reviews.jsonl is a symbolic link in the repository; refused" in refused[0]
    assert next(learner for learner in learners if learner["name"] == "learner21")["answers"] == 1 + 21 % 3
    # Escape sequences are shown as visible text, never sent to the terminal.
    for stream in (proc.stdout, proc.stderr):
        assert "\x1b" not in stream and "\x9b" not in stream and "\x07" not in stream
    table = subprocess.run(
        [sys.executable, "-m", "quiz", "report", "--roster", str(roster)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert "\x1b" not in table.stdout and "\\x1b]52;c;SGVsbG8=" in table.stdout
    assert "root:" not in table.stdout + table.stderr  # /etc/passwd was never read


def test_the_gradebook_has_one_row_per_learner_keyed_by_email(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = ["learner,url,email"]
    for name, answers in (("ana", 2), ("ben", 3)):
        rows.append(f"{name},{make_repo(tmp_path / 'repos' / name, name, answers)},{name}@school.example")
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(rows) + "\n")
    grades = tmp_path / "grades.csv"
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    code = main(["report", "--roster", str(roster), "--gradebook", str(grades)], out, err)
    assert code == 0, err.getvalue()
    table = list(csv.reader(grades.open(encoding="utf-8")))
    assert table[0] == ["Identifier", "Learner", "Mastery %", "Accuracy %", "Answers", "Last activity"]
    assert [row[0] for row in table[1:]] == ["ana@school.example", "ben@school.example"]
    assert [row[4] for row in table[1:]] == ["2", "3"]
    assert all(row[3] == "100.0" for row in table[1:])
    assert main(["report", "--roster", str(roster), "--gradebook", str(grades)], out, err) == 1  # no overwrite
    assert "--force" in err.getvalue()
