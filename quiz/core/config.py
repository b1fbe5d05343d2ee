"""Where things live for one run: learner, scores folder, question banks.

Precedence is always command line > environment > default, so a class set-up can
pin `QUIZ_SCORES` while a learner still overrides it for one run. Defaults never
depend on the current folder: the bundled banks come from the package, scores from
the source checkout's `scores/` when run from one, else the platform's data folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from quiz.core import paths

Command = Literal["home", "drill", "practice", "exam"]


DISTRIBUTION = "quiz-drill"
"""The name on the package index (`quiz` there is an unrelated GraphQL client)."""


@dataclass(frozen=True)
class Located:
    """A path and the rule that chose it, for `quiz where` and for messages."""

    path: Path
    rule: str
    """"flag", "environment", "checkout", "platform default" or "bundled"."""
    detail: str = ""
    """The flag or variable that gave it, when there is one."""


def source_checkout() -> Path | None:
    """The repository this package runs from (an editable install or `python -m quiz`
    in a clone), else None.

    It is recognised by its layout: `quiz/` beside a `pyproject.toml` naming this
    distribution and a `questions/` folder. An installed wheel has neither.
    """
    root = Path(__file__).resolve().parent.parent.parent
    try:
        pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if f'name = "{DISTRIBUTION}"' not in pyproject or not (root / "questions").is_dir():
        return None
    return root


def bundled_questions_dir() -> Path:
    """The bundled banks: the checkout's `questions/` when run from source, else the
    copy installed inside the package (found through importlib.resources)."""
    checkout = source_checkout()
    if checkout is not None:
        return checkout / "questions"
    from importlib.resources import files

    return Path(str(files("quiz") / "questions"))


def default_learner(env: Mapping[str, str] | None = None) -> str:
    """`QUIZ_LEARNER`, else the OS user name, else "learner"."""
    env = os.environ if env is None else env
    name = env.get("QUIZ_LEARNER", "").strip()
    if name:
        return name
    import getpass  # here: a learner named on the command line or in QUIZ_LEARNER needs no user name

    try:
        return getpass.getuser() or "learner"
    except (OSError, KeyError, ImportError):  # ImportError: no pwd module (Windows without USERNAME)
        return "learner"


def locate_scores(scores: str | None = None, env: Mapping[str, str] | None = None) -> Located:
    """`--scores` > `QUIZ_SCORES` > the checkout's `scores/` > the platform's data folder.

    Never a folder relative to wherever the learner happens to stand, so one learner
    has one history whatever the current folder.
    """
    env = os.environ if env is None else env
    if scores:
        return Located(Path(scores), "flag", "--scores")
    value = env.get("QUIZ_SCORES", "").strip()
    if value:
        return Located(Path(value), "environment", "QUIZ_SCORES")
    checkout = source_checkout()
    if checkout is not None:
        return Located(checkout / "scores", "checkout")
    return Located(paths.data_dir(env) / "scores", "platform default")


def default_scores_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where scores go when no `--scores` is given (see `locate_scores`)."""
    return locate_scores(None, env).path


def locate_questions(questions: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Located:
    """`--questions` > `QUIZ_QUESTIONS` > the bundled banks; `path` is the first of them."""
    env = os.environ if env is None else env
    if questions:
        return Located(Path(questions[0]), "flag", "--questions")
    if env.get("QUIZ_QUESTIONS", "").strip():
        return Located(default_question_paths(env)[0], "environment", "QUIZ_QUESTIONS")
    return Located(bundled_questions_dir(), "checkout" if source_checkout() else "bundled")


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
    ask_learner: bool = False
    """Start by asking who is studying (`quiz serve` on an open address without --learner)."""
    exam: date | None = None
    """Drill: the exam day to plan for (`quiz.core.plan`)."""
    cram: bool | None = None
    """Practice: True every answer is cram, False every answer is scheduled, None only
    answers to questions not yet due are cram (`quiz.core.session`)."""
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
    scores_dir = locate_scores(scores, env).path
    paths = tuple(Path(p) for p in questions) if questions else default_question_paths(env)
    return name, scores_dir, paths
