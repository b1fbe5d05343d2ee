"""`quiz drill --plain < answers.txt`: every type answered from a file, saved, no escapes.

Each run is a real `python -m quiz` with its standard input read from a file, as a
script or a learner on a slow link would run it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.plain.helpers import CSI_8BIT, ESC, TYPES, answers, first_presented, records, right_lines, run_piped
from tests.tui.banks import BANK_HEADER, QUESTIONS, TRUE_OR_FALSE, write_bank


@pytest.mark.parametrize("question_id", TYPES)
def test_every_type_answered_right_from_a_pipe(
    question_id: str, one: Callable[[str], Path], scores: Path, tmp_path: Path
) -> None:
    banks = one(question_id)
    presented = first_presented(banks, tmp_path, seed=7)
    # An empty line and a line of the wrong form come first: both are asked again.
    lines = ["", "xyzzy 99", *right_lines(presented)]
    if question_id in ("who", "year"):
        lines.remove("xyzzy 99")  # any text is an answer to a typed question
    result = run_piped(banks, scores, lines, "drill", "--plain", "--seed", "7", tmp=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert ESC not in result.stdout and CSI_8BIT not in result.stdout
    assert ESC not in result.stderr
    assert "An empty line is not an answer" in out
    assert "Correct." in out
    # A new question answered right comes back after its first learning step, so
    # the drill is still going when the input ends: it ends there, answer saved.
    assert "Drill ended early; every answer given is saved.\nAnswered: 1. Right: 1." in out
    saved = answers(scores)
    assert [(r["key"], r["correct"], r["mode"]) for r in saved] == [(f"every/{question_id}", True, "drill")]


def test_end_of_input_ends_cleanly_with_every_answer_saved(every: Path, scores: Path, tmp_path: Path) -> None:
    result = run_piped(every, scores, ["2", "1 3"], "drill", "--plain", "--seed", "1", tmp=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0
    assert "Drill ended early; every answer given is saved." in out
    assert "Answered: 2. Right: 2." in out
    assert [r["key"] for r in answers(scores)] == ["every/pick", "every/several"]
    assert b"Traceback" not in result.stderr


def test_commands_are_words_and_a_backslash_makes_a_word_an_answer(
    one: Callable[[str], Path], scores: Path, tmp_path: Path
) -> None:
    result = run_piped(one("who"), scores, ["help", "hint", "\\hint"], "drill", "--plain", tmp=tmp_path)
    out = result.stdout.decode()
    assert "hint: show the hint" in out  # help lists the words
    assert "Hint: The acting president." in out
    saved = answers(scores)
    assert [(r["response"], r["hinted"], r["correct"]) for r in saved] == [("hint", True, False)]
    assert "Rated Again" in out


def test_skip_saves_nothing_and_undo_logs_an_undo(every: Path, scores: Path, tmp_path: Path) -> None:
    lines = ["skip", "1 2", "undo", "1 3", "quit"]
    result = run_piped(every, scores, lines, "drill", "--plain", "--seed", "1", tmp=tmp_path)
    out = result.stdout.decode()
    assert "Skipped: nothing saved for that question." in out
    assert "Your last answer is cancelled: answer it again." in out
    kinds = [(r["kind"], r["key"]) for r in records(scores)]
    assert kinds == [
        ("answer", "every/several"),
        ("undo", "every/several"),
        ("answer", "every/several"),
    ]
    assert "Skipped: 1 question." in out and "Answered: 1. Right: 1." in out


def test_exam_keeps_feedback_for_the_end(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    lines = ["t", "undo", "t"]
    result = run_piped(banks, scores, lines, "exam", "--plain", "--count", "2", "--seed", "2", tmp=tmp_path)
    out = result.stdout.decode()
    assert "Exam answers are final; there is no undo in an exam." in out
    asking, review = out.split("Exam finished.")
    assert "Correct." not in asking and "Wrong." not in asking and asking.count("Saved.") == 2
    assert "Score: " in review and "out of 2." in review and "Review of every answer:" in review
    assert review.count("Correct.") + review.count("Wrong.") == 2
    assert len(answers(scores)) == 2
    assert all(r["mode"] == "exam" for r in answers(scores))


def test_wait_lets_a_right_answer_be_marked_easy(one: Callable[[str], Path], scores: Path, tmp_path: Path) -> None:
    result = run_piped(one("pick"), scores, ["2", "easy", ""], "drill", "--plain", "--wait", tmp=tmp_path)
    out = result.stdout.decode()
    assert "Marked as easy: rated Easy." in out
    kinds = [(r["kind"], r.get("rating")) for r in records(scores)]
    assert kinds == [("answer", 3), ("rerate", 4)]


def test_bank_text_with_escape_sequences_is_shown_as_visible_escapes(scores: Path, tmp_path: Path) -> None:
    hostile = (
        BANK_HEADER.replace("title: Every question type", 'title: "\\e]0;owned\\a deck"')
        + "questions:\n"
        + QUESTIONS["pick"].replace(
            "prompt: Which city is the capital of Russia?",
            'prompt: "Capital?\\e[2J\\e[31m red \\x9b1m"',
        )
    )
    banks = write_bank(tmp_path / "hostile", "every", hostile)
    result = run_piped(banks, scores, ["2"], "drill", "--plain", tmp=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert ESC not in result.stdout and CSI_8BIT not in result.stdout
    out = result.stdout.decode()
    assert "Capital?\\x1b[2J\\x1b[31m red \\x9b1m" in out
    assert "\\x1b]0;owned\\x07 deck" in out


def test_color_only_when_asked(one: Callable[[str], Path], scores: Path, tmp_path: Path) -> None:
    plain = run_piped(one("fact"), scores, ["t"], "drill", "--plain", tmp=tmp_path)
    colored = run_piped(one("fact"), tmp_path / "other", ["t"], "drill", "--plain", "--color", tmp=tmp_path)
    assert ESC not in plain.stdout
    assert b"\x1b[1;32mCorrect.\x1b[0m" in colored.stdout


def test_home_falls_back_to_the_line_mode_without_a_terminal(every: Path, scores: Path, tmp_path: Path) -> None:
    result = run_piped(every, scores, ["help", "1", "2", "quit", "quit"], tmp=tmp_path)
    err = result.stderr.decode()
    out = result.stdout.decode()
    assert result.returncode == 0
    assert err.count("\n") == 1 and "standard output is not a terminal" in err and "plain line mode" in err
    assert "1. Every question type: 9 questions, 9 new, 0 due, 0 learned." in out
    assert "1. Every question type: 9 questions, 8 new, 1 due, 0 learned." not in out  # due in 10 minutes
    assert "8 new" in out  # the counts are fresh after the session
    assert [r["key"] for r in answers(scores)] == ["every/pick"]
    assert ESC not in result.stdout


def test_home_counts_every_device_of_the_learner(scores: Path, tmp_path: Path) -> None:
    """Each device writes its own log; the line mode's home counts the answers of all."""
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    laptop = run_piped(banks, scores, ["1", "t", "quit", "quit"], tmp=tmp_path, env={"QUIZ_DEVICE": "laptop-1a2b"})
    assert laptop.returncode == 0, laptop.stderr.decode()
    assert "1. True or false: 3 questions, 3 new, 0 due, 0 learned." in laptop.stdout.decode()
    assert sorted(path.name for path in (scores / "ana").glob("*.jsonl")) == ["laptop-1a2b.jsonl"]
    phone = run_piped(banks, scores, ["1", "t", "quit", "quit"], tmp=tmp_path, env={"QUIZ_DEVICE": "phone-9f3c"})
    assert phone.returncode == 0, phone.stderr.decode()
    # The phone's first menu counts the laptop's answer; after its own, both.
    menus = [line for line in phone.stdout.decode().splitlines() if line.startswith("1. True or false")]
    assert menus[0] == "1. True or false: 3 questions, 2 new, 0 due, 0 learned."
    assert menus[-1] == "1. True or false: 3 questions, 1 new, 0 due, 0 learned."
    assert sorted(path.name for path in (scores / "ana").glob("*.jsonl")) == ["laptop-1a2b.jsonl", "phone-9f3c.jsonl"]
    again = run_piped(banks, scores, ["quit"], tmp=tmp_path, env={"QUIZ_DEVICE": "laptop-1a2b"})
    assert "1. True or false: 3 questions, 1 new, 0 due, 0 learned." in again.stdout.decode()
