"""Answer every question type right and wrong by pressing keys, as a learner would.

Each test drives a one-question practice session, then checks what the learner sees
(the feedback) and what the score log says (read back with `quiz.core.store`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from quiz.tui.screens.drill import DrillScreen
from quiz.tui.widgets.feedback import FeedbackView
from quiz.tui.widgets.order import OrderWidget
from tests.tui.banks import answers, one_question_bank, text
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


def typed(word: str) -> list[str]:
    """The key presses that type `word` (spaces included)."""
    return ["space" if char == " " else char for char in word]


# question id, keys, expected logged response, correct?, text expected in the feedback
CASES: list[tuple[str, list[str], Any, bool, list[str]]] = [
    (
        "pick",
        ["2", "enter"],
        "Moscow",
        True,
        ["✓ Correct", "Moscow — The capital since 1918.", "Source: Memorandum of telephone"],
    ),
    (
        "pick",
        ["1", "enter"],
        "Saint Petersburg",
        False,
        [
            "✗ Wrong",
            "Right answer: Moscow",
            "Saint Petersburg — It was the capital until 1918.",
            "Moscow — The capital since 1918.",
            "Explanation: Moscow has been the capital since 1918.",
        ],
    ),
    ("several", ["1", "3", "enter"], ["2", "5"], True, ["✓ Correct", "✓ 2 (ticked)"]),
    (
        "several",
        ["1", "2", "enter"],
        ["2", "4"],
        False,
        ["✗ Wrong", "✗ 4 (ticked, should not be ticked)", "✗ 5 (not ticked, should be ticked)"],
    ),
    ("fact", ["t"], True, True, ["✓ Correct", "Your answer: True"]),
    ("fact", ["f"], False, False, ["✗ Wrong", "Right answer: True"]),
    ("who", [*typed("putin"), "enter"], "putin", True, ["✓ Correct"]),
    (
        "who",
        [*typed("hqegutf"), "enter"],
        "hqegutf",
        False,
        ["✗ Wrong", "Your answer: hqegutf", "Right answer: Vladimir Putin"],
    ),
    ("year", [*typed("2000"), "enter"], "2000", True, ["✓ Correct"]),
    ("year", [*typed("1999"), "enter"], "1999", False, ["✗ Wrong", "Right answer: 2000"]),
    (
        "gaps",
        [*typed("Clinton"), "tab", *typed("Putin"), "enter"],
        ["Clinton", "Putin"],
        True,
        ["✓ Correct", "✓ [1] Clinton", "✓ [2] Putin"],
    ),
    (
        "gaps",
        [*typed("Clinton"), "enter", *typed("Yeltsin"), "enter"],
        ["Clinton", "Yeltsin"],
        False,
        ["✗ Wrong", "✓ [1] Clinton", "✗ [2] Yeltsin  (should be Putin)"],
    ),
    (
        "pairs",
        ["a", "b", "c", "enter"],
        {
            "Clinton": "US President",
            "Putin": "Acting President of Russia",
            "Talbott": "Deputy Secretary of State",
        },
        True,
        ["✓ Correct", "✓ Talbott → Deputy Secretary of State"],
    ),
    (
        "pairs",
        ["b", "a", "c", "enter"],
        {
            "Clinton": "Acting President of Russia",
            "Putin": "US President",
            "Talbott": "Deputy Secretary of State",
        },
        False,
        [
            "✗ Wrong",
            "✗ Clinton → Acting President of Russia  (should be US President)",
            "✓ Talbott → Deputy Secretary of State",
        ],
    ),
    (
        "pairs",  # with arrows and Enter only: pick on the left, partner on the right
        ["enter", "enter", "down", "enter", "down", "enter", "enter"],
        {
            "Clinton": "US President",
            "Putin": "Acting President of Russia",
            "Talbott": "Deputy Secretary of State",
        },
        True,
        ["✓ Correct"],
    ),
    ("flash", ["space", "3"], 3, True, ["✓ Correct", "Rated: Good"]),
    ("flash", ["space", "1"], 1, False, ["✗ Wrong", "Rated: Again"]),
]


@pytest.mark.parametrize(
    ("question_id", "keys", "logged", "correct", "shown"),
    CASES,
    ids=[f"{case[0]}-{'right' if case[3] else 'wrong'}-{n}" for n, case in enumerate(CASES)],
)
async def test_answer_by_keys(
    tmp_path: Path,
    make_app: AppFactory,
    question_id: str,
    keys: list[str],
    logged: Any,
    correct: bool,
    shown: list[str],
) -> None:
    app = make_app(one_question_bank(tmp_path / "one", question_id), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press(*keys)
        await pilot.pause()
        feedback = text(app.screen.query_one("#feedback", FeedbackView))
        for snippet in shown:
            assert snippet in feedback
        records = answers(app)
    assert len(records) == 1
    assert records[0]["key"] == f"every/{question_id}"
    assert records[0]["response"] == logged
    assert records[0]["correct"] is correct
    assert records[0]["mode"] == "practice"


def order_keys(shown: list[str], target: list[str]) -> list[str]:
    """Keys a learner presses to sort `shown` into `target`: highlight, then `[` up."""
    keys: list[str] = []
    current = list(shown)
    highlight = 0
    for place, item in enumerate(target):
        where = current.index(item)
        step = "down" if where > highlight else "up"
        keys += [step] * abs(where - highlight)
        keys += ["left_square_bracket"] * (where - place)
        current.insert(place, current.pop(where))
        highlight = place
    return [*keys, "enter"]


async def test_order_right_by_moving_items(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "sequence"), command="practice")
    right = ["Yeltsin resigns", "Clinton phones Putin", "Putin is elected"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = list(app.screen.query_one(OrderWidget).arrangement)
        assert shown != right  # the session never shows them already in order
        await pilot.press(*order_keys(shown, right))
        await pilot.pause()
        assert "✓ Correct" in text(app.screen.query_one("#feedback", FeedbackView))
    assert answers(app)[0]["response"] == right
    assert answers(app)[0]["correct"] is True


async def test_order_wrong_marks_each_position(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "sequence"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = list(app.screen.query_one(OrderWidget).arrangement)
        await pilot.press("enter")
        await pilot.pause()
        feedback = text(app.screen.query_one("#feedback", FeedbackView))
    assert "✗ Wrong" in feedback
    assert "(should be" in feedback
    # Each wrong position says what it should be; no run-on "Right answer: 1. …  2. …" on top.
    assert "Right answer" not in feedback
    record = answers(app)[0]
    assert record["response"] == shown
    assert record["correct"] is False


async def test_shift_arrows_also_move_order_items(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "sequence"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        widget = app.screen.query_one(OrderWidget)
        first, second = widget.arrangement[0], widget.arrangement[1]
        await pilot.press("shift+down")
        assert widget.arrangement[:2] == [second, first]
        await pilot.press("shift+up")
        assert widget.arrangement[:2] == [first, second]


async def test_mouse_click_picks_and_answers_a_choice(tmp_path: Path, make_app: AppFactory) -> None:
    from quiz.tui.widgets.base import OptionRow

    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        moscow = app.screen.query(OptionRow)[1]
        await pilot.click(moscow)
        await pilot.click(moscow)  # a click on the picked choice answers it
        await pilot.pause()
        assert "✓ Correct" in text(app.screen.query_one("#feedback", FeedbackView))
    assert answers(app)[0]["response"] == "Moscow"
