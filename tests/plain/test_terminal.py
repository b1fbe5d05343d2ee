"""The plain line mode in a real terminal (a pty, through pexpect), as a screen-reader user meets it.

The answers are worked out from what the dialogue prints, the way a learner reads
them; the whole transcript (the terminal's echo included) must hold no escape byte.
"""

from __future__ import annotations

import io
import signal
from pathlib import Path

import pexpect
import pytest

from quiz.core.bank import load_paths
from tests.plain.helpers import CSI_8BIT, ESC, TYPES, answers, child_env, from_screen, quiz_command, records


def spawn(banks: Path, scores: Path, *args: str, **env: str) -> tuple[pexpect.spawn, io.BytesIO]:
    """quiz in a 100x40 pty; the second value collects everything it printed."""
    command = quiz_command(banks, scores, *args)
    child = pexpect.spawn(
        command[0],
        command[1:],
        env=child_env(**env),
        dimensions=(40, 100),
        timeout=30,
        # Ctrl+C as in a terminal: a test run started in the background (`&`, nohup, some CI
        # runners) ignores SIGINT, and a child would inherit that and never see the key.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    transcript = io.BytesIO()
    child.logfile_read = transcript
    return child, transcript


def test_every_type_in_a_terminal(every: Path, scores: Path) -> None:
    library, _ = load_paths([every])
    questions = {q.id: q for q in library.questions}
    child, transcript = spawn(every, scores, "drill", "--plain")
    child.expect("Type help for the commands")
    for question_id in TYPES:
        child.expect(r"Answer: ")
        shown = child.before.decode()
        assert f"{questions[question_id].type}, Every question type." in shown
        lines = from_screen(questions[question_id], shown)
        if question_id == "flash":
            child.sendline("3")  # a grade before the answer is shown is refused
            child.expect("Recall the answer first, then type show")
            child.expect("Answer: ")
        for line in lines[:-1]:
            child.sendline(line)
        if question_id == "flash":
            child.expect("The answer: Becoming acting president.")
            child.expect("Grade: ")
        child.sendline(lines[-1])
        child.expect("Correct.")
        child.expect(r"Rated (Good|Hard)\.")
    child.expect("Answer: ")
    child.sendeof()  # Ctrl+D: the end of input, as from a pipe
    child.expect("Drill ended early; every answer given is saved.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(r["key"].split("/")[1], r["correct"]) for r in answers(scores)] == [(t, True) for t in TYPES]
    assert ESC not in transcript.getvalue() and CSI_8BIT not in transcript.getvalue()


def test_hint_undo_help_and_quit_in_a_terminal(every: Path, scores: Path) -> None:
    child, transcript = spawn(every, scores, "drill", "--plain")
    child.expect("A hint is available: type hint.")
    child.expect("Answer: ")
    child.sendline("")
    child.expect("An empty line is not an answer")
    child.sendline("hint")
    child.expect("Hint: The Kremlin is there.")
    child.sendline("1")
    child.expect("Wrong.")
    child.expect("Rated Again.")
    child.expect("Answer: ")
    child.sendline("help")
    child.expect("undo: cancel your last answer")
    child.expect("To answer: Type the numbers of every right choice")
    child.sendline("undo")
    child.expect("Your last answer is cancelled: answer it again.")
    child.expect("Which city is the capital of Russia?")
    child.sendline("2")
    child.expect("Correct.")
    child.expect("Answer: ")
    child.sendline("quit")
    child.expect("Drill ended early")
    child.expect("Answered: 1. Right: 1.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(r["kind"], r.get("hinted")) for r in records(scores)] == [
        ("answer", True),
        ("undo", None),
        ("answer", False),
    ]
    assert ESC not in transcript.getvalue()


def test_ctrl_c_ends_with_the_summary_and_nothing_lost(every: Path, scores: Path) -> None:
    child, _ = spawn(every, scores, "drill", "--plain")
    child.expect("Answer: ")
    child.sendline("2")
    child.expect("Correct.")
    child.expect("Answer: ")
    child.sendintr()
    child.expect("Drill ended early")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert [r["key"] for r in answers(scores)] == ["every/pick"]


@pytest.mark.parametrize("env", [{"TERM": "dumb"}])
def test_quiz_falls_back_to_the_line_mode_on_a_dumb_terminal(every: Path, scores: Path, env: dict[str, str]) -> None:
    child, transcript = spawn(every, scores, **env)
    child.expect("TERM is dumb, so this is the plain line mode")
    child.expect("1. Every question type: 9 questions, 9 new, 0 due, 0 learned.")
    child.expect("Choice: ")
    child.sendline("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert ESC not in transcript.getvalue()
