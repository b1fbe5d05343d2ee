"""The class report's screen (`quiz report --tui`), driven with Textual's pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import DataTable, Static, TabbedContent

from quiz.core.class_logs import find_learner_logs
from quiz.core.class_report import build_class_report
from quiz.tui.screens.class_report import ClassReportApp, ClassReportScreen
from tests.core.test_class_report import NOW, small_library, write_small_class


def report(tmp_path: Path) -> ClassReportApp:
    write_small_class(tmp_path / "room")
    logs, _ = find_learner_logs([tmp_path / "room"])
    return ClassReportApp(build_class_report(logs, small_library(), now=NOW))


def detail(screen: ClassReportScreen) -> str:
    return str(screen.query_one("#cell-detail", Static).render())


async def test_the_grid_shows_first_attempts_and_explains_the_cell(tmp_path: Path) -> None:
    app = report(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassReportScreen)
        grid = screen.query_one("#grid-table", DataTable)
        rows = [[str(cell) for cell in grid.get_row_at(i)] for i in range(grid.row_count)]
        assert rows == [
            ["ana", "✗", "✓", "✓", "1"],
            ["ben", "✓", "✗", "✗", "3"],
            ["cai", "!", "✓", "·", "4"],
            ["dan", "✗", "·", "·", "·"],
        ]
        # The cursor starts on ana's first question: her undone wrong answer.
        text = detail(screen)
        assert "ana on Q1 t/q1: wrong at the first attempt" in text
        assert "Capital of France?" in text and "1 of 4 right first (25%)" in text
        await pilot.press("down", "down")
        await pilot.pause()
        assert "cai on Q1 t/q1: graded wrong at the first attempt, then declared right" in detail(screen)
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert "cai on Q4 t/q4: self-grade 4" in detail(screen)

        screen.query_one(TabbedContent).active = "questions"
        await pilot.pause()
        questions = screen.query_one("#questions-table", DataTable)
        assert str(questions.get_row_at(2)[1]) == "The ___ flows through Paris."
        assert str(questions.get_row_at(0)[5]) == "n/a (fewer than 10 learners)"
        learners = screen.query_one("#learners-table", DataTable)
        assert [str(cell) for cell in learners.get_row_at(3)] == ["dan", "1", "0 (0%)", "2", "50%", "20%"]

        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


def test_snapshot_of_the_grid(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    """Generated with --snapshot-update and checked by eye; the cursor on cai's override."""
    assert snap_compare(report(tmp_path), press=["down", "down"], terminal_size=(100, 24))
