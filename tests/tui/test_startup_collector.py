"""Start-up pauses Python's cyclic garbage collector (the library and the first screen
are made with it paused, then frozen); whatever way a start ends, it is running again."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.tui.app import QuizApp
from tests.tui.banks import TRUE_OR_FALSE, write_bank
from tests.tui.conftest import AppFactory


def test_every_way_out_of_a_start_leaves_the_collector_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    common = ["--questions", str(banks), "--scores", str(tmp_path / "scores"), "--learner", "ana"]
    seen: list[bool] = []

    def fake_run(*_args: object) -> int:
        seen.append(gc.isenabled())
        raise RuntimeError("the screen failed")

    monkeypatch.setattr("quiz.tui.app.run", fake_run)
    monkeypatch.setattr("quiz.cli.drill.fallback_reason", lambda *streams: None)
    with pytest.raises(RuntimeError):
        main(common, io.StringIO(), io.StringIO())
    assert seen == [True] and gc.isenabled()  # the library was loaded paused; the screen starts with it back
    code = main([*common, "--questions", str(tmp_path / "missing")], io.StringIO(), io.StringIO())
    assert code == 2 and gc.isenabled()
    monkeypatch.undo()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # the line mode, at the end of its input: it leaves
    main([*common, "--plain"], io.StringIO(), io.StringIO())
    assert gc.isenabled()


async def test_the_first_frame_resumes_the_collector(tmp_path: Path, make_app: AppFactory) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    app: QuizApp = make_app(banks)
    app.collect_after_first_frame = True
    gc.disable()
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert not app.collect_after_first_frame
    finally:
        gc.enable()
