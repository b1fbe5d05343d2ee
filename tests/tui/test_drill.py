"""Behaviour around answering: hints, undo, re-rating, leaving, help, failed saves."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from quiz.core.store import Store, StoreError
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.message import MessageScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.base import QuestionWidget
from quiz.tui.widgets.feedback import FeedbackView
from tests.tui.banks import answers, log_records, one_question_bank, screen_texts, text
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


async def test_hint_is_shown_and_the_answer_counts_as_hinted(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hint = app.screen.query_one("#hint")
        assert not hint.display or "The Kremlin" not in text(hint)
        await pilot.press("h")
        assert "Hint: The Kremlin is there." in text(hint)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "Rated: Hard" in text(app.screen.query_one("#feedback", FeedbackView))
    record = answers(app)[0]
    assert record["hinted"] is True
    assert record["correct"] is True
    assert record["rating"] == 2


async def test_letters_typed_into_an_answer_are_never_commands(tmp_path: Path, make_app: AppFactory) -> None:
    """h (hint), q, e, g, u, t, f and ? typed into the Input stay in the answer."""
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert app.focused is field
        await pilot.press(*"hqegutf?")
        assert field.value == "hqegutf?"
        assert isinstance(app.screen, DrillScreen)  # no help, no confirmation
        assert "The acting president" not in screen_texts(app)  # no hint either
        await pilot.press("f2")  # the hint key that cannot be typed
        assert "Hint: The acting president." in screen_texts(app)
        assert field.value == "hqegutf?"
        await pilot.press("enter")
        await pilot.pause()
    record = answers(app)[0]
    assert record["response"] == "hqegutf?"
    assert record["hinted"] is True


async def test_undo_cancels_the_answer_and_asks_again(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("1", "enter")
        await pilot.pause()
        assert "✗ Wrong" in text(app.screen.query_one("#feedback", FeedbackView))
        await pilot.press("u")
        await pilot.pause()
        assert app.screen.query(QuestionWidget)  # the question is back
        assert not app.screen.query_one("#feedback").display
        await pilot.press("2", "enter")
        await pilot.pause()
        assert "✓ Correct" in text(app.screen.query_one("#feedback", FeedbackView))
    kinds = [record["kind"] for record in log_records(app)]
    assert kinds == ["answer", "undo", "answer"]
    first, undo, second = log_records(app)
    assert undo["ref"] == first["id"]
    assert second["correct"] is True


async def test_easy_and_guessed_rerate_the_answer(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        feedback = app.screen.query_one("#feedback", FeedbackView)
        assert "Rated: Good" in text(feedback)
        await pilot.press("e")
        await pilot.pause()
        assert "Rated: Easy" in text(feedback)
        await pilot.press("g")
        await pilot.pause()
        assert "Rated: Hard" in text(feedback)
    rerates = [r for r in log_records(app) if r["kind"] == "rerate"]
    assert [r["rating"] for r in rerates] == [4, 2]


async def test_keys_that_do_nothing_are_greyed_out(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "several"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bindings = app.screen.active_bindings
        assert "h" not in bindings  # this question has no hint: no Hint key in the footer
        assert "f2" not in bindings
        assert "u" not in bindings  # nothing to undo while asking
        assert not bindings["enter"].enabled  # nothing ticked yet
        await pilot.press("1")
        assert app.screen.active_bindings["enter"].enabled


async def test_escape_asks_before_leaving_and_says_answers_are_saved(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("enter")  # on to the next question
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Every answer so far is saved" in screen_texts(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        # One answer this session: its summary first, then home.
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_texts(app)
        assert "Practice left early" in shown
        assert "Answered: 1   Right: 1" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert len(answers(app)) == 1


async def test_leaving_before_any_answer_goes_straight_home(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert answers(app) == []


async def test_escape_from_a_typed_answer_also_asks(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("p", "u", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_question_mark_opens_help(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "show the hint" in screen_texts(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)


async def test_a_failed_save_is_shown_and_the_question_stays(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    real_append = Store.append

    def full_disk(self: Store, record: dict[str, object]) -> None:
        raise StoreError("Could not save your answer: No space left on device")

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        monkeypatch.setattr(Store, "append", full_disk)
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        assert "No space left on device" in screen_texts(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.query(QuestionWidget)  # still there, still marked
        assert not app.screen.query_one("#feedback").display
        monkeypatch.setattr(Store, "append", real_append)
        await pilot.press("enter")  # the same answer, now saved
        await pilot.pause()
        assert "✓ Correct" in text(app.screen.query_one("#feedback", FeedbackView))
    assert [r["response"] for r in answers(app)] == ["Moscow"]


async def test_command_palette_offers_the_drill_actions(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Show the hint", "Leave", "Keys"} <= titles
        assert "Undo the answer" not in titles
        await pilot.press("2", "enter")
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Undo the answer" in titles


async def test_space_continues_and_q_asks_before_leaving(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.phase == "feedback"
        await pilot.press("space")
        await pilot.pause()
        assert app.screen.phase == "asking"
        assert app.screen.presented is not None
        assert app.screen.presented.question.key == "every/several"
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)


async def test_no_easy_or_guessed_keys_after_a_card(tmp_path: Path, make_app: AppFactory) -> None:
    """A card is graded by the learner: e and g would do nothing, so the footer leaves them out."""
    app = make_app(one_question_bank(tmp_path / "one", "flash"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space", "3")
        await pilot.pause()
        bindings = app.screen.active_bindings
        assert "enter" in bindings  # feedback is showing
        assert "e" not in bindings and "g" not in bindings
