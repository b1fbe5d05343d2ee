"""Fixtures for the TUI tests: small banks in tmp_path, a fixed clock, a seeded RNG.

Every test app uses `TZ=UTC`, a clock stuck at 2026-01-05 10:00 UTC and
`random.Random(0)`, so what is on screen (due dates included) is the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quiz.core.bank import load_paths
from quiz.core.config import Command, Options
from quiz.tui.app import QuizApp
from tests.tui.banks import EVERY_TYPE, MARKUP, NOW


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    """A folder with the every-type bank."""
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "every.yaml").write_text(EVERY_TYPE, encoding="utf-8")
    return folder


@pytest.fixture
def markup_banks(tmp_path: Path) -> Path:
    """A folder with the bank whose text looks like markup."""
    folder = tmp_path / "markup-banks"
    folder.mkdir()
    (folder / "markup.yaml").write_text(MARKUP, encoding="utf-8")
    return folder


AppFactory = Callable[..., QuizApp]


@pytest.fixture
def make_app(tmp_path: Path, banks: Path) -> AppFactory:
    """Build a `QuizApp` on the test banks; keyword arguments go to `Options`.

    Logs are replayed in the foreground (step by step) unless `background=True`.
    """

    def build(folder: Path | None = None, command: Command = "home", **options: Any) -> QuizApp:
        background = bool(options.pop("background", False))
        paths = (folder or banks,)
        library, problems = load_paths(list(paths))
        assert not problems, problems
        opts = Options(
            learner=options.pop("learner", "ana"),
            scores_dir=tmp_path / "scores",
            question_paths=paths,
            command=command,
            **options,
        )
        return QuizApp(
            opts,
            library,
            clock=lambda: NOW,
            rng=random.Random(0),
            prefs_file=tmp_path / "prefs.json",
            background=background,
        )

    return build
