"""Hostile paths: a learner name is a folder name only once it is known to be harmless.

`validate_learner` refuses names that would leave the scores folder or hide
characters; the command line turns the refusal into exit 2 with one line, never a
traceback; whatever name gets through, its log lies directly inside the scores
folder. A `--scores` that is a file is reported clearly, in the CLI and the TUI.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.core.config import Options
from quiz.core.model import Library
from quiz.core.store import LOG_NAME, LearnerError, Store, validate_learner
from quiz.tui.screens.home import HomeScreen
from tests.hardening.apps import make_app
from tests.hardening.conftest import PROFILE

FUZZ = settings.get_profile(PROFILE)

REFUSED = {
    "parent then name": "../x",
    "separator": "a/b",
    "parent": "..",
    "current": ".",
    "empty": "",
    "NUL": "\x00",
    "NUL inside": "ana\x00",
    "newline": "\n",
    "newline inside": "ana\nbob",
    "backslash": "a\\b",
    "absolute": "/etc",
    "deep parent": "../../../../../../etc/passwd",
    "escape sequence": "\x1b[2J",
    "right-to-left override": "ana\u202e",
    "zero-width space": "an\u200ba",
    "leading space": " ana",
    "trailing tab": "ana\t",
    "very long": "a" * 10_000,
}
ACCEPTED = ["ana", "Ana Maria", "josé", "Ζωή", "日本語", "o'brien", "a.b", "...a", "a..b", "-x"]


@pytest.mark.parametrize("name", list(REFUSED.values()), ids=list(REFUSED))
def test_hostile_learner_names_are_refused_with_a_reason(name: str, tmp_path: Path) -> None:
    with pytest.raises(LearnerError) as caught:
        validate_learner(name)
    assert isinstance(caught.value, ValueError) and str(caught.value).strip()
    with pytest.raises(LearnerError):
        Store(tmp_path / "scores", name)
    assert not (tmp_path / "scores").exists()


@pytest.mark.parametrize("name", ACCEPTED)
def test_ordinary_names_are_kept_as_typed(name: str, tmp_path: Path) -> None:
    assert validate_learner(name) == name
    store = Store(tmp_path / "scores", name)
    assert store.path == tmp_path / "scores" / name / LOG_NAME


@FUZZ
@given(st.one_of(st.text(max_size=80), st.sampled_from(list(REFUSED.values()) + ACCEPTED)))
def test_no_learner_name_leaves_the_scores_folder(name: str) -> None:
    scores = Path("/srv/quiz/scores")
    try:
        store = Store(scores, name)
    except LearnerError:
        return
    resolved = Path(os.path.normpath(store.path))
    assert resolved.parent.parent == scores, name
    assert resolved.name == LOG_NAME and resolved.parent.name == name
    assert not any(ord(c) < 32 or c in "/\\" for c in name)


USAGE_NAMES = ["../x", "a/b", "..", ".", "", "\n", "x" * 500, "\x1b]0;pwned\x07"]


@pytest.mark.parametrize("name", USAGE_NAMES, ids=repr)
@pytest.mark.parametrize("command", [["history"], ["history", "--json"], ["drill"], []])
def test_the_command_line_refuses_them_with_exit_2(
    name: str, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []

    def run(options: Options, library: Library) -> int:
        """Were a name let through, the TUI must not take over the test's terminal."""
        started.append(options.learner)
        return 0

    monkeypatch.setattr("quiz.tui.app.run", run)
    out, err = io.StringIO(), io.StringIO()
    args = ["--scores", str(tmp_path / "scores"), "--learner", name, *command]
    assert main(args, out, err) == 2
    message = err.getvalue()
    assert message.startswith("quiz") and message.count("\n") == 1, message
    assert "Traceback" not in message and out.getvalue() == ""
    assert "\x1b" not in message, "the refused name is echoed raw to the terminal"
    assert not (tmp_path / "scores").exists() and started == []


def test_quiz_learner_from_the_environment_is_checked_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_LEARNER", "../../etc")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--scores", str(tmp_path / "scores"), "history"], out, err) == 2
    assert "separator" in err.getvalue()


def test_a_scores_file_is_reported_by_quiz_history(tmp_path: Path) -> None:
    scores = tmp_path / "scores"
    scores.write_text("a file, not a folder\n")
    out, err = io.StringIO(), io.StringIO()
    assert main(["--scores", str(scores), "--learner", "ana", "history"], out, err) == 1
    assert "a file is in the way" in err.getvalue()
    assert scores.read_text() == "a file, not a folder\n"


async def test_a_scores_file_is_reported_in_the_tui(tmp_path: Path) -> None:
    scores = tmp_path / "scores"
    scores.write_text("a file, not a folder\n")
    app = make_app(tmp_path, "questions:\n  - {id: a, type: card, prompt: p, answer: b}\n", scores=scores)
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("p")  # practise: the session cannot read the log
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        messages = " ".join(str(n.message) for n in app._notifications)
        assert "a file is in the way" in messages, messages
    assert scores.read_text() == "a file, not a folder\n"


def test_a_bank_folder_with_a_fifo_a_device_and_link_loops_is_checked_without_hanging(
    tmp_path: Path,
) -> None:
    """A shared folder may hold things that are not files: a named pipe (reading it would
    block forever), a link to /dev/zero (endless), a dangling link, a link to itself."""
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "ok.yaml").write_text("questions:\n  - {id: a, type: card, prompt: p, answer: b}\n")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (folder / "loop").symlink_to(folder)
    done = subprocess.run(
        [sys.executable, "-m", "quiz", "check", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 files, 1 questions, 0 problems" in done.stderr
