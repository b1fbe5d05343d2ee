"""Running `quiz` in the plain line mode as a learner would: through a pipe or a terminal."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from quiz.core.bank import load_paths
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.core.session import Presented, Session
from quiz.core.store import Store

ESC = b"\x1b"
"""No escape sequence (CSI, OSC or any other) may reach the output: each starts with ESC."""
CSI_8BIT = b"\xc2\x9b"
"""The one-character CSI (U+009B), UTF-8 encoded."""

TYPES = ("pick", "several", "fact", "who", "year", "gaps", "sequence", "pairs", "flash")
"""The ids of the every-type bank's questions, one per question type."""


def quiz_command(banks: Path, scores: Path, *args: str) -> list[str]:
    """`python -m quiz` on these banks and scores, learner ana."""
    return [sys.executable, "-m", "quiz", "--questions", str(banks), "--scores", str(scores), "--learner", "ana", *args]


def child_env(**extra: str) -> dict[str, str]:
    """The test's environment, with the parsed-bank cache and UTC kept, plus `extra`."""
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env.update({"TZ": "UTC", "PYTHONIOENCODING": "utf-8"}, **extra)
    return env


def run_piped(
    banks: Path, scores: Path, lines: list[str], *args: str, tmp: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run quiz with stdin read from a file holding `lines`, as `quiz ... < answers.txt` does
    (`env`: variables to set besides the test's own)."""
    answers = tmp / "answers.txt"
    answers.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    with answers.open("rb") as stdin:
        return subprocess.run(
            quiz_command(banks, scores, *args),
            stdin=stdin,
            capture_output=True,
            timeout=60,
            env=child_env(**(env or {})),
            check=False,
        )


def first_presented(banks: Path, tmp: Path, seed: int) -> Presented:
    """The first question as a session with this seed shows it (the order of items, for one)."""
    library, problems = load_paths([banks])
    assert not problems
    session = Session(library, Store(tmp / "predict", "ana"), rng=random.Random(seed))
    assert session.current is not None
    return session.current


def right_lines(presented: Presented) -> list[str]:
    """The lines that answer `presented` right, in the forms the README gives."""
    question: Question = presented.question
    if isinstance(question, ChoiceQuestion):
        return [str(presented.choices.index(question.answer) + 1)]
    if isinstance(question, MultiQuestion):
        return [" ".join(str(i + 1) for i, c in enumerate(presented.choices) if c in question.answers)]
    if isinstance(question, TrueFalseQuestion):
        return ["t" if question.answer else "f"]
    if isinstance(question, ShortQuestion):
        return [question.answers[0]]
    if isinstance(question, NumberQuestion):
        return [f"{question.answer:g}"]
    if isinstance(question, ClozeQuestion):
        return [" | ".join(gap.answers[0] for gap in question.gaps)]
    if isinstance(question, OrderQuestion):
        return [" ".join(str(presented.items.index(item) + 1) for item in question.items)]
    if isinstance(question, MatchQuestion):
        rights = presented.rights
        return [" ".join(f"{n}{'abcdefghij'[rights.index(right)]}" for n, (_, right) in enumerate(question.pairs, 1))]
    if isinstance(question, CardQuestion):
        return ["show", "3"]
    raise AssertionError(question)


def from_screen(question: Question, shown: str) -> list[str]:
    """The right answer worked out from the text on screen, as a learner reads it."""
    numbered = dict((text, n) for n, text in re.findall(r"^\s*(\d+)\. (.*?)\s*$", shown, re.M))
    lettered = dict((text, letter) for letter, text in re.findall(r"^\s*([a-z])\. (.*?)\s*$", shown, re.M))
    if isinstance(question, ChoiceQuestion):
        return [numbered[question.answer]]
    if isinstance(question, MultiQuestion):
        return [" ".join(numbered[c] for c in sorted(question.answers))]
    if isinstance(question, OrderQuestion):
        return [" ".join(numbered[item] for item in question.items)]
    if isinstance(question, MatchQuestion):
        return [" ".join(f"{numbered[left]}{lettered[right]}" for left, right in question.pairs)]
    return right_lines(Presented(question))


def records(scores: Path) -> list[dict[str, Any]]:
    """Every record of ana's log."""
    return Store(scores, "ana").read().records


def answers(scores: Path) -> list[dict[str, Any]]:
    """Only the answer records."""
    return [r for r in records(scores) if r["kind"] == "answer"]
