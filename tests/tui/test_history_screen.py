"""The history screen, driven with Textual's pilot: with answers, empty, snapshots."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from textual.app import App
from textual.widgets import DataTable, Static, TabbedContent

from quiz.core.history import LearnerHistory, build_history
from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.store import iter_records
from quiz.tui.screens.history import HistoryScreen
from tests.core.test_history import DAY, NOW, answer, write_log

MARKUP_PROMPT = "[bold red]Capital[/] of France? $x [link=http://x]y[/link]"


def library() -> Library:
    questions = (
        ChoiceQuestion(
            deck="geo",
            id="capital",
            prompt=MARKUP_PROMPT,
            choices=("[b]Paris[/b]", "Lyon"),
            answer="[b]Paris[/b]",
            tags=("europe",),
        ),
        ChoiceQuestion(
            deck="geo",
            id="river",
            prompt="Longest river?",
            choices=("Loire", "Seine"),
            answer="Loire",
        ),
        ChoiceQuestion(deck="geo", id="unseen", prompt="Never asked?", choices=("a", "b"), answer="a"),
    )
    return Library((Bank(deck="geo", title="Geography [not markup]", questions=questions),))


def some_history(tmp_path: Path) -> LearnerHistory:
    records: list[dict[str, Any]] = []
    for days in (40, 33, 20, 9, 2):
        when = NOW - days * DAY
        session = f"s{days}"
        records.append(answer("geo/capital", when, True, response="[b]Paris[/b]", session=session))
        records.append(
            answer(
                "geo/river",
                when + timedelta(minutes=1),
                days < 20,
                response="Seine" if days >= 20 else "Loire",
                session=session,
            )
        )
    records.append(answer("gone/old", NOW - DAY, True, session="s1"))
    path = write_log(tmp_path / "ana" / "reviews.jsonl", records)
    return build_history(iter_records(path), library(), now=NOW, learner="ana")


def empty_history() -> LearnerHistory:
    return build_history([], library(), now=NOW, learner="bob")


class HistoryApp(App[None]):
    """The smallest app that opens the screen, as the home screen will."""

    def __init__(self, history: LearnerHistory) -> None:
        super().__init__()
        self.history = history

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.history))


def static_text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_history_screen_shows_every_part(tmp_path: Path) -> None:
    app = HistoryApp(some_history(tmp_path))
    async with app.run_test(size=(110, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        summary = static_text(screen, "#history-summary")
        assert "11 answers" in summary
        assert "1 answer to 1 question no longer in the banks" in summary
        heatmap = static_text(screen, "#heatmap")
        assert heatmap.count("██") >= 1  # the busiest day
        assert heatmap.splitlines()[1].startswith("Mon")
        # Five weekly sessions (50% right in three, 100% in two), and Monday 9 March
        # starts another ISO week (100%). 100% fills all four rows, 50% the lower two.
        accuracy = static_text(screen, "#accuracy-chart").splitlines()
        assert accuracy[0].startswith("100%") and accuracy[3].lstrip().startswith("0%")
        assert accuracy[0].count("██") == 3 and accuracy[3].count("██") == 6
        assert accuracy[4].split()[-3:] == ["09", "10", "11"]  # ISO week numbers
        forecast = static_text(screen, "#forecast-chart").splitlines()
        assert len(forecast[4].split()) == 30  # a count under each of the 30 days
        assert forecast[6].split()[:2] == ["10", "11"]  # today first
        due = sum(int(n) for n in forecast[4].split())
        assert f"next 30 days {due}" in static_text(screen, "#forecast-caption")

        groups = screen.query_one("#groups-table", DataTable)
        assert groups.row_count == 2  # the deck and its one tag
        assert str(groups.get_row_at(0)[1]) == "Geography [not markup]"
        sessions = screen.query_one("#sessions-table", DataTable)
        assert sessions.row_count == 6  # latest first: s1, the removed question's
        assert str(sessions.get_row_at(0)[0]).startswith("2026-03-09")
        assert str(sessions.get_row_at(1)[0]).startswith("2026-03-08")

        screen.query_one(TabbedContent).active = "questions"
        await pilot.pause()
        table = screen.query_one("#questions-table", DataTable)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == [
            "geo/capital",
            "geo/river",
            "gone/old",
        ]
        detail = static_text(screen, "#question-detail")
        assert MARKUP_PROMPT in detail  # shown literally, markup and all
        assert detail.count("[b]Paris[/b]") == 5
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        detail = static_text(screen, "#question-detail")
        assert "geo/river" in detail and "Longest river?" in detail
        assert detail.count("wrong") == 3 and "Predicted recall now:" in detail

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_history_screen_empty(tmp_path: Path) -> None:
    app = HistoryApp(empty_history())
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert "No answers yet" in static_text(screen, "#empty")
        assert screen.query_one("#groups-table", DataTable).row_count == 2
        assert not screen.query("#sessions-table")
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


def test_snapshot_history(snap_compare: Any, tmp_path: Path) -> None:
    assert snap_compare(HistoryApp(some_history(tmp_path)), terminal_size=(110, 40))


def test_snapshot_history_empty(snap_compare: Any) -> None:
    assert snap_compare(HistoryApp(empty_history()), terminal_size=(100, 30))


async def test_control_characters_in_a_log_are_shown_not_sent(tmp_path: Path) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J"
    path = write_log(
        tmp_path / "eve" / "reviews.jsonl",
        [answer("geo/river", NOW - DAY, False, response=hostile, mode="drill\x1b[31m")],
    )
    history = build_history(iter_records(path), library(), now=NOW, learner="eve")
    app = HistoryApp(history)
    async with app.run_test(size=(110, 40)) as pilot:
        screen = app.screen
        screen.query_one(TabbedContent).active = "questions"
        await pilot.pause()
        detail = static_text(screen, "#question-detail")
        assert "\x1b" not in detail and "\x07" not in detail
        assert "\\x1b]0;pwned\\x07\\x1b[2J" in detail
        assert "drill\\x1b[31m" in detail
