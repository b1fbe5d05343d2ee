"""Teacher-facing output (issue 18, points 3 and 4): whatever a learner puts in a
folder name, a key, a response or any other log field, and whatever a bank's
messages quote, no format of `quiz history`, `quiz report` or `quiz check` sends a
control character to the terminal, stdout or stderr: tables show `\\x1b`, JSON
writes `\\u001b` (and `\\u009b`, the 8-bit CSI), CSV cells are cleaned and never a
spreadsheet formula. The data itself survives: JSON decodes to the same strings.

A class report goes on past an unreadable learner (a folder where the log should
be, an I/O error) and lists them with the reason, escaped; it does not follow a
learner's `reviews.jsonl` symbolic link out of their folder.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.core.class_logs import find_learner_logs, learner_sources
from quiz.core.class_report import build_class_report
from quiz.core.model import Library
from quiz.core.store import LOG_NAME, StoreError
from quiz.core.text import csv_cell, json_text
from tests.hardening.hostile import BANK, CONTROL, HOSTILE, hostile, write_hostile_log

C1 = "\x9b31m"
"""The 8-bit CSI: one character a terminal takes as ESC [."""
EVIL_NAME = "eve\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07\x9b2J"
"""A learner folder name: OSC 52 clipboard write, a title change, an 8-bit clear screen."""


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "bank.yaml").write_text(BANK, encoding="utf-8")
    return folder


@pytest.fixture
def classroom(tmp_path: Path) -> Path:
    """Two learners with hostile logs, one of them in a folder named with escape sequences."""
    folder = tmp_path / "class"
    write_hostile_log(folder, "ana")
    write_hostile_log(folder, EVIL_NAME)
    return folder


def assert_nothing_acts(*texts: str) -> None:
    for text in texts:
        found = sorted({repr(char) for char in CONTROL.findall(text)})
        assert not found, f"control characters reach the terminal: {found}"


@pytest.mark.parametrize("fmt", [[], ["--json"]])
def test_quiz_report_escapes_every_format(banks: Path, classroom: Path, fmt: list[str]) -> None:
    code, out, err = run("--questions", str(banks), "report", str(classroom), *fmt)
    assert code == 0, err
    assert_nothing_acts(out, err)
    if fmt == ["--json"]:
        data = json.loads(out)
        assert EVIL_NAME in [learner["name"] for learner in data["learners"]], "the data is unchanged"
        assert "\\u009b" in out and "\\u001b" in out
    if fmt == ["--csv"]:
        rows = list(csv.reader(io.StringIO(out)))
        assert any(row[1].startswith("eve\\x1b]52") for row in rows if row[0] == "learner")


@pytest.mark.parametrize("fmt", [[], ["--json"], ["--csv"]])
def test_quiz_history_escapes_every_format(banks: Path, tmp_path: Path, fmt: list[str]) -> None:
    write_hostile_log(tmp_path / "scores", "ana")
    code, out, err = run(
        "--scores", str(tmp_path / "scores"), "--learner", "ana", "--questions", str(banks), "history", *fmt
    )
    assert code == 0, err
    assert_nothing_acts(out, err)
    if fmt == ["--json"]:
        sessions = [session["session"] for session in json.loads(out)["sessions"]]
        assert hostile("session", False) in sessions, "the data is unchanged"


def test_quiz_check_json_escapes_the_8_bit_csi(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(
        'questions:\n- id: a\n  prompt: p\n  choices: [a, b]\n  answer: "z\\x9b2J\\e]0;t\\a"\n',
        encoding="utf-8",
    )
    code, out, err = run("check", "--format", "json", str(path))
    assert code == 1
    assert_nothing_acts(out, err)
    assert "z\x9b2J\x1b]0;t\x07" in json.loads(out)[0]["message"]
    code, out, err = run("check", str(path))
    assert code == 1
    assert_nothing_acts(out, err)


def test_check_errors_on_stderr_are_escaped(tmp_path: Path) -> None:
    code, out, err = run("check", str(tmp_path / f"missing{EVIL_NAME}.yaml"))
    assert code == 2 and "missing" in err
    assert_nothing_acts(out, err)


def test_json_text_escapes_controls_and_keeps_the_data() -> None:
    data = {"text": HOSTILE, "c1": C1, "beyond": "\U000e0001 tag", "line": "a\u2028b", "plain": "é 中 🙂"}
    text = json_text(data, indent=2)
    assert_nothing_acts(text)
    assert "\u202e" not in text and "\U000e0001" not in text and "\u2028" not in text
    assert "é 中 🙂" in text, "printable text stays readable"
    assert json.loads(text) == data


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-5", "-5"),
        ("+1.5", "+1.5"),
        ("plain", "plain"),
        ("two\nlines\x1b[2J", "two\nlines\\x1b[2J"),
        (3, 3),
    ],
)
def test_csv_cells_are_clean_and_never_formulas(cell: object, shown: object) -> None:
    assert csv_cell(cell) == shown


# --------------------------------------------------------------------------- unreadable learners


def test_an_unreadable_learner_is_listed_and_the_report_goes_on(banks: Path, classroom: Path) -> None:
    broken = classroom / f"zed{EVIL_NAME}"
    (broken / LOG_NAME).mkdir(parents=True)  # a folder where the log should be: it cannot be read
    for fmt in ([], ["--json"]):
        code, out, err = run("--questions", str(banks), "report", str(classroom), *fmt)
        assert code in (0, 1), err
        assert_nothing_acts(out, err)
        assert "ana" in out
        assert "a folder is in the way" in out + err


def test_an_io_error_in_one_log_leaves_the_others(banks: Path, classroom: Path) -> None:
    """Any `StoreError` (an I/O error, a permission) is the same case as above."""
    logs, _ = find_learner_logs([classroom])
    failing = logs[0][1]

    def records(path: Path, warn: object) -> object:
        if path == failing:
            raise StoreError(f"Could not read {path}: input/output error (the disk may be failing)")
        from quiz.core.logs import iter_learner_records

        return iter_learner_records(learner_sources(path))

    from datetime import UTC, datetime

    report = build_class_report(logs, Library(()), now=datetime(2026, 1, 5, tzinfo=UTC), open_records=records)  # type: ignore[arg-type]
    errors = [learner.error for learner in report.learners]
    assert errors[0] is not None and "input/output error" in errors[0]
    assert errors[1] is None
    assert any("input/output error" in warning for warning in report.warnings)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads mode-000 files")
def test_a_mode_000_log_is_listed(banks: Path, classroom: Path) -> None:
    log = classroom / "ana" / LOG_NAME
    log.chmod(0)
    try:
        code, out, _err = run("--questions", str(banks), "report", str(classroom))
    finally:
        log.chmod(0o600)
    assert code == 1 and "permission denied" in out


def test_a_symlinked_log_out_of_the_folder_is_not_followed(banks: Path, tmp_path: Path, classroom: Path) -> None:
    secret = tmp_path / "teacher" / "private.jsonl"
    secret.parent.mkdir()
    secret.write_text('{"secret": "the teacher\'s file"}\n', encoding="utf-8")
    (classroom / "mallory").mkdir()
    (classroom / "mallory" / LOG_NAME).symlink_to(secret)
    code, out, err = run("--questions", str(banks), "report", str(classroom), "--json")
    assert code == 0, err
    names = [learner["name"] for learner in json.loads(out)["learners"]]
    assert "mallory" not in names and "ana" in names
    assert "the teacher's file" not in out + err


def test_a_symlink_within_the_folder_is_followed(banks: Path, classroom: Path) -> None:
    folder = classroom / "ana"
    (folder / "real.jsonl").write_bytes((folder / LOG_NAME).read_bytes())
    (folder / LOG_NAME).unlink()
    (folder / LOG_NAME).symlink_to("real.jsonl")
    logs, problems = find_learner_logs([classroom])
    assert "ana" in [name for name, _ in logs] and not problems
