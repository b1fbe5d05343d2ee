"""A `*.jsonl` symbolic link leading out of a learner's folder is never read, and is
said: in the teacher's `quiz report DIR` and in the learner's own `quiz history`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from quiz.cli import main
from tests.classroom.test_sync import record

KEY = "clinton-putin-call/call-date"
"""A question of a bundled bank, so the report can name its banks by itself."""


def write_log(path: Path, learner: str, answers: int, prefix: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({**record(n, "laptop"), "learner": learner, "key": KEY, "id": f"{prefix}-{n}"})
        for n in range(answers)
    ]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


@pytest.fixture
def scores(tmp_path: Path) -> Path:
    """alice: 2 answers of her own, a link to /etc/passwd and one to another log outside
    her folder (5 answers that would show if it were read); ben: 3 answers."""
    folder = tmp_path / "scores"
    write_log(folder / "alice" / "laptop-0001.jsonl", "alice", 2, "alice")
    write_log(tmp_path / "elsewhere" / "other.jsonl", "alice", 5, "stolen")
    (folder / "alice" / "x.jsonl").symlink_to("/etc/passwd")
    (folder / "alice" / "y.jsonl").symlink_to(tmp_path / "elsewhere" / "other.jsonl")
    (folder / "alice" / "inside.jsonl").symlink_to("laptop-0001.jsonl")  # stays inside: read (counted once)
    write_log(folder / "ben" / "lab-0002.jsonl", "ben", 3, "ben")
    return folder


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_report_says_which_links_it_refused_and_never_reads_them(scores: Path) -> None:
    code, out, err = run("report", str(scores), "--json")
    assert code == 0, err
    lines = err.splitlines()
    passwd = [line for line in lines if "x.jsonl" in line]
    assert passwd == [
        f"quiz report: {scores / 'alice' / 'x.jsonl'}: a symbolic link out of the learner's folder "
        "(to /etc/passwd); refused, not read"
    ]
    assert len([line for line in lines if "y.jsonl" in line and "refused, not read" in line]) == 1
    assert not [line for line in lines if "inside.jsonl" in line]
    learners = {learner["name"]: learner for learner in json.loads(out)["learners"]}
    assert learners["alice"]["answers"] == 2 and learners["ben"]["answers"] == 3  # the 5 outside are not counted
    assert "root:" not in out + err
    # The learner's folder given by itself says the same.
    code, out, err = run("report", str(scores / "alice"), "--json")
    assert code == 0 and err.count("refused, not read") == 2, err


def test_a_folder_of_nothing_but_links_out_reads_nothing_and_says_why(scores: Path, tmp_path: Path) -> None:
    lonely = tmp_path / "lonely" / "carol"
    lonely.mkdir(parents=True)
    (lonely / "reviews.jsonl").symlink_to("/etc/passwd")
    code, out, err = run("report", str(lonely.parent))
    assert code == 1
    assert "carol/reviews.jsonl: a symbolic link out of the learner's folder (to /etc/passwd); refused" in err
    assert "no score logs found" in err and "root:" not in out + err


def test_the_learners_own_history_warns_about_the_links(scores: Path) -> None:
    code, out, err = run("--scores", str(scores), "--learner", "alice", "history", "--json")
    assert code == 0, err
    assert f"quiz history: warning: {scores / 'alice' / 'x.jsonl'}: a symbolic link out of the learner's folder" in err
    assert err.count("refused, not read") == 2
    assert json.loads(out)["answers"] == 2
    assert "root:" not in out + err


def test_history_with_nothing_readable_fails(tmp_path: Path) -> None:
    folder = tmp_path / "scores" / "dan"
    folder.mkdir(parents=True)
    (folder / "reviews.jsonl").symlink_to("/etc/passwd")
    code, _, err = run("--scores", str(tmp_path / "scores"), "--learner", "dan", "history")
    assert code == 1
    assert "refused, not read" in err and "nothing could be read" in err and "Traceback" not in err
