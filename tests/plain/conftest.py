"""Fixtures for the plain line mode: banks written to tmp_path, a fresh score folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tui.banks import EVERY_TYPE, one_question_bank


@pytest.fixture
def every(tmp_path: Path) -> Path:
    """A folder with the bank holding one question of every type."""
    folder = tmp_path / "every"
    folder.mkdir()
    (folder / "every.yaml").write_text(EVERY_TYPE, encoding="utf-8")
    return folder


@pytest.fixture
def one(tmp_path: Path) -> Callable[[str], Path]:
    """`one("pick")`: a folder with a bank of that question alone."""
    return lambda question_id: one_question_bank(tmp_path / f"bank-{question_id}", question_id)


@pytest.fixture
def scores(tmp_path: Path) -> Path:
    """Where ana's log goes."""
    return tmp_path / "scores"
