"""Where things live for one run: learner, scores folder, question banks.

Precedence is always command line > environment > default, so a class set-up can
pin `QUIZ_SCORES` while a learner still overrides it for one run.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Command = Literal["home", "drill", "practice", "exam"]


def bundled_questions_dir() -> Path:
    """The repository's `questions/` folder, next to the package."""
    return Path(__file__).resolve().parent.parent.parent / "questions"


def default_learner(env: Mapping[str, str] | None = None) -> str:
    """`QUIZ_LEARNER`, else the OS user name, else "learner"."""
    env = os.environ if env is None else env
    name = env.get("QUIZ_LEARNER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser() or "learner"
    except (OSError, KeyError):
        return "learner"


def default_scores_dir(env: Mapping[str, str] | None = None) -> Path:
    """`QUIZ_SCORES`, else `./scores`."""
    env = os.environ if env is None else env
    value = env.get("QUIZ_SCORES", "").strip()
    return Path(value) if value else Path("scores")


def default_question_paths(env: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """`QUIZ_QUESTIONS` (os.pathsep-separated), else the bundled banks."""
    env = os.environ if env is None else env
    value = env.get("QUIZ_QUESTIONS", "").strip()
    if value:
        return tuple(Path(part) for part in value.split(os.pathsep) if part.strip())
    return (bundled_questions_dir(),)


@dataclass(frozen=True)
class Options:
    """Everything the TUI needs to know to start; built by the CLI."""

    learner: str
    scores_dir: Path
    question_paths: tuple[Path, ...]
    command: Command = "home"
    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    limit: int | None = None
    """Drill: at most this many questions this session."""
    count: int | None = None
    """Exam: this many questions."""
    shuffle: bool = False
    """Practice: ask the questions in a random order rather than bank order."""
    minutes: int | None = None
    """Exam: the time limit, if any."""
    include_cards: bool = False
    """Exam: also draw self-graded flashcards."""
    extra: Mapping[str, str] = field(default_factory=dict)


def resolve(
    *,
    learner: str | None = None,
    scores: str | None = None,
    questions: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[str, Path, tuple[Path, ...]]:
    """Apply the precedence rules to what the command line gave."""
    name = learner if learner is not None else default_learner(env)
    scores_dir = Path(scores) if scores else default_scores_dir(env)
    paths = tuple(Path(p) for p in questions) if questions else default_question_paths(env)
    return name, scores_dir, paths
