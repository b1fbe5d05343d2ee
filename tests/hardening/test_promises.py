"""SECURITY.md promises that no other hardening test attacks: no network, no external
command, no code from the inputs, and private replay-cache entries of responses.

An audit hook (PEP 578) watches every socket, process and unpickling event (not
marshal: importing a module's .pyc uses it) while
hostile banks and logs go through `quiz check`, `quiz history`, `quiz report` and a
session that answers; any such event is a broken promise.
"""

from __future__ import annotations

import io
import stat
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.core import replay_cache
from quiz.core.bank import load_paths
from quiz.core.history import load_history
from quiz.core.session import Session
from quiz.core.store import Store
from tests.hardening.hostile import BANK, write_hostile_log

FORBIDDEN = (
    "socket.",
    "subprocess.",
    "os.system",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
    "pickle.find_class",
    "urllib.",
    "http.client.",
)
_watching: list[list[str]] = []


def _hook(event: str, _args: tuple[Any, ...]) -> None:
    if _watching and event.startswith(FORBIDDEN):
        _watching[-1].append(event)


sys.addaudithook(_hook)  # hooks cannot be removed; it only records while a test watches


@pytest.fixture
def watched() -> Iterator[list[str]]:
    events: list[str] = []
    _watching.append(events)
    try:
        yield events
    finally:
        _watching.pop()


def test_no_network_no_command_no_unpickling_on_hostile_input(tmp_path: Path, watched: list[str]) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "bank.yaml").write_text(BANK, encoding="utf-8")
    (banks / "python.yaml").write_text(
        "questions:\n- id: a\n  prompt: !!python/object/apply:os.system ['touch pwned']\n", encoding="utf-8"
    )
    write_hostile_log(tmp_path / "scores", "ana")
    write_hostile_log(tmp_path / "scores", "bob")
    for args in (
        ["check", str(banks)],
        ["--questions", str(banks / "bank.yaml"), "--scores", str(tmp_path / "scores"), "--learner", "ana", "history"],
        ["--questions", str(banks / "bank.yaml"), "report", str(tmp_path / "scores"), "--csv"],
    ):
        main(args, io.StringIO(), io.StringIO())
    library, _ = load_paths([banks / "bank.yaml"])
    session = Session(library, Store(tmp_path / "scores", "ana"), clock=lambda: datetime(2026, 1, 5, tzinfo=UTC))
    if session.current is not None and session.current.question.type == "card":
        session.answer(3)
    assert watched == [], f"forbidden events: {sorted(set(watched))}"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_watch_itself_sees_a_connection(watched: list[str]) -> None:
    """Guards the hook above: a real socket event is recorded."""
    import socket

    with socket.socket() as sock, pytest.raises(OSError):
        sock.connect(("127.0.0.1", 9))  # discard port, nothing listens: refused
    assert any(event.startswith("socket.") for event in watched)


def test_the_history_snapshot_of_responses_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    write_hostile_log(tmp_path / "scores", "ana")
    library, _ = load_paths([])
    load_history(tmp_path / "scores", "ana", library, now=datetime(2026, 1, 5, tzinfo=UTC))
    (entry,) = (tmp_path / "cache" / "replay").glob("*.history")
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_every_test_security_md_names_exists() -> None:
    """SECURITY.md names the test attacking each promise: a renamed or deleted test
    must not leave a promise pointing at nothing."""
    import re

    root = Path(__file__).resolve().parents[2]
    text = (root / "SECURITY.md").read_text(encoding="utf-8")
    sources = "\n".join(path.read_text(encoding="utf-8") for path in (root / "tests").rglob("test_*.py"))
    defined = set(re.findall(r"^(?:async )?def (test_\w+)", sources, re.MULTILINE))
    named = set(re.findall(r"\b(test_\w+)\b(?!\.py)", text))
    assert named, "SECURITY.md names no test"
    assert named <= defined, f"named in SECURITY.md but not defined: {sorted(named - defined)}"
    for file in re.findall(r"(H|tests/\w+)/(test_\w+\.py)", text):
        folder = "tests/hardening" if file[0] == "H" else file[0]
        assert (root / folder / file[1]).is_file(), file
