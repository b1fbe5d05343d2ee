"""The app around the questions: home, markup safety, exam, summary, size, theme, palette."""

from __future__ import annotations

import json
import re
from pathlib import Path

from textual.widgets import DataTable

from quiz.core.prefs import load_prefs
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.prompt import PromptScreen
from quiz.tui.screens.summary import SummaryScreen
from quiz.tui.screens.too_small import TooSmallScreen
from quiz.tui.widgets.base import OptionRow
from quiz.tui.widgets.feedback import FeedbackView
from tests.tui.banks import TRUE_OR_FALSE, answers, screen_texts, text, write_bank
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


async def test_home_lists_decks_with_counts_and_totals(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#decks", DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[0] == "Every question type\nOne question of each kind, for the tests."
        assert row[1:] == ["9", "9", "0", "0"]  # questions, new, due today, learned
        shown = screen_texts(app)
        assert "Learner: ana" in shown
        assert "Today: 0 due, 9 new" in shown


async def test_home_counts_change_after_a_session(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # drill the highlighted deck
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("2", "enter")
        await pilot.pause()
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("enter")  # past the summary of the one answer
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        row = [str(c) for c in app.screen.query_one("#decks", DataTable).get_row_at(0)]
        assert row[2] == "8"  # one fewer new question


async def test_bank_text_that_looks_like_markup_is_shown_as_typed(markup_banks: Path, make_app: AppFactory) -> None:
    app = make_app(markup_banks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#decks", DataTable)
        title = str(table.get_row_at(0)[0])
        assert title.startswith("[bold]Loud[/] deck [@click=app.quit]x[/]")
        assert "[red]red[/red] description" in title
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert text(app.screen.query_one("#prompt")) == ("Is [bold]this[/] bold? [@click=app.quit]quit[/]")
        rows = [text(row) for row in app.screen.query(OptionRow)]
        assert rows == [
            "( ) 1. [bold]Yes[/]",
            "( ) 2. [/]No",
            "( ) 3. [@click=app.quit]Maybe[/]",
        ]
        assert "[bold]Loud[/] deck" in text(app.screen.query_one("#deck-line"))
        await pilot.press("h")
        assert "[b]Look[/b] closely" in text(app.screen.query_one("#hint"))
        await pilot.click(app.screen.query(OptionRow)[2])  # a click is not an action
        await pilot.click(app.screen.query(OptionRow)[2])
        await pilot.pause()
        assert app.is_running
        feedback = text(app.screen.query_one("#feedback", FeedbackView))
        assert "Your answer: [@click=app.quit]Maybe[/]" in feedback
        assert "Right answer: [/]No" in feedback
        assert "Explanation: [i]Nothing[/i] here is markup." in feedback
        assert "Source: [link=https://example.com]A source[/link] [/]" in feedback
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "Is [bold]this[/] bold? [@click=app.quit]quit[/]" in screen_texts(app)
    assert answers(app)[0]["response"] == "[@click=app.quit]Maybe[/]"


async def test_command_line_mode_goes_straight_to_the_session(make_app: AppFactory) -> None:
    app = make_app(command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.mode == "drill"


async def test_exam_shows_no_feedback_then_score_and_review(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="exam", count=3)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(3):
            assert isinstance(app.screen, DrillScreen)
            assert not app.screen.query_one("#feedback").display
            assert app.screen.presented is not None
            await pilot.press("t")
            await pilot.pause()
        # Every question answered: the answer sheet comes before handing in.
        assert "3 answered" not in screen_texts(app)
        assert "0 questions unanswered, 0 flagged." in screen_texts(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_texts(app)
        assert "Score: 2 / 3" in shown
        assert "Review of every answer" in shown
        assert shown.count("✓ Correct") == 2
        assert shown.count("✗ Wrong") == 1
        assert "Clinton called from Moscow." in shown
    assert [r["mode"] for r in answers(app)] == ["exam"] * 3


async def test_summary_reports_the_session(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="practice")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in ("t", "enter", "t", "enter", "t", "enter"):
            await pilot.press(key)
            await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        shown = screen_texts(app)
        assert "Practice finished" in shown
        assert "Answered: 3   Right: 2   Accuracy: 67%   Time spent: 0 s" in shown
        assert "Hardest questions" in shown
        assert "1 miss    Clinton called from Moscow.  (tf/two)" in shown  # counts padded to one width
        assert "Due by the end of tomorrow: 3 questions" in shown
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_practise_a_tag_asks_for_it(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("n", "o", "p", "e", "enter")
        await pilot.pause()
        assert "No tag 'nope'" in screen_texts(app)
        await pilot.press("ctrl+u", *"test", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.mode == "practice"


async def test_switch_learner_validates_the_name(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "Enter to accept, Escape to cancel." in screen_texts(app)  # a modal has no footer
        await pilot.press("ctrl+u", "slash", "e", "t", "c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # refused, with a reason
        assert text(app.screen.query_one("#prompt-error")) != ""
        await pilot.press("ctrl+u", *"boris", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.learner == "boris"
        assert "Learner: boris" in screen_texts(app)


async def test_small_terminal_shows_a_message_until_it_grows(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        assert "This terminal is 50 columns wide and 15 rows tall; quiz needs at least 60" in screen_texts(app)
        await pilot.resize_terminal(55, 18)
        await pilot.pause()
        assert "This terminal is 55 columns wide and 18 rows tall" in screen_texts(app)
        await pilot.resize_terminal(100, 32)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_theme_is_remembered_between_runs(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
    assert load_prefs(tmp_path / "prefs.json") == {"theme": "nord"}
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_unreadable_prefs_fall_back_to_the_default_theme(tmp_path: Path, make_app: AppFactory) -> None:
    (tmp_path / "prefs.json").write_text("{not json", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"


async def test_command_palette_offers_the_apps_actions(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Drill all decks", "Practise a tag", "Exam", "Switch learner"} <= titles
        assert "Theme" in titles  # Textual's own are kept


def test_prefs_are_written_atomically(tmp_path: Path) -> None:
    from quiz.core.prefs import save_prefs, update_prefs

    path = tmp_path / "deep" / "prefs.json"
    save_prefs(path, {"theme": "nord"})
    update_prefs(path, other=1)
    assert json.loads(path.read_text(encoding="utf-8")) == {"other": 1, "theme": "nord"}
    assert [p.name for p in path.parent.iterdir()] == ["prefs.json"]  # no temp file left


async def test_history_opens_from_home(make_app: AppFactory) -> None:
    from quiz.tui.screens.history import HistoryScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_long_logs_are_replayed_without_blocking_the_screen(tmp_path: Path, make_app: AppFactory) -> None:
    """With `background`, home shows the decks first and the counts once replayed."""
    first = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), command="practice")
    async with first.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
    app = make_app(write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE), background=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        row = [str(c) for c in app.screen.query_one("#decks", DataTable).get_row_at(0)]
        assert row == ["True or false", "3", "2", "0", "0"]
        assert "Today: 0 due, 2 new" in screen_texts(app)
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.presented is not None
        assert app.screen.presented.question.key == "tf/two"


CONTROL_BANK = """\
deck: esc
title: "Deck \\e[2J title \\a"
description: "Clears \\e]0;pwned\\a the title"
questions:
  - id: q
    type: choice
    prompt: "Prompt \\e[2J with \\e]52;c;cHduZWQ=\\a escapes"
    choices: ["One \\e[31m", "Two"]
    answer: Two
    shuffle: false
    explanation: "Explained \\u202e backwards"
"""


async def test_control_characters_from_a_bank_never_reach_the_terminal(tmp_path: Path, make_app: AppFactory) -> None:
    app = make_app(write_bank(tmp_path / "esc", "esc", CONTROL_BANK))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shots = [app.export_screenshot()]
        await pilot.press("p")
        await pilot.pause()
        assert text(app.screen.query_one("#prompt")) == ("Prompt \\x1b[2J with \\x1b]52;c;cHduZWQ=\\x07 escapes")
        shots.append(app.export_screenshot())
        await pilot.press("1", "enter")
        await pilot.pause()
        assert "Explained \\u202e backwards" in text(app.screen.query_one("#feedback"))
        shots.append(app.export_screenshot())
    for svg in shots:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]", svg)


async def test_q_on_home_quits(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_home_keys_start_practice_and_exam_on_the_highlighted_deck(banks: Path, make_app: AppFactory) -> None:
    write_bank(banks, "tf", TRUE_OR_FALSE)
    app = make_app(banks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "p")  # the second deck: True or false
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.mode == "practice"
        assert app.screen.presented is not None
        assert app.screen.presented.question.deck == "tf"
        await pilot.press("escape", "y")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.mode == "exam"
        assert app.screen.title == "Exam: True or false"


async def test_a_served_open_address_asks_who_is_studying_first(make_app: AppFactory) -> None:
    app = make_app(ask_learner=True, learner="server-user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "Who is studying?" in screen_texts(app)
        await pilot.press("full stop", "full stop", "slash", "x", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "a name that is not a safe folder name is refused"
        assert "path separator" in screen_texts(app)
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press("c", "l", "e", "o", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.learner == "cleo"
        assert "Learner: cleo" in screen_texts(app)


async def test_leaving_the_name_screen_leaves_the_app(make_app: AppFactory) -> None:
    app = make_app(ask_learner=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0
    assert not any(isinstance(screen, HomeScreen) for screen in app.screen_stack)


async def test_home_says_when_the_score_log_cannot_be_read(tmp_path: Path, make_app: AppFactory) -> None:
    """Not a silent "everything is new": the learner is told the log is there but unreadable."""
    (tmp_path / "scores" / "ana" / "reviews.jsonl").mkdir(parents=True)  # a folder where the log should be
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(screen_texts(app).split())
        assert "Your score log could not be read" in shown
        assert "a folder is in the way" in shown
        assert "Nothing was changed" in shown
        assert "line(s) of the score log were skipped" not in shown


async def test_home_counts_skipped_lines_of_a_readable_log(tmp_path: Path, make_app: AppFactory) -> None:
    log = tmp_path / "scores" / "ana" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_text("not json\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = " ".join(screen_texts(app).split())
        assert "1 line(s) of the score log were skipped" in shown
        assert "could not be read" not in shown


async def test_a_deeply_nested_response_does_not_freeze_home_or_history(tmp_path: Path, make_app: AppFactory) -> None:
    """The reported case: a response nested 500 deep froze the history screen for minutes."""
    from quiz.tui.screens.history import HistoryScreen

    log = tmp_path / "scores" / "ana" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    base = '{"v":1,"kind":"answer","id":"a%d","time":"2026-01-04T09:00:00+00:00","key":"every/choice",'
    good = base % 1 + '"response":"x","rating":3,"correct":true}'
    deep = base % 2 + '"response":' + "[" * 500 + "]" * 500 + ',"rating":3,"correct":true}'
    log.write_text(good + "\n" + deep + "\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "1 line(s) of the score log were skipped" in " ".join(screen_texts(app).split())
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.history.answers == 1
