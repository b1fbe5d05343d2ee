"""`quiz history` as the command line prints it: table, JSON, CSV (`quiz report`: test_report_cli.py)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from quiz.cli.reports import (
    HISTORY_CSV_COLUMNS,
    calendar_grid,
    clean,
    heat_level,
    history_command,
)
from quiz.core.history import DayCount

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday
DAY = timedelta(days=1)

BANK = """\
deck: geo
title: Geography
tags: [world]
questions:
  - id: capital
    prompt: Capital of France?
    choices: [Paris, Lyon, Nice]
    answer: Paris
  - id: rivers
    type: multi
    prompt: Which are rivers?
    choices: [Seine, Alps, Loire]
    answers: [Seine, Loire]
  - id: unseen
    prompt: Never asked?
    choices: ["yes", "no"]
    answer: "yes"
"""


def answer(
    key: str,
    when: datetime,
    correct: bool,
    response: Any,
    *,
    qtype: str = "choice",
    elapsed: float | None = 2.5,
    session: str = "s1",
    rid: str | None = None,
    learner: str = "ana",
) -> dict[str, Any]:
    """One answer record in the architecture's record format."""
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": rid or uuid.uuid4().hex,
        "time": when.isoformat(timespec="microseconds"),
        "learner": learner,
        "key": key,
        "type": qtype,
        "response": response,
        "correct": correct,
        "rating": 3 if correct else 1,
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": elapsed,
        "session": session,
        "mode": "drill",
    }


def undo(ref: str, key: str, when: datetime) -> dict[str, Any]:
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "undo",
        "id": uuid.uuid4().hex,
        "ref": ref,
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
        "session": "s1",
    }


def write_log(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def setup(tmp_path: Path) -> tuple[Path, Path]:
    """A bank folder and a scores folder with one learner, ana."""
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "geo.yaml").write_text(BANK, encoding="utf-8")
    scores = tmp_path / "scores"
    write_log(
        scores / "ana" / "reviews.jsonl",
        [
            answer("geo/capital", NOW - 2 * DAY, False, "Lyon", elapsed=4.0),
            answer("geo/capital", NOW - DAY, True, "Paris", elapsed=None),
            answer("geo/rivers", NOW - DAY, False, ["Loire", "Alps"], qtype="multi", rid="r1"),
            undo("r1", "geo/rivers", NOW - DAY + timedelta(seconds=3)),
            answer("geo/rivers", NOW - DAY, True, ["Seine", "Loire"], qtype="multi"),
            answer("old/removed", NOW - DAY, True, "x"),
        ],
    )
    return banks, scores


def run_history(tmp_path: Path, fmt: str, learner: str = "ana") -> tuple[int, str, str]:
    banks, scores = setup(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = history_command(learner, scores, [banks], fmt, out, err, now=NOW)
    return code, out.getvalue(), err.getvalue()


def test_history_table(tmp_path: Path) -> None:
    code, out, err = run_history(tmp_path, "table")
    assert code == 0 and err == ""
    assert "History of ana at 2026-03-10 12:00 UTC" in out
    assert "4 answers, 75% right" in out  # the undone answer does not count
    lines = out.splitlines()
    # Monday 9 March, the busiest day (3 answers): full shade. Sunday 8 March (1 of 3):
    # the second shade, ceil(4 * 1 / 3) = 2.
    sunday = next(line for line in lines if line.startswith("Sun "))
    monday = next(line for line in lines if line.startswith("Mon "))
    assert monday.endswith("██")
    assert sunday.endswith("▒▒")
    deck_row = next(line for line in lines if line.startswith("deck"))
    assert deck_row.split()[1:] == ["Geography", "3", "67%", "1", "2", "0"]
    assert "1 answer to 1 question no longer in the banks" in out


def test_history_empty_says_so(tmp_path: Path) -> None:
    code, out, _ = run_history(tmp_path, "table", learner="bob")
    assert code == 0
    assert "No answers yet." in out
    assert "Sessions" not in out


def test_history_bad_learner_name(tmp_path: Path) -> None:
    code, out, err = run_history(tmp_path, "table", learner="../x")
    assert code == 2 and out == ""
    assert "learner" in err


def test_history_json(tmp_path: Path) -> None:
    code, out, _ = run_history(tmp_path, "json")
    assert code == 0
    data = json.loads(out)
    assert data["answers"] == 4 and data["right"] == 3
    assert len(data["days"]) == 182 and data["days"][-1]["date"] == "2026-03-10"
    assert data["days"][-3] == {"date": "2026-03-08", "answers": 1, "right": 0}
    assert len(data["forecast"]) == 30
    assert data["decks"][0]["name"] == "geo" and data["decks"][0]["questions"] == 3
    assert data["tags"][0]["name"] == "world"
    assert data["unknown"]["answers"] == 1
    keys = [q["key"] for q in data["questions"]]
    assert keys == ["geo/capital", "geo/rivers", "old/removed"]
    assert data["questions"][2]["in_banks"] is False
    assert data["sessions"][0]["answers"] == 4


def test_history_csv_one_row_per_answer(tmp_path: Path) -> None:
    code, out, _ = run_history(tmp_path, "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert (
        tuple(rows[0])
        == HISTORY_CSV_COLUMNS
        == (
            "time",
            "key",
            "type",
            "response",
            "correct",
            "rating",
            "elapsed",
            "session",
            "mode",
        )
    )
    assert len(rows) == 5  # four answers: the undone one is left out
    assert rows[1] == [
        "2026-03-08T12:00:00+00:00",
        "geo/capital",
        "choice",
        "Lyon",
        "false",
        "1",
        "4.0",
        "s1",
        "drill",
    ]
    assert rows[2][6] == ""  # no time recorded
    assert rows[3][3] == '["Seine", "Loire"]'


def test_heat_levels_and_calendar() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    days = [DayCount(NOW.date() - timedelta(days=n), 0) for n in range(9, -1, -1)]
    grid = calendar_grid(days)
    # Sunday 1 March .. Tuesday 10 March: three week columns, Monday on top.
    assert [len(row) for row in grid] == [3] * 7
    assert grid[0][0] is None and grid[6][0] is not None
    assert grid[1][2] is not None and grid[2][2] is None


def test_clean_escapes_control_characters_only() -> None:
    assert clean("café – 東京") == "café – 東京"
    assert clean("a\nb\x07c\u202e") == "a b\\x07c\\u202e"


def test_reports_module_does_not_import_textual() -> None:
    code = "import sys, quiz.cli.reports; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
