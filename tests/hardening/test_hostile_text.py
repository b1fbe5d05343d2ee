"""Hostile text in every field of a bank and in a score file.

The TUI must show it all without crashing (home, a drill of every type with its
hint and feedback, the summary, history, help: see `journey.py`), show markup as typed, and let
nothing through that a terminal would act on: an escape sequence in a bank must
not clear the learner's screen, retitle the window or write the clipboard.
The command-line reports get the same hostile score file.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from quiz.cli import main
from quiz.cli.reports import Format, history_command
from quiz.core.bank import load_paths
from tests.hardening.apps import NOW
from tests.hardening.hostile import BANK, CONTROL, HOSTILE, TYPES, write_hostile_log
from tests.hardening.journey import JOURNEY, trip


@JOURNEY
async def test_hostile_bank_and_log_go_through_every_screen(tmp_path: Path) -> None:
    seen = await trip(tmp_path)
    assert seen.still_running  # no [@click=app.quit] ever ran
    assert set(seen.shots) == {
        "home",
        "summary",
        "history",
        "help",
        *(f"{phase} {qtype}" for qtype in TYPES for phase in ("asking", "feedback")),
    }
    # Markup is shown as typed, wherever bank text appears.
    assert "[@click=app.quit]q[/]" in seen.shown["asking choice"]
    assert "[link=file:///etc/passwd]l[/link]" in seen.shown["feedback choice"]
    assert "prompt-card" in seen.shown["asking card"] and "hint-card" in seen.shown["asking card"]
    assert "explanation-match" in seen.shown["feedback match"]


@JOURNEY
async def test_no_control_character_from_a_bank_reaches_the_terminal(tmp_path: Path) -> None:
    seen = await trip(tmp_path)
    leaks = [
        f"{state}: {' '.join(sorted({repr(c) for c in found}))}"
        for state, svg in seen.shots.items()
        if (found := CONTROL.findall(svg))
    ]
    assert not leaks, "control characters drawn on:\n" + "\n".join(leaks)


def test_history_command_prints_a_hostile_score_file_safely(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "bank.yaml").write_text(BANK, encoding="utf-8")
    library, problems = load_paths([banks])
    assert not problems and library.questions
    write_hostile_log(tmp_path / "scores", "ana")
    formats: tuple[Format, ...] = ("table", "json", "csv")
    for fmt in formats:
        out, err = io.StringIO(), io.StringIO()
        code = history_command(
            scores_dir=tmp_path / "scores",
            learner="ana",
            question_paths=[banks],
            fmt=fmt,
            now=NOW,
            out=out,
            err=err,
        )
        assert code == 0, err.getvalue()
        assert "warning" in err.getvalue() or fmt != "csv"  # the non-JSON line is reported
        if fmt == "table":
            assert not CONTROL.search(out.getvalue()), "control characters in the table"
        assert not CONTROL.search(err.getvalue()), "control characters in the warnings"
    assert HOSTILE  # the payload the file was built from


def test_quiz_report_prints_hostile_score_files_safely(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "bank.yaml").write_text(BANK, encoding="utf-8")
    write_hostile_log(tmp_path / "class", "ana")
    write_hostile_log(tmp_path / "class", "bob")
    for extra in ([], ["--json"]):
        out, err = io.StringIO(), io.StringIO()
        code = main(["--questions", str(banks), "report", str(tmp_path / "class"), *extra], out, err)
        assert code == 0, err.getvalue()
        if extra:
            json.loads(out.getvalue())
        else:
            assert "ana" in out.getvalue() and not CONTROL.search(out.getvalue())
        assert not CONTROL.search(err.getvalue())
