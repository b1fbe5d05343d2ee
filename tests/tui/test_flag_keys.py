"""Suspend and bury from the feedback screen; unsuspend from the history screen."""

from __future__ import annotations

from pathlib import Path

from quiz.core.store import iter_records
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.history import HistoryScreen
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


def kinds(tmp_path: Path) -> list[str]:
    return [r["kind"] for r in iter_records(tmp_path / "scores" / "ana" / "reviews.jsonl")]


async def test_suspend_from_feedback_then_unsuspend_from_history(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        first = screen.session.current
        assert first is not None
        await pilot.press("2", "enter")  # answer the first question (a choice)
        await pilot.pause()
        assert screen.phase == "feedback"
        await pilot.press("s")
        await pilot.pause()
        assert kinds(tmp_path) == ["answer", "suspend"]
        assert not screen.check_action("suspend", ())  # once is enough
        await pilot.press("enter")
        await pilot.pause()
        assert screen.session.current is not None
        assert screen.session.current.question.key != first.question.key
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("enter")  # past the summary
        await pilot.pause()
        app.open_history()
        await pilot.pause()
        history = app.screen
        assert isinstance(history, HistoryScreen)
        assert first.question.key in history.suspended
        history.highlighted = first.question.key
        history.refresh_bindings()
        await pilot.press("U")
        await pilot.pause()
        assert kinds(tmp_path) == ["answer", "suspend", "unsuspend"]
        assert first.question.key not in history.suspended


async def test_bury_then_undo_takes_both_back(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert kinds(tmp_path) == ["answer", "bury", "undo", "undo"]
        assert screen.phase == "asking"
        assert not screen.session.flags.buried
