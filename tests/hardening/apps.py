"""Building a `QuizApp` for the hardening Pilot tests, and reading what it shows.

Same set-up as the TUI tests (fixed clock, seeded random source, preferences in the
test's folder) so the screens are reproducible.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static

from quiz.core.bank import load_paths
from quiz.core.config import Command, Options
from quiz.tui.app import QuizApp

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def make_app(
    tmp_path: Path,
    bank_text: str,
    command: Command = "home",
    *,
    scores: Path | None = None,
    learner: str = "ana",
    count: int | None = None,
) -> QuizApp:
    """An app over one bank written into `tmp_path` (which must load without problems)."""
    folder = tmp_path / "banks"
    folder.mkdir(exist_ok=True)
    (folder / "bank.yaml").write_text(bank_text, encoding="utf-8")
    library, problems = load_paths([folder])
    assert not problems, problems
    options = Options(
        learner=learner,
        scores_dir=scores or tmp_path / "scores",
        question_paths=(folder,),
        command=command,
        count=count,
    )
    return QuizApp(options, library, clock=lambda: NOW, rng=random.Random(0), prefs_file=tmp_path / "prefs.json")


def shown_text(app: QuizApp) -> str:
    """The plain text of every visible `Static` on the active screen."""
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def screenshot_text(app: QuizApp) -> str:
    """Everything on the terminal as Textual would draw it (SVG text, markup-free)."""
    return app.export_screenshot()
