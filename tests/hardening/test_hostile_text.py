"""Hostile text in every field of a bank and in a score file.

The TUI must show it all without crashing (home, a drill of every type with its
hint and feedback, the summary, history, help), show markup as typed, and let
nothing through that a terminal would act on: an escape sequence in a bank must
not clear the learner's screen, retitle the window or write the clipboard.
The command-line reports get the same hostile score file.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quiz.core.bank import load_paths
from quiz.reports import Format, history_command
from quiz.tui.app import QuizApp
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.summary import SummaryScreen
from tests.hardening.apps import NOW, make_app, shown_text
from tests.hardening.hostile import (
    ANSWER_KEYS,
    BANK,
    CONTROL,
    HOSTILE,
    TYPES,
    write_hostile_log,
)

SIZE = (120, 40)
Screens = dict[str, str]


async def visit_every_screen(tmp_path: Path) -> tuple[QuizApp, Screens]:
    """Drive the app through every screen on the hostile bank and score file; the
    screenshot (SVG, as drawn for the terminal) of each step, by step name."""
    write_hostile_log(tmp_path / "scores", "ana")
    app = make_app(tmp_path, BANK)
    shots: Screens = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        shots["home"] = app.export_screenshot()
        await pilot.press("p")  # practise the deck: every question, in bank order
        await pilot.pause()
        for qtype in TYPES:
            screen = app.screen
            assert isinstance(screen, DrillScreen), qtype
            assert screen.presented is not None and screen.presented.question.type == qtype
            assert "[@click=app.quit]q[/]" in shown_text(app)  # markup shown as typed
            if qtype in ("choice", "card"):
                await pilot.press("h")  # the hint (every type shows it the same way)
                await pilot.pause()
                assert "hint-" in shown_text(app)
            shots[f"ask {qtype}"] = app.export_screenshot()
            await pilot.press(*ANSWER_KEYS[qtype])
            await pilot.pause()
            assert screen.phase == "feedback", f"{qtype}: the keys did not answer"
            shots[f"feedback {qtype}"] = app.export_screenshot()
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shots["summary"] = app.export_screenshot()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("H")
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
        shots["history"] = app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        shots["help"] = app.export_screenshot()
        assert app.is_running  # no [@click=app.quit] ever ran
    return app, shots


_VISITED: list[Screens] = []
"""The screenshots of the first visit, so the second test need not drive the app again."""


async def screenshots(tmp_path: Path) -> Screens:
    """Every screen's screenshot, from one visit per test run."""
    if not _VISITED:
        _, shots = await visit_every_screen(tmp_path)
        _VISITED.append(shots)
    return _VISITED[0]


async def test_hostile_bank_and_log_go_through_every_screen(tmp_path: Path) -> None:
    _VISITED.clear()
    app, shots = await visit_every_screen(tmp_path)
    _VISITED.append(shots)
    assert len(shots) == 2 * len(TYPES) + 4
    assert app.return_code in (None, 0)


@pytest.mark.xfail(
    strict=True,
    reason="quiz/tui/widgets/base.py literal() (and the other Content/Text built from bank "
    "or log text) keeps control characters: ESC sequences from a bank reach the terminal "
    "(clear screen, window title, OSC 52 clipboard)",
)
async def test_no_control_character_from_a_bank_reaches_the_terminal(tmp_path: Path) -> None:
    shots = await screenshots(tmp_path)
    leaks = {step: sorted({repr(c) for c in CONTROL.findall(svg)}) for step, svg in shots.items()}
    assert not any(leaks.values()), {step: chars for step, chars in leaks.items() if chars}


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
