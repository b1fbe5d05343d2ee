"""Snapshots of what the learner sees: home, each question type, feedback, summary.

Generated with `pytest tests/tui/test_snapshots.py --snapshot-update`, checked by eye
(as PNG), and compared on every run. Deterministic: fixed clock, `random.Random(0)`,
`TZ=UTC`, and no wall-clock time on any screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.tui.banks import TRUE_OR_FALSE, one_question_bank, write_bank
from tests.tui.conftest import AppFactory

SIZE = (100, 32)
SnapCompare = Callable[..., bool]


def test_home(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE)


QUESTION_STATES = [
    ("pick", ["2"]),
    ("several", ["1", "3"]),
    ("fact", []),
    ("who", ["P", "u", "t"]),
    ("year", ["2", "0"]),
    ("gaps", ["C", "l", "i", "n", "t", "o", "n", "tab"]),
    ("sequence", ["down"]),
    ("pairs", ["b"]),
    ("flash", ["space"]),
]


@pytest.mark.parametrize(("question_id", "press"), QUESTION_STATES, ids=[case[0] for case in QUESTION_STATES])
def test_question(
    snap_compare: SnapCompare,
    make_app: AppFactory,
    tmp_path: Path,
    question_id: str,
    press: list[str],
) -> None:
    app = make_app(one_question_bank(tmp_path / "one", question_id), command="practice")
    assert snap_compare(app, press=press, terminal_size=SIZE)


def test_feedback_right_with_hint(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    assert snap_compare(app, press=["h", "2", "enter"], terminal_size=SIZE)


def test_feedback_wrong_parts(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pairs"), command="practice")
    assert snap_compare(app, press=["b", "a", "c", "enter"], terminal_size=SIZE)


def test_markup_is_literal(snap_compare: SnapCompare, make_app: AppFactory, markup_banks: Path) -> None:
    app = make_app(markup_banks, command="practice")
    assert snap_compare(app, press=["h", "3"], terminal_size=SIZE)


def test_summary(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="practice")
    press = ["t", "enter", "t", "enter", "t", "enter"]
    assert snap_compare(app, press=press, terminal_size=SIZE)


def test_exam_review(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="exam", count=3)
    assert snap_compare(app, press=["t", "f", "t", "s"], terminal_size=SIZE)


def test_exam_sheet(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    """The answer sheet before handing in: one flagged, one skipped."""
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="exam", count=3)
    assert snap_compare(app, press=["ctrl+f", "t", "ctrl+n", "t", "ctrl+l"], terminal_size=SIZE)


def test_feedback_wrong_with_i_was_right(snap_compare: SnapCompare, make_app: AppFactory, tmp_path: Path) -> None:
    """A wrong typed answer: the footer offers r "I was right"; the learning step's comeback is said."""
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="drill")
    assert snap_compare(app, press=[*"Volodya", "enter"], terminal_size=SIZE)


def test_terminal_too_small(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    assert snap_compare(make_app(), terminal_size=(50, 15))


def test_settings(snap_compare: SnapCompare, make_app: AppFactory) -> None:
    """Every setting with its value, range and help; the workload beside retention; the exam date."""
    app = make_app()
    app.settings_file = Path("/home/ana/.config/quiz/settings.toml")  # the real one is a temporary folder

    async def open_settings(pilot: Pilot[int]) -> None:
        await pilot.press("c")
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor is on or off depending on when the picture is taken

    assert snap_compare(app, run_before=open_settings, terminal_size=(100, 44))
