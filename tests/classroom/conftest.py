"""Real git against local bare repositories, with no user identity configured."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

if shutil.which("git") is None:  # pragma: no cover - git is on every CI machine here
    pytest.skip("git is not installed", allow_module_level=True)


@pytest.fixture(autouse=True)
def _no_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config: as on a lab machine where git was never set up."""
    config = tmp_path / "gitconfig"
    config.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def git(*args: str, cwd: Path) -> str:
    """Run git for a test's own set-up or checks."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def bare(tmp_path: Path) -> Callable[[str], str]:
    """Make a bare repository under tmp_path; returns its file:// URL."""

    def make(name: str) -> str:
        path = tmp_path / "remote" / f"{name}.git"
        path.mkdir(parents=True)
        git("init", "-q", "--bare", "-b", "main", str(path), cwd=tmp_path)
        return path.as_uri()

    return make
