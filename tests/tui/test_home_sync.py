"""The home screen of a learner whose scores folder is a git work tree: how many
answers are not yet synced, and S to sync (Pilot, real git, a local bare repository)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from quiz.cli import main
from quiz.core.store import Store
from tests.classroom.conftest import _no_git_identity, bare, git  # noqa: F401 - fixtures
from tests.classroom.test_sync import record
from tests.tui.conftest import AppFactory

pytestmark = pytest.mark.usefixtures("_no_git_identity")


async def test_home_shows_unsynced_answers_and_s_syncs_them(
    tmp_path: Path,
    make_app: AppFactory,
    bare: Callable[[str], str],  # noqa: F811 - the fixture
) -> None:
    url = bare("ana")
    scores = tmp_path / "scores"
    assert main(["--scores", str(scores), "--learner", "ana", "sync", "--init", url], io.StringIO(), io.StringIO()) == 0
    store = Store(scores, "ana")
    store.append(record(1, "dev"))
    store.append(record(2, "dev"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        note = app.screen.query_one("#home-sync", Static)
        assert "2 answers not yet synced: press S to sync" in str(note.render())
        await pilot.press("S")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "All your answers are synced" in str(app.screen.query_one("#home-sync", Static).render())
    remote = Path(url.removeprefix("file://"))
    assert "quiz: ana@reviews: 2 answers" in git("log", "--format=%s", "main", cwd=remote)


async def test_outside_git_there_is_no_sync_note_and_no_sync_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#home-sync", Static).render()) == ""
        assert app.screen.check_action("sync", ()) is False
