"""Tiny and huge terminals: every main screen at 40x12 and 250x70.

The trip through every screen (`journey.py`, shared with the hostile-text tests)
runs at 250x70, so every screen and every question type, asked and answered, is
drawn that large, with 5,000-character words and right-to-left text to wrap. On
each kind of screen (home, asking, feedback, summary, history, help) it also drops
to 40x12, where the app must show its too-small message instead of a broken
layout, and grows back to the same screen. (The message hides whatever is beneath
it, so it is not checked again for every question type.)

Going small and back in the middle of a question keeps the question and what the
learner had typed or arranged, and keys pressed while the terminal is too small
do nothing.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from quiz.core.store import Store
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.too_small import TooSmallScreen
from quiz.tui.widgets.order import OrderWidget
from tests.hardening.apps import make_app
from tests.hardening.hostile import TYPES
from tests.hardening.journey import HUGE, JOURNEY, TINY, TINY_CHECKED, trip

SIZE = (100, 32)


@JOURNEY
async def test_every_screen_at_40x12_and_250x70(tmp_path: Path) -> None:
    seen = await trip(tmp_path)  # the whole trip is at 250x70 (see journey.py)
    assert len(seen.shots) == 2 * len(TYPES) + 4 and all(seen.shots.values())
    assert set(seen.tiny) == set(TINY_CHECKED)
    for state, text in seen.tiny.items():
        assert "This terminal is 40 columns wide and 12 rows tall; quiz needs at least" in text, state
        assert seen.came_back[state], f"{state}: another screen after growing back"


def phase_of(screen: DrillScreen) -> str:
    """The drill screen's phase, read afresh (asking, or showing feedback)."""
    return screen.phase


SHORT_BANK = """\
deck: sizes
title: Sizes
questions:
  - id: word
    type: short
    prompt: Type the word 'resize'.
    answer: resize
  - id: steps
    type: order
    prompt: Put them in order.
    items: [one, two, three, four]
"""


async def test_resizing_mid_question_keeps_the_question_and_the_answer(tmp_path: Path) -> None:
    app = make_app(tmp_path, SHORT_BANK, command="practice")
    async with app.run_test(size=TINY) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)  # small from the start
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.presented is not None
        asked = screen.presented
        await pilot.press(*"resi")
        await pilot.resize_terminal(*TINY)
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("z", "enter")  # nothing is typed or submitted behind the message
        await pilot.pause()
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert app.screen is screen and screen.presented == asked
        typed = screen.query_one(Input)
        assert typed.value == "resi" and phase_of(screen) == "asking"
        assert app.focused is typed
        await pilot.press("z", "e", "enter")
        await pilot.pause()
        assert phase_of(screen) == "feedback"
        await pilot.press("enter")
        await pilot.pause()

        widget = screen.query_one(OrderWidget)
        await pilot.press("shift+down")  # move the first item down one place
        arranged = list(widget.arrangement)
        await pilot.resize_terminal(*HUGE)
        await pilot.pause()
        await pilot.resize_terminal(*TINY)
        await pilot.pause()
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert screen.query_one(OrderWidget) is widget and list(widget.arrangement) == arranged
        await pilot.press("enter")
        await pilot.pause()
    records = Store(tmp_path / "scores", "ana").read().records
    assert [r["response"] for r in records] == ["resize", arranged]
