"""One trip through every screen of the TUI, on the hostile bank and score file, at 250x70,
dropping to 40x12 and back on each kind of screen.

Driving Textual costs about a third of a CPU second per step, so the hostile-text
and terminal-size tests share this one trip (made once per test run, by whichever
test asks first) instead of making two: each asserts on what it recorded.
Under pytest-xdist the tests that use it are one group (`JOURNEY`, run with
`--dist loadgroup`, set in pyproject.toml), so the trip is still made once, on one worker.
Anything that goes wrong on the way (an exception in the app, a key that does not
answer, a screen that does not come back) fails the trip, hence every test using it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from textual.pilot import Pilot

from quiz.tui.app import QuizApp
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.screens.too_small import TooSmallScreen
from tests.hardening.apps import make_app, shown_text
from tests.hardening.hostile import ANSWER_KEYS, BANK, TYPES, write_hostile_log

JOURNEY = pytest.mark.xdist_group("journey")
"""Marks every test that uses the trip: pytest-xdist runs them on one worker."""

TINY = (40, 12)
HUGE = (250, 70)
TINY_CHECKED = ("home", "asking choice", "asking short", "feedback match", "summary", "history", "help")
"""States also seen at 40x12: every kind of screen (the too-small message hides what is
beneath it, so once per kind, plus a typing field)."""


@dataclass
class Trip:
    """What the trip saw."""

    shots: dict[str, str] = field(default_factory=dict)
    """Screenshot (SVG of the terminal) at 250x70 of each state, by state name."""
    tiny: dict[str, str] = field(default_factory=dict)
    """The text on screen at 40x12, for the states in `TINY_CHECKED`."""
    came_back: dict[str, bool] = field(default_factory=dict)
    """Whether the same screen was back at 250x70 after 40x12."""
    shown: dict[str, str] = field(default_factory=dict)
    """The plain text of the visible widgets at 250x70, by state name."""
    still_running: bool = False


async def _record(pilot: Pilot[int], app: QuizApp, trip: Trip, state: str) -> None:
    trip.shots[state] = app.export_screenshot()
    trip.shown[state] = shown_text(app)
    if state not in TINY_CHECKED:
        return
    screen = app.screen
    await pilot.resize_terminal(*TINY)
    await pilot.pause()
    trip.tiny[state] = shown_text(app) if isinstance(app.screen, TooSmallScreen) else ""
    app.export_screenshot()
    await pilot.resize_terminal(*HUGE)
    await pilot.pause()
    trip.came_back[state] = app.screen is screen


async def _travel(tmp_path: Path) -> Trip:
    write_hostile_log(tmp_path / "scores", "ana")
    app = make_app(tmp_path, BANK)
    trip = Trip()
    async with app.run_test(size=HUGE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await _record(pilot, app, trip, "home")
        await pilot.press("p")  # practise the deck: every question, in bank order
        await pilot.pause()
        for qtype in TYPES:
            screen = app.screen
            assert isinstance(screen, DrillScreen), qtype
            assert screen.presented is not None and screen.presented.question.type == qtype
            if qtype in ("choice", "card"):
                await pilot.press("h")  # the hint (every type shows it the same way)
                await pilot.pause()
            await _record(pilot, app, trip, f"asking {qtype}")
            await pilot.press(*ANSWER_KEYS[qtype])
            await pilot.pause()
            assert screen.phase == "feedback", f"{qtype}: the keys did not answer"
            await _record(pilot, app, trip, f"feedback {qtype}")
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await _record(pilot, app, trip, "summary")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("H")
        await pilot.pause()
        assert type(app.screen).__name__ == "HistoryScreen"
        await _record(pilot, app, trip, "history")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await _record(pilot, app, trip, "help")
        trip.still_running = app.is_running
    return trip


_TRIPS: list[Trip] = []


async def trip(tmp_path: Path) -> Trip:
    """The trip, made on the first call of the test run."""
    if not _TRIPS:
        _TRIPS.append(await _travel(tmp_path))
    return _TRIPS[0]
