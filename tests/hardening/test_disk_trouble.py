"""Disk trouble: a full disk, a read-only disk, a file where the scores folder should be.

The store must raise its `StoreError` with a message a learner understands, the
session must not count an answer it could not save, the command line must exit
non-zero with a message and no traceback, and the TUI must say so and keep the
question on screen. Where the machine allows it (root, `mount` available) the full
and read-only disks are real tmpfs mounts; everywhere, `os.write` is also made to fail.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.core.bank import load_text
from quiz.core.model import Library
from quiz.core.session import Session
from quiz.core.store import LOG_NAME, Store, StoreError
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.message import MessageScreen
from tests.hardening.apps import make_app, shown_text

ROOT = Path(__file__).resolve().parents[2]

BANK = """\
deck: disk
title: Disk trouble
questions:
  - id: one
    type: truefalse
    prompt: The first question.
    answer: true
  - id: two
    type: truefalse
    prompt: The second question.
    answer: false
  - id: three
    type: short
    prompt: The third question.
    answer: three
"""


def library() -> Library:
    bank, problems = load_text(BANK, "disk.yaml")
    assert bank is not None, problems
    return Library((bank,))


def record(n: int) -> dict[str, Any]:
    """A minimal valid answer record."""
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": f"{n:032x}",
        "time": "2026-01-04T09:00:00.000000+00:00",
        "learner": "ana",
        "key": "disk/one",
        "type": "truefalse",
        "response": True,
        "correct": True,
        "rating": 3,
    }


@pytest.fixture
def failing_log_writes(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """`fail(code)`: from now on every `os.write` to a review log raises OSError(code);
    `fail(0)` lets writes through again. Other writes are untouched."""
    real_write = os.write
    state = {"code": 0}

    def write(fd: int, data: Any) -> int:
        if state["code"]:
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                target = ""
            if target.endswith(LOG_NAME):
                raise OSError(state["code"], os.strerror(state["code"]))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)

    def fail(code: int) -> None:
        state["code"] = code

    return fail


REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "quota",
    errno.EROFS: "read-only",
    errno.EIO: "input/output error",
    errno.EACCES: "permission denied",
}


@pytest.mark.parametrize("code", list(REASONS), ids=[errno.errorcode[c] for c in REASONS])
def test_a_failed_write_raises_store_error_in_plain_words(
    tmp_path: Path, failing_log_writes: Callable[[int], None], code: int
) -> None:
    store = Store(tmp_path / "scores", "ana")
    store.append(record(1))
    before = store.path.read_bytes()
    failing_log_writes(code)
    with pytest.raises(StoreError) as caught:
        store.append(record(2))
    message = str(caught.value)
    assert isinstance(caught.value, OSError) and caught.value.errno == code
    assert REASONS[code] in message and str(store.path) in message
    assert "Traceback" not in message and "\n" not in message
    assert store.path.read_bytes() == before  # nothing half-written
    failing_log_writes(0)
    store.append(record(3))
    assert [r["id"] for r in store.read().records] == [record(1)["id"], record(3)["id"]]


def test_an_answer_that_cannot_be_saved_is_not_counted(
    tmp_path: Path, failing_log_writes: Callable[[int], None]
) -> None:
    store = Store(tmp_path / "scores", "ana")
    session = Session(library(), store, mode="practice")
    presented, progress = session.current, session.progress
    assert presented is not None
    failing_log_writes(errno.ENOSPC)
    with pytest.raises(StoreError, match="disk full"):
        session.answer(True)
    assert session.current == presented and session.feedback is None
    assert session.progress == progress and session.summary().answered == 0
    assert presented.question.key not in session.states
    failing_log_writes(0)
    feedback = session.answer(True)  # the learner answers again once there is room
    assert [r["id"] for r in store.read().records] == [feedback.record_id]


@pytest.mark.parametrize(
    ("layout", "phrase"),
    [
        ("scores is a file", "a file is in the way"),
        ("learner folder is a file", "a file is in the way"),
        ("log is a folder", "a folder is in the way"),
        ("scores under a file", "a file is in the way"),
    ],
)
def test_an_unusable_scores_path_gives_a_clear_store_error(tmp_path: Path, layout: str, phrase: str) -> None:
    scores = tmp_path / "scores"
    if layout == "scores is a file":
        scores.write_text("not a folder")
    elif layout == "learner folder is a file":
        scores.mkdir()
        (scores / "ana").write_text("not a folder")
    elif layout == "log is a folder":
        (scores / "ana" / LOG_NAME).mkdir(parents=True)
    else:
        (tmp_path / "file").write_text("x")
        scores = tmp_path / "file" / "scores"
    store = Store(scores, "ana")
    with pytest.raises(StoreError) as caught:
        store.append(record(1))
    assert phrase in str(caught.value), str(caught.value)
    with pytest.raises(StoreError):
        store.read()


# --------------------------------------------------------------------------- real disks


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs mounted for the test (skipped where mounting is not allowed)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    mount_point = tmp_path / "tmpfs"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False)


def fill(folder: Path) -> Path:
    """Fill the file system holding `folder` to the last byte; the filler's path."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as handle:
        while True:
            try:
                handle.write(b"\0" * 512)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                return filler


