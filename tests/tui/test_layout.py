"""How screens lay text out: wrapped lines that hang under their own text, aligned rows."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent

from quiz.cli.reports import render_heatmap
from quiz.core.bank import bundled_questions_dir
from quiz.core.history import DayCount
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.history import HistoryScreen, heatmap_text
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.base import OptionRow
from quiz.tui.widgets.feedback import FeedbackView
from quiz.tui.widgets.match import MatchWidget
from tests.tui.banks import write_bank
from tests.tui.conftest import AppFactory

LONG_MATCH = """\
deck: long
title: Long texts
questions:
  - id: offices
    type: match
    prompt: Match each person with his position on 1 January 2000.
    pairs:
      Bill Clinton: President of the United States, in the last full year of his second term
      Vladimir Putin: Acting President of Russia and prime minister since August 1999
      Boris Yeltsin: Former President of Russia, who had resigned the day before the call
    shuffle: false
  - id: capital
    type: choice
    prompt: Which of these describes Moscow best?
    choices:
      - The capital of Russia since 1918, when the Bolshevik government moved there from Petrograd
      - A port on the Baltic Sea
    answer: The capital of Russia since 1918, when the Bolshevik government moved there from Petrograd
    shuffle: false
"""


def lines_of(widget: Widget) -> list[str]:
    """The text of each line a widget shows on screen, trailing spaces removed."""
    width, height = widget.size
    return [strip.text.rstrip() for strip in widget.render_lines(Region(0, 0, width, height))]


def assert_hangs(lines: list[str], column: int) -> None:
    """Every line after the first starts at `column`: blank before it, text at it."""
    assert len(lines) > 1, lines  # the text did wrap, or the test proves nothing
    for line in lines[1:]:
        assert line[:column].strip() == "", lines
        assert line[column : column + 1].strip(), lines


@pytest.mark.parametrize("size", [(100, 30), (60, 20)])
async def test_match_rows_wrap_under_their_own_text(
    tmp_path: Path, make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app(write_bank(tmp_path / "long", "long", LONG_MATCH), command="practice", decks=("long",))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        widget = app.screen.query_one(MatchWidget)
        await pilot.press("c")  # Bill Clinton -> c. Former President of Russia...
        await pilot.pause()
        rows = list(widget.query(OptionRow))
        left = [row for row in rows if row.group == "left"]
        right = [row for row in rows if row.group == "right"]

        clinton = lines_of(left[0])
        assert "1. Bill Clinton" in clinton[0]
        assert "→ c. Former" in clinton[1]
        partner_lines = clinton[1:]
        assert_hangs(partner_lines, partner_lines[0].index("Former"))
        assert "→ ?" in lines_of(left[1])[1]  # not paired yet

        for row, letter in zip(right, "abc", strict=True):
            shown = lines_of(row)
            assert_hangs(shown, shown[0].index(f"{letter}. ") + 3)


async def test_long_choices_wrap_under_their_own_text(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "long", "long", LONG_MATCH), command="practice", decks=("long",))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("a", "b", "c", "enter", "enter")  # answer the match, go on
        await pilot.pause()
        first = app.screen.query(OptionRow)[0]
        shown = lines_of(first)
        assert shown[0].lstrip().startswith("( ) 1. The capital")
        assert_hangs(shown, shown[0].index("The capital"))


def saturday_window() -> list[DayCount]:
    """182 days up to Saturday 28 November 2026: the window starts on a Sunday."""
    end = date(2026, 11, 28)
    return [DayCount(end - timedelta(days=n), 1 + n % 3) for n in range(181, -1, -1)]


def first_cell_columns(lines: list[str]) -> dict[str, int]:
    """For each weekday row, the column of its first day cell (after the label)."""
    rows = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert len(rows) == 7, lines
    return {row[:3]: 4 + len(row[4:]) - len(row[4:].lstrip()) for row in rows}


def test_heatmap_rows_start_in_the_same_column() -> None:
    """A window starting on a Sunday put Sunday alone in the first column ("Sun ··" vs "Sat   ··")."""
    columns = first_cell_columns(heatmap_text(saturday_window()).plain.splitlines())
    assert set(columns.values()) == {4}, columns


def test_quiz_history_heatmap_rows_start_in_the_same_column() -> None:
    columns = first_cell_columns(render_heatmap(saturday_window()).splitlines())
    assert set(columns.values()) == {4}, columns


async def test_history_summary_and_deck_table_fit_in_100_columns(make_app: AppFactory) -> None:
    """The summary used to wrap ("as of … UTC" on a line of its own) and "Mature" was cut to "Matu"."""
    app = make_app(bundled_questions_dir())  # long deck titles
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert "as of 2026-01-05 10:00 UTC" in screen.sub_title
        assert screen.query_one("#history-summary").size.height == 1
        screen.query_one(TabbedContent).active = "groups"
        await pilot.pause()
        table = screen.query_one("#groups-table", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width


LONG_PROMPT = """\
deck: long
title: Long texts
questions:
  - id: campaign
    type: truefalse
    prompt: When Clinton proposed meeting soon, Putin was campaigning in the coming Russian presidential election.
    answer: true
