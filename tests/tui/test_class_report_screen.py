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
        assert [str(cell) for cell in learners.get_row_at(3)][:6] == ["dan", "2", "50%", "20%", "1", "0 (0%)"]

        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


def test_snapshot_of_the_grid(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    """Generated with --snapshot-update and checked by eye; the cursor on cai's override."""
    assert snap_compare(report(tmp_path), press=["down", "down"], terminal_size=(100, 24))


async def test_learners_sort_by_a_column_and_enter_opens_a_history_or_the_choices(tmp_path: Path) -> None:
    from quiz.core.class_logs import learner_sources
    from quiz.core.history import history_of_logs
    from quiz.tui.screens.history import HistoryScreen
    from quiz.tui.screens.message import MessageScreen

    write_small_class(tmp_path / "room")
    logs, _ = find_learner_logs([tmp_path / "room"])
    built = build_class_report(logs, small_library(), now=NOW)
    opened: list[str] = []

    def open_history(learner):  # type: ignore[no-untyped-def]
        opened.append(learner.name)
        return history_of_logs(learner_sources(learner.path), small_library(), now=NOW, learner=learner.name)

    app = ClassReportApp(built, open_history)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = app.screen
        assert isinstance(screen, ClassReportScreen)
        screen.query_one(TabbedContent).active = "learners"
        await pilot.pause()
        learners = screen.query_one("#learners-table", DataTable)
        header = [str(column.label) for column in learners.columns.values()]
        assert header == ["Learner", "Answers", "Accuracy", "Mastery", "Seen", "1st right (score)", "Last activity"]
        answers = [int(str(learners.get_row_at(i)[1])) for i in range(learners.row_count)]
        screen.on_data_table_header_selected(
            DataTable.HeaderSelected(
                learners, list(learners.columns)[1], 1, learners.columns[list(learners.columns)[1]].label
            )
        )
        await pilot.pause()
        ascending = [int(str(learners.get_row_at(i)[1])) for i in range(learners.row_count)]
        assert ascending == sorted(answers)
        screen.on_data_table_header_selected(
            DataTable.HeaderSelected(
                learners, list(learners.columns)[1], 1, learners.columns[list(learners.columns)[1]].label
            )
        )
        await pilot.pause()
        assert [int(str(learners.get_row_at(i)[1])) for i in range(learners.row_count)] == sorted(answers, reverse=True)
        top = str(learners.get_row_at(0)[0])
        learners.focus()
        learners.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and opened == [top]
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one(TabbedContent).active = "questions"
        await pilot.pause()
        questions = screen.query_one("#questions-table", DataTable)
        questions.focus()
        questions.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        assert "first attempts" in app.screen.title_text and "Capital of France?" in app.screen.message
