"""The class screen from the home screen: with a roster configured (`quiz config
roster PATH`), `C` fetches every learner's repository (real git, local bare
repositories the learners synced to) in a thread and shows the class report;
Escape goes home. Without a roster the key is not offered."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, LoadingIndicator, Static, TabbedContent

from quiz.cli import main
from quiz.core.class_roster import set_roster
from quiz.core.store import Store
from quiz.tui.screens.class_fetch import ClassFetchScreen
from quiz.tui.screens.class_report import ClassReportScreen
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.home import HomeScreen
from tests.classroom.conftest import _no_git_identity, bare  # noqa: F401 - fixtures
from tests.classroom.test_sync import record
from tests.tui.conftest import AppFactory

pytestmark = pytest.mark.usefixtures("_no_git_identity")


def answer(n: int, learner: str, key: str, correct: bool) -> dict[str, Any]:
    return {**record(n, learner), "learner": learner, "key": key, "correct": correct, "rating": 3 if correct else 1}


@pytest.fixture
def roster(tmp_path: Path, bare: Callable[[str], str], monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """Two learners who drilled and ran `quiz sync --init` to their own bare repository,
    and a third whose repository does not exist."""
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    rows = ["learner,url"]
    for learner, right in (("ana", True), ("ben", False)):
        url = bare(learner)
        scores = tmp_path / "devices" / learner
        store = Store(scores, learner, device="laptop-0001")
        store.append(answer(1, learner, "every/pick", right))
        store.append(answer(2, learner, "every/fact", True))
        args = ["--scores", str(scores), "--learner", learner, "sync", "--init", url]
        assert main(args, io.StringIO(), io.StringIO()) == 0
        rows.append(f"{learner},{url}")
    rows.append(f"cai,{(tmp_path / 'remote' / 'cai.git').as_uri()}")
    path = tmp_path / "roster.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    set_roster(tmp_path / "prefs.json", str(path))
    return path


def footer_keys(app: Any) -> list[str]:
    return [active.binding.description for active in app.screen.active_bindings.values()]


async def test_c_fetches_the_roster_and_shows_the_class_then_escape_goes_home(
    roster: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    show = ClassFetchScreen._status

    def spy(screen: ClassFetchScreen, text: str) -> None:
        said.append(text)
        show(screen, text)

    monkeypatch.setattr(ClassFetchScreen, "_status", spy)
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        assert "Class" in footer_keys(app)
        await pilot.press("C")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert said == ["Fetching 3 repositories..."]  # shown while git ran, in a thread
        screen = app.screen
        assert isinstance(screen, ClassReportScreen)
        learners = screen.query_one("#learners-table", DataTable)
        rows = {str(learners.get_row_at(i)[0]): [str(c) for c in learners.get_row_at(i)] for i in range(3)}
        assert rows["ana"][1:3] == ["2", "100%"] and rows["ben"][1:3] == ["2", "50%"]
        assert rows["cai"][3] == "unreadable"  # the missing repository is listed, not dropped
        notes = "\n".join(notification.message for notification in app._notifications)
        assert "cai: git clone: the class repository was not found (check the URL)" in notes
        # Enter on a learner: their history, read only (no Unsuspend, nothing written).
        screen.query_one(TabbedContent).active = "learners"
        await pilot.pause()
        learners.focus()
        learners.move_cursor(row=0)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and app.screen.read_only
        assert app.screen.check_action("unsuspend", ()) is False
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClassReportScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert not (app.options.scores_dir / "ana").exists()  # the teacher's own log untouched


async def test_a_roster_that_cannot_be_read_is_a_sentence_on_screen(tmp_path: Path, make_app: AppFactory) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,url\nana,file:///srv/ana.git\n", encoding="utf-8")
    set_roster(tmp_path / "prefs.json", str(roster))
    roster.write_text("name,address\nana,x\n", encoding="utf-8")  # changed after `quiz config roster`
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ClassFetchScreen)
        status = str(app.screen.query_one("#class-status", Static).render())
        assert "The class report could not be made:" in status and "learner and url" in status
        assert "Traceback" not in status
        assert not app.screen.query_one(LoadingIndicator).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_without_a_roster_there_is_no_class_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        assert app.screen.check_action("class_report", ()) is False
        assert "Class" not in footer_keys(app)
        await pilot.press("C")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_escape_while_fetching_goes_home_at_once(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git is still talking to the server (an SSH command that waits for a gate file):
    the screen says so, Escape goes home, and the late result is dropped quietly."""
    gate = tmp_path / "gate"
    ssh = tmp_path / "slow-ssh"
    ssh.write_text(f'#!/bin/sh\nwhile [ ! -e "{gate}" ]; do sleep 0.05; done\nexit 1\n')
    ssh.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(ssh))
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,url\nana,ssh://school.example/srv/ana.git\n", encoding="utf-8")
    set_roster(tmp_path / "prefs.json", str(roster))
    app = make_app()
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        await pilot.press("C")
        status = ""
        for _ in range(200):
            await pilot.pause(0.05)
            status = str(app.screen.query_one("#class-status", Static).render())
            if "Fetching" in status:
                break
        assert status == "Fetching 1 repository..."
        assert app.screen.query_one(LoadingIndicator).display
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)  # the UI answered while git was busy
        gate.touch()
        for _ in range(200):
            await pilot.pause(0.05)
            if not any(worker.is_running for worker in app.workers):
                break
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
