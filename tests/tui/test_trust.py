"""Issue 19 through Pilot: refusals, forgiving, I don't know, I was right, counters,
limits, exams and keys, as a learner presses them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from textual.widgets import Input

from quiz.core.bank import load_paths
from quiz.core.config import Options
from quiz.core.scheduling import Settings
from quiz.core.store import Store
from quiz.tui.app import QuizApp
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.exam_sheet import ExamSheetScreen
from quiz.tui.screens.help import HelpScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.message import MessageScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.widgets.feedback import FeedbackView
from quiz.tui.widgets.short import ShortWidget
from tests.tui.banks import NOW, TRUE_OR_FALSE, answers, log_records, one_question_bank, screen_texts, text, write_bank
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


def notes(app: QuizApp) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(notification.message for notification in app._notifications)


def feedback_text(app: QuizApp) -> str:
    return text(app.screen.query_one("#feedback", FeedbackView))


async def test_a_non_number_is_asked_again_and_words_are_read(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "year"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"banana", "enter")
        await pilot.pause()
        assert "Type a number of AD" in notes(app)
        assert app.screen.query(ShortWidget), "the question is still there"
        assert answers(app) == []
        field = app.screen.query_one(Input)
        field.value = "two thousand"
        await pilot.press("enter")
        await pilot.pause()
        shown = feedback_text(app)
        assert "✓ Correct" in shown and "Read 'two thousand' as 2000" in shown
    assert [r["correct"] for r in answers(app)] == [True]


async def test_a_forgiven_article_is_shown(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"the Putin", "enter")
        await pilot.pause()
        shown = feedback_text(app)
        assert "✓ Correct" in shown and "Accepted: 'the Putin' for 'Putin'" in shown
        assert "Rated: Good" in shown


async def test_enter_on_an_empty_field_says_what_to_do(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "Type your answer, then press Enter. Don't know? Press F3" in notes(app)
        assert answers(app) == []


async def test_f3_i_dont_know_shows_the_answer_and_logs_it_wrong(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "f3" in app.screen.active_bindings  # in the footer while asking
        await pilot.press("f3")
        await pilot.pause()
        shown = feedback_text(app)
        assert "✗ Not answered" in shown and "Right answer: Vladimir Putin" in shown
        assert "r" not in app.screen.active_bindings or not app.screen.active_bindings["r"].enabled
    (record,) = answers(app)
    assert record["revealed"] is True and record["response"] is None and record["rating"] == 1


async def test_r_i_was_right_counts_a_wrong_verdict_right(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*"Volodya", "enter")
        await pilot.pause()
        assert "✗ Wrong" in feedback_text(app)
        assert app.screen.active_bindings["r"].enabled
        assert app.screen.query_one("#override-button").display
        await pilot.press("r")
        await pilot.pause()
        shown = feedback_text(app)
        assert "✓ Counted right (you said you were right" in shown and "Rated: Good" in shown
        assert "r" not in app.screen.active_bindings or not app.screen.active_bindings["r"].enabled
    answer, rerate = log_records(app)
    assert rerate["kind"] == "rerate" and rerate["ref"] == answer["id"]
    assert rerate["correct"] is True and rerate["reason"] == "i-was-right"


async def test_the_help_lists_the_new_keys(make_app: AppFactory) -> None:
    app = make_app(command="practice", decks=("every",))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = screen_texts(app)
        for wanted in ("I don't know", "I was right", "Ctrl+C", "Ctrl+Q"):
            assert wanted in shown


async def test_counts_and_a_learning_step_that_comes_back(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "pick"), command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        progress = app.screen.query_one("#progress-text")
        assert text(progress) == "0 of 1 done · new 1 · learning 0 · review 0"
        await pilot.press("1", "enter")  # wrong
        await pilot.pause()
        assert "Still learning: this question comes back in 1 minute, in this session." in feedback_text(app)
        assert text(progress) == "0 of 1 done · new 0 · learning 1 · review 0"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen), "it comes back at once: nothing else is left"
        assert text(progress) == "0 of 1 done · new 0 · learning 1 · review 0"


async def test_ctrl_c_leaves_like_escape_even_from_an_answer_field(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Every answer so far is saved" in screen_texts(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("ctrl+c", "y")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_ctrl_q_asks_during_a_session(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(one_question_bank(tmp_path / "one", "who"), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "Quit quiz?" in screen_texts(app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.press("ctrl+q")  # a second Ctrl+Q quits
        await pilot.pause()
    assert app.return_code == 0


async def test_a_used_up_daily_limit_is_explained(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="home")
    app.settings = Settings(new_per_day=1)
    # Earlier today the learner met one new question of the deck and knew it well (due in days).
    Store(app.options.scores_dir, "ana").append(
        {
            "v": 1,
            "kind": "answer",
            "id": "a" * 32,
            "time": (NOW - timedelta(hours=1)).isoformat(),
            "learner": "ana",
            "key": "tf/one",
            "type": "truefalse",
            "response": True,
            "correct": True,
            "rating": 4,
        }
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.start_session("drill", decks=("tf",))
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen), "not a bare 'nothing due' while 2 new questions wait"
        shown = screen_texts(app)
        assert "New questions are limited to 1 a day in each deck (done today: tf 1)" in shown
        assert "2 more wait for tomorrow: `quiz practice --deck tf` drills them anyway" in shown
        assert "raise the daily new-question limit in the settings" in shown
        await pilot.press("enter")
        await pilot.pause()
        app.settings = Settings(new_per_day=1, limits_per="global")
        app.start_session("drill", decks=("tf",))
        await pilot.pause()
        assert "limited to 1 a day across all decks (1 done today)" in screen_texts(app)


def exam_app(tmp_path: Path, *, minutes: int | None = None) -> tuple[QuizApp, list[datetime]]:
    folder = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    library, problems = load_paths([folder])
    assert not problems
    now = [NOW]
    options = Options(
        learner="ana",
        scores_dir=tmp_path / "scores",
        question_paths=(folder,),
        command="exam",
        count=3,
        minutes=minutes,
    )
    app = QuizApp(
        options, library, clock=lambda: now[0], rng=random.Random(0), prefs_file=tmp_path / "p.json", background=False
    )
    return app, now


async def test_an_exam_can_skip_flag_and_go_back_before_handing_in(tmp_path: Path) -> None:
    app, _ = exam_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.exam is not None
        assert "f3" not in screen.active_bindings  # no "I don't know" in an exam
        await pilot.press("ctrl+f")  # flag the first question
        await pilot.pause()
        assert "⚑ flagged" in screen_texts(app)
        await pilot.press("ctrl+n")  # skip it
        await pilot.pause()
        assert screen.exam.position == 1
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        # Back to the skipped, flagged question by itself; answer it, then the sheet.
        assert screen.exam.position == 0
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ExamSheetScreen)
        shown = screen_texts(app)
        assert "0 questions unanswered, 1 flagged." in shown
        await pilot.press("enter")  # the flagged question is highlighted: go back to it
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and screen.exam.position == 0
        assert "answered (a new answer replaces it)" in screen_texts(app)
        await pilot.press("t")  # change the answer
        await pilot.pause()
        assert isinstance(app.screen, ExamSheetScreen)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)  # one is still flagged
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    kinds = [record["kind"] for record in log_records(app)]
    assert kinds == ["answer", "answer", "answer", "answer", "undo"]


async def test_an_exam_with_a_time_limit_counts_down_and_keeps_answers(tmp_path: Path) -> None:
    app, now = exam_app(tmp_path, minutes=10)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert text(screen.query_one("#countdown")) == "⏱ 10:00 left"
        await pilot.press("t")
        await pilot.pause()
        now[0] = NOW + timedelta(minutes=3, seconds=15)
        screen._tick()
        assert text(screen.query_one("#countdown")) == "⏱ 06:45 left"
        now[0] = NOW + timedelta(minutes=10)
        screen._tick()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_texts(app)
        assert "Time ran out: every answer given before then is kept and counted." in shown
        assert "Not answered: 2 questions" in shown and "/ 3" in shown
    assert len(answers(app)) == 1