"""


async def test_summary_prompts_wrap_under_their_own_text(tmp_path: Path, make_app: AppFactory) -> None:
    """The exam review and the hardest questions used to wrap under their number or count."""
    app = make_app(write_bank(tmp_path / "long", "long", LONG_PROMPT), command="exam", count=1)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("f")  # wrong: the question is also the hardest
        await pilot.pause()
        await pilot.press("s")  # hand in from the answer sheet
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = lines_of(app.screen.query_one("#summary"))
        review = shown.index(next(line for line in shown if line.startswith("1. When Clinton")))
        verdict = next(n for n, line in enumerate(shown) if "✗ Wrong" in line)
        assert_hangs(shown[review:verdict], 3)
        assert shown[verdict].startswith("   ✗ Wrong")  # the feedback is indented under the prompt
        hardest = next(n for n, line in enumerate(shown) if "1 miss" in line)
        assert_hangs(shown[hardest : hardest + 2], shown[hardest].index("When Clinton"))


async def test_feedback_parts_wrap_under_their_own_text(tmp_path: Path, make_app: AppFactory) -> None:
    """A wrong pair with long texts used to continue at the feedback's left edge."""
    app = make_app(write_bank(tmp_path / "long", "long", LONG_MATCH), command="practice", decks=("long",))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("b", "a", "c", "enter")  # Clinton and Putin swapped
        await pilot.pause()
        shown = [line[1:] for line in lines_of(app.screen.query_one(FeedbackView))]  # after the left border
        first = next(n for n, line in enumerate(shown) if "✗ Bill Clinton →" in line)
        second = next(n for n, line in enumerate(shown) if "✗ Vladimir Putin →" in line)
        assert_hangs(shown[first:second], shown[first].index("Bill Clinton"))


async def test_home_table_fits_the_smallest_terminal(make_app: AppFactory) -> None:
    """At 60 columns the deck column used to push "Learned" out of view."""
    app = make_app(bundled_questions_dir())
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width


async def test_help_fits_the_smallest_terminal_and_descriptions_hang(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "long", "long", LONG_MATCH), command="practice", decks=("long",))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        dialog = app.screen.query_one(".dialog")
        closing = next(w for w in app.screen.query(Static) if "Escape closes this help." in str(w.render()))
        assert closing.region.height == 1 and dialog.region.contains_region(closing.region)
        keys = app.screen.query_one(VerticalScroll).query_one(Static)
        shown = lines_of(keys)
        first = next(n for n, line in enumerate(shown) if line.startswith("1-9 "))
        assert_hangs(shown[first : first + 2], shown[first].index("choice:"))


FIVE_PAIRS = """\
deck: five
title: Five pairs
questions:
  - id: georgia
    type: match
    prompt: Match each person to the office held in August 2008, during the war in Georgia.
    pairs:
      Dmitry Medvedev: President of Russia
      Vladimir Putin: Prime Minister of Russia
      Mikheil Saakashvili: President of Georgia
      Nicolas Sarkozy: President of France, holding the EU presidency
      Sergei Lavrov: Foreign Minister of Russia
    shuffle: false
"""


async def test_match_keeps_the_next_item_in_view(tmp_path: Path, make_app: AppFactory) -> None:
    """At 60x20 the fifth item, next to pair, used to stay below the bottom edge."""
    app = make_app(write_bank(tmp_path / "five", "five", FIVE_PAIRS), command="practice", decks=("five",))
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("d", "e", "a", "b")
        await pilot.pause()
        widget = app.screen.query_one(MatchWidget)
        assert widget.picked == 4
        body = app.screen.query_one("#body")
        row = next(r for r in widget.query(OptionRow) if r.group == "left" and r.index == 4)
        assert body.region.contains_region(row.region), (body.region, row.region)
