"""The home screen's counts in the first frame for a big log, from the cached overview
(`quiz.core.overview_cache`), and the replay that still follows and corrects them."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable

from quiz.core import overview_cache
from quiz.core.replayer import QuestionState
from quiz.core.store import Store
from quiz.tui.app import QuizApp
from quiz.tui.screens.home import SYNC_LOG_BYTES
from tests.tui.banks import NOW, TRUE_OR_FALSE, screen_texts, write_bank
from tests.tui.conftest import AppFactory

SIZE = (100, 32)
REPLAYED = ["True or false", "3", "1", "1", "2"]
"""The row a replay of `big_log` gives at NOW: tf/three never answered, the others learned, one due."""


def answer_one_more(log: Path) -> None:
    """Append an answer to tf/three an hour ago, as another start of the app would."""
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    record.update(id="one-more", key="tf/three", time=(NOW - timedelta(hours=1)).isoformat())
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def big_log(scores: Path) -> Path:
    """1,200 right answers to tf/one and tf/two, six hours apart, ending a day before NOW:
    more than the screen replays before its first frame."""
    path = Store(scores, "ana").path
    path.parent.mkdir(parents=True, exist_ok=True)
    start = NOW - timedelta(days=301)
    with path.open("w", encoding="utf-8") as log:
        for n in range(1200):
            record = {
                "v": 1,
                "app": "0.1.0",
                "kind": "answer",
                "id": f"big-{n:05d}",
                "time": (start + timedelta(hours=6 * n)).isoformat(timespec="microseconds"),
                "learner": "ana",
                "key": "tf/one" if n % 2 else "tf/two",
                "type": "truefalse",
                "response": n % 2 == 1,
                "correct": True,
                "rating": 3,
                "hinted": False,
                "typo_forgiven": False,
                "elapsed": 4.2,
                "session": f"session-{n // 20:04d}",
                "mode": "drill",
            }
            log.write(json.dumps(record) + "\n")
    assert path.stat().st_size > SYNC_LOG_BYTES
    return path


def first_row(app: QuizApp) -> list[str]:
    return [str(cell) for cell in app.screen.query_one("#decks", DataTable).get_row_at(0)]


class Gate(threading.Event):
    """Set it to let the app's replays go; `replays` counts them."""

    replays = 0


def gate_replay(app: QuizApp, monkeypatch: pytest.MonkeyPatch) -> Gate:
    """Hold the app's replay until the returned event is set, so the test sees the first
    frame before the worker's numbers could arrive (the replay itself is the real one)."""
    gate = Gate()
    replay = app.states

    def held(learner: str | None = None) -> tuple[dict[str, QuestionState], list[str]]:
        gate.replays += 1
        assert gate.wait(10), "the test never let the replay go"
        return replay(learner)

    monkeypatch.setattr(app, "states", held)
    return gate


async def test_a_warm_cache_puts_the_counts_in_the_first_frame(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    big_log(tmp_path / "scores")
    # First start, nothing cached: the first frame has the decks, the counts follow.
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == ["True or false", "3", "…", "…", "…"]
        assert "Reading your score log..." in screen_texts(app)
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app) == REPLAYED
        assert gate.replays == 1  # the first showing (a mount and a resume) reads the log once
    # Second start: the counts of the first are in the first frame.
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == REPLAYED
        assert "Today: 1 due, 1 new (up to 20 a day), 2 learned of 3 questions in 1 decks." in screen_texts(app)
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app) == REPLAYED
        assert gate.replays == 1


async def test_a_new_answer_makes_the_first_frame_wait_for_the_replay(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    log = big_log(tmp_path / "scores")
    app = make_app(banks)  # in the foreground: computed, and cached, before the first frame
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == REPLAYED
    answer_one_more(log)
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == ["True or false", "3", "…", "…", "…"]
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app)[:3] == ["True or false", "3", "0"]  # tf/three is new no more


async def test_a_wrong_cached_entry_is_corrected_by_the_replay_that_follows(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    big_log(tmp_path / "scores")
    app = make_app(banks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    store = app.store()
    folder = overview_cache.cache_dir()
    assert folder is not None
    path = overview_cache.entry_path(folder, store.folder)
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["rows"][0][4:7] = [0, 3, 0]  # well formed, but not what the log says
    path.write_text(json.dumps(entry), encoding="utf-8")
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == ["True or false", "3", "0", "3", "0"]
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app) == REPLAYED
    assert json.loads(path.read_text(encoding="utf-8"))["rows"][0][4:7] == [1, 1, 2]


async def test_the_first_showing_reads_the_log_once_and_every_return_again(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first showing is a mount and a resume: the log is read for the mount only. Each
    return to the home screen (from a session, history, help) reads it again."""
    from quiz.tui.screens.help import HOME_KEYS, HelpScreen

    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    app = make_app(banks)
    reads: list[str | None] = []
    real = app.states

    def counting(learner: str | None = None) -> tuple[dict[str, QuestionState], list[str]]:
        reads.append(learner)
        return real(learner)

    monkeypatch.setattr(app, "states", counting)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(reads) == 1
        assert first_row(app) == ["True or false", "3", "3", "0", "0"]
        for returns in (2, 3):
            await app.push_screen(HelpScreen("Keys", HOME_KEYS))
            await pilot.pause()
            app.pop_screen()
            await pilot.pause()
            assert len(reads) == returns


async def test_a_log_as_its_replay_snapshot_left_it_is_counted_in_the_first_frame(
    tmp_path: Path, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No cached overview (a new day, other settings), but nothing appended to the log
    since its replay snapshot: the states come from the snapshot before the first frame,
    with no replay after it; one more answer and the replay is back in its worker."""
    from quiz.core import replay_cache

    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)  # a snapshot for this log of 1,200 answers
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    log = big_log(tmp_path / "scores")
    app = make_app(banks)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == REPLAYED
    folder = overview_cache.cache_dir()
    assert folder is not None
    entry = overview_cache.entry_path(folder, app.store().folder)
    entry.unlink()
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == REPLAYED
        assert "Today: 1 due, 1 new (up to 20 a day), 2 learned of 3 questions in 1 decks." in screen_texts(app)
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app) == REPLAYED
        assert gate.replays == 0
    assert entry.exists()  # kept after the first frame
    entry.unlink()
    answer_one_more(log)
    app = make_app(banks, background=True)
    gate = gate_replay(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert first_row(app) == ["True or false", "3", "…", "…", "…"]
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert first_row(app)[:3] == ["True or false", "3", "0"]
        assert gate.replays == 1