def test_a_really_full_disk(tiny_tmpfs: Path) -> None:
    store = Store(tiny_tmpfs / "scores", "ana")
    session = Session(library(), store, mode="practice")
    saved = []
    filler = None
    for attempt in range(200):
        presented = session.current
        if presented is None:
            session = Session(library(), store, mode="practice")
            continue
        if attempt == 2:
            filler = fill(tiny_tmpfs)
        response: Any = "three" if presented.question.type == "short" else True
        try:
            saved.append(session.answer(response).record_id)
        except StoreError as error:
            assert filler is not None, f"failed before the disk was full: {error}"
            assert "disk full" in str(error) or "is the disk full?" in str(error), str(error)
            assert session.current == presented and session.feedback is None
            break
        session.next()
    else:
        pytest.fail("the disk never filled up")
    log = store.read()
    assert [r["id"] for r in log.records] == saved  # every saved answer, intact
    assert len(log.warnings) <= 1  # at most the torn end of the refused record
    filler.unlink()
    feedback = session.answer(response)
    log = store.read()
    assert [r["id"] for r in log.records] == [*saved, feedback.record_id]
    assert len(log.warnings) <= 1


def test_a_really_read_only_disk(tiny_tmpfs: Path) -> None:
    store = Store(tiny_tmpfs / "scores", "ana")
    store.append(record(1))
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    with pytest.raises(StoreError, match="read-only") as caught:
        store.append(record(2))
    assert caught.value.errno == errno.EROFS
    assert [r["id"] for r in store.read().records] == [record(1)["id"]]  # reading still works
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(ROOT / "questions")], out, err) in (0, 1)


# --------------------------------------------------------------------------- command line


def unusable_scores(tmp_path: Path) -> Path:
    """A `--scores` value that is a regular file."""
    path = tmp_path / "scores.txt"
    path.write_text("I am a file\n")
    return path


def test_quiz_history_with_unusable_scores_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    scores = unusable_scores(tmp_path)
    code = main(["--scores", str(scores), "--learner", "ana", "history"], out, err)
    assert code != 0
    assert "file is in the way" in err.getvalue() and str(scores) in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_quiz_report_with_unusable_paths_exits_non_zero_with_a_message(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    scores = unusable_scores(tmp_path)
    assert main(["report", str(scores)], out, err) == 1
    assert str(scores) in err.getvalue() and "Traceback" not in err.getvalue()
    broken = tmp_path / "class" / "ana"
    (broken / LOG_NAME).mkdir(parents=True)
    err = io.StringIO()
    assert main(["report", str(tmp_path / "class")], out, err) == 1
    assert "a folder is in the way" in err.getvalue()


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    scores = unusable_scores(tmp_path)
    for args in (["history"], ["history", "--json"], ["report", str(scores)]):
        done = subprocess.run(
            [sys.executable, "-m", "quiz", "--scores", str(scores), "--learner", "ana", *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        assert done.returncode not in (0,), args
        assert "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip(), args


# --------------------------------------------------------------------------- the TUI


def phase_of(screen: DrillScreen) -> str:
    """The drill screen's phase, read afresh (asking, or showing feedback)."""
    return screen.phase


async def test_the_tui_says_so_and_keeps_the_question(
    tmp_path: Path, failing_log_writes: Callable[[int], None]
) -> None:
    app = make_app(tmp_path, BANK, command="practice")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.presented is not None
        asked = screen.presented
        failing_log_writes(errno.ENOSPC)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        message = shown_text(app)
        assert "could not be saved" in message and "disk full" in message
        await pilot.press("enter")
        await pilot.pause()
        back: object = app.screen
        assert back is screen and phase_of(screen) == "asking"
        assert screen.presented == asked and asked.question.prompt in shown_text(app)
        failing_log_writes(0)
        await pilot.press("t")  # answered again once the disk has room
        await pilot.pause()
        assert phase_of(screen) == "feedback" and screen.feedback is not None
        rating = screen.feedback.rating

        failing_log_writes(errno.ENOSPC)  # then the disk fills again
        for key, title in (("g", "Could not save the new rating"), ("u", "Could not undo")):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, MessageScreen), key
            assert title in shown_text(app) and "disk full" in shown_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert phase_of(screen) == "feedback" and screen.feedback.rating == rating, key
    records = Store(tmp_path / "scores", "ana").read().records
    assert [(r["kind"], r["key"]) for r in records] == [("answer", asked.question.key)]
