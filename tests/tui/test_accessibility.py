"""Every state readable without colour: NO_COLOR and the ANSI themes, focus always visible.

A screen is looked at as a learner without colour sees it: its characters and their
non-colour attributes (bold, italic, underline, reverse, strike), colours thrown away.
Two states a learner must tell apart (this widget has the focus or not; right or
wrong) must differ in that view, not only in colour.

Each app is started once and looked at under every theme in turn (`app.theme` is
switched on the live screen, as a learner switching themes does): starting Textual
costs about a CPU second, a theme switch a tenth of that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable

from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.too_small import TooSmallScreen
from quiz.tui.widgets.feedback import FeedbackView
from tests.tui.banks import QUESTIONS, one_question_bank, screen_texts
from tests.tui.conftest import AppFactory

SIZE = (100, 32)
THEMES = ("ansi-dark", "ansi-light", "textual-dark")
"""The ANSI themes (called textual-ansi in older Textual) and the default."""

Cell = tuple[str, str]


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """NO_COLOR is set, as a learner who wants no colour sets it."""
    monkeypatch.setenv("NO_COLOR", "1")
    yield


def colourless(app: App[object], region: Region | None = None) -> list[list[Cell]]:
    """The screen (or a region of it) as characters with their non-colour attributes."""
    strips = app.screen._compositor.render_strips()
    area = region or Region(0, 0, app.size.width, app.size.height)
    rows: list[list[Cell]] = []
    for y in range(area.y, area.bottom):
        cells: list[Cell] = []
        for segment in strips[y]:
            style = segment.style
            marks = "".join(
                flag
                for flag, on in (
                    ("b", style and style.bold),
                    ("i", style and style.italic),
                    ("u", style and style.underline),
                    ("r", style and style.reverse),
                    ("s", style and style.strike),
                )
                if on
            )
            cells.extend((char, marks) for char in segment.text)
        rows.append(cells[area.x : area.right])
    return rows


async def focus_is_visible_everywhere(app: App[object], pilot: object) -> list[str]:
    """Each focusable widget on screen looks different without colour when it has the focus."""
    problems: list[str] = []
    chain = [w for w in app.screen.focus_chain if w.region.area]
    assert len(chain) >= 2, chain
    for widget in chain:
        other: Widget = next(w for w in chain if w is not widget)
        other.focus()
        await pilot.pause()  # type: ignore[attr-defined]
        region = widget.region
        unfocused = colourless(app, region)
        widget.focus()
        await pilot.pause()  # type: ignore[attr-defined]
        if colourless(app, region) == unfocused:
            problems.append(f"{widget!r} shows no sign of focus without colour")
    return problems


@pytest.mark.parametrize("question_id", list(QUESTIONS))
async def test_focus_is_visible_without_colour_while_answering(
    question_id: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(one_question_bank(tmp_path / "bank", question_id), command="drill")
    async with app.run_test(size=SIZE) as pilot:
        problems: list[str] = []
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            assert isinstance(app.screen, DrillScreen), theme
            problems += [f"{theme}: {problem}" for problem in await focus_is_visible_everywhere(app, pilot)]
        assert problems == []


async def test_focus_and_the_deck_cursor_are_visible_without_colour_at_home(
    tmp_path: Path, make_app: AppFactory
) -> None:
    folder = one_question_bank(tmp_path / "a", "pick")
    (folder / "second.yaml").write_text(
        (folder / "every.yaml").read_text().replace("deck: every", "deck: second"), encoding="utf-8"
    )
    app = make_app(folder)
    async with app.run_test(size=SIZE) as pilot:
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen), theme
            table = app.screen.query_one(DataTable)
            table.move_cursor(row=0)
            await pilot.pause()
            before = colourless(app, table.region)
            await pilot.press("down")
            await pilot.pause()
            assert table.cursor_row == 1, theme
            assert colourless(app, table.region) != before, f"{theme}: the highlighted deck is shown by colour alone"


@pytest.mark.parametrize(("key", "word", "mark"), [("2", "Correct", "✓"), ("1", "Wrong", "✗")])
async def test_right_and_wrong_are_said_in_words_and_marks(
    key: str, word: str, mark: str, tmp_path: Path, make_app: AppFactory
) -> None:
    app = make_app(one_question_bank(tmp_path / "bank", "pick"), command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(key, "enter")
        await pilot.pause()
        for theme in THEMES:
            app.theme = theme
            await pilot.pause()
            view = app.screen.query_one(FeedbackView)
            shown = "\n".join("".join(char for char, _ in row) for row in colourless(app, view.region))
            assert f"{mark} {word}" in shown, theme


async def test_the_minimum_size_message_is_in_words(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        shown = " ".join(screen_texts(app).split())
        assert "This terminal is 50 columns wide and 15 rows tall; quiz needs at least 60 columns and 20 rows." in shown
        assert "Make the window bigger" in shown and "nothing is lost" in shown


async def test_history_tabs_and_focus_are_visible_without_colour(tmp_path: Path, make_app: AppFactory) -> None:
    from textual.widgets import TabbedContent, Tabs

    from quiz.tui.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        for theme in THEMES:
            app.theme = theme
            app.screen.query_one(TabbedContent).active = "overview"
            await pilot.pause()
            assert await focus_is_visible_everywhere(app, pilot) == [], theme
            tabs = app.screen.query_one(Tabs)
            tabs.focus()
            await pilot.pause()
            before = colourless(app, tabs.region)
            await pilot.press("right")
            await pilot.pause()
            assert colourless(app, tabs.region) != before, f"{theme}: the active tab is shown by colour alone"
