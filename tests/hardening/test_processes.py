"""Killed sessions and two writers: real processes, real SIGKILLs, one score log.

What a learner is promised: an answer whose feedback appeared is saved, whatever
happens next; a session killed mid-write leaves at worst a torn last line, which
the next start skips with a warning and writes after; two app instances on one
learner lose and interleave nothing.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from quiz.core.bank import load_paths
from quiz.core.session import Session
from quiz.core.store import LOG_NAME, Store
from tests.hardening.conftest import scale
from tests.hardening.workers import BANK, LEARNER, many_questions_bank, response_for

ROOT = Path(__file__).resolve().parents[2]
KILLS = scale(20)
"""SIGKILLs in an ordinary run (more when QUIZ_FUZZ_EXAMPLES asks for a long run)."""
SEED = int(os.environ.get("QUIZ_FUZZ_SEED", "7"))
TIMEOUT = 60.0
"""Seconds to wait for a child's next line before declaring it hung (never reached
when things work; only there so a broken build fails instead of hanging)."""


class Child:
    """`python -c code args...` run from the repository root, talking over pipes.

    Lines are read straight from the pipe (no Python-level buffering), so waiting for
    the next line never stalls while that line already sits in a buffer.
    """

    def __init__(self, code: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )
        assert self.process.stdout is not None and self.process.stdin is not None
        self.out = self.process.stdout.fileno()
        self.stdin = self.process.stdin
        self.pending = b""

    def send(self, line: str) -> None:
        self.stdin.write(line.encode() + b"\n")

    def read_line(self) -> str:
        """The next line, failing (with the child's stderr) if it dies or hangs."""
        while b"\n" not in self.pending:
            ready, _, _ = select.select([self.out], [], [], TIMEOUT)
            chunk = os.read(self.out, 65536) if ready else b""
            if not chunk:
                self.fail("the child process gave no line")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode()

    def fail(self, message: str) -> NoReturn:
        """Fail the test with the child's stderr (it is killed to get it)."""
        self.process.kill()
        _, err = self.process.communicate()
        pytest.fail(f"{message} (exit {self.process.returncode}):\n{err.decode(errors='replace')}")

    def close(self) -> None:
        """End the child: close its stdin, then kill it if it does not exit."""
        if self.process.poll() is None:
            self.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def raw_lines(log: Path) -> list[bytes]:
    """The log's lines as bytes, each keeping its newline (a torn last one has none)."""
    return log.read_bytes().splitlines(keepends=True) if log.exists() else []


def assert_log_sound(store: Store, shown: set[str], torn: set[int]) -> list[dict[str, Any]]:
    """Every shown answer is in the log, and every line is a whole record except an
    incomplete last line and the earlier torn lines in `torn` (line numbers), which the
    next append ended with a newline. Adds the incomplete last line, if any, to `torn`.

    (A write cut by SIGKILL can be partial: the kernel stops a write at a page
    boundary when a fatal signal is pending. Its answer was never shown.)"""
    lines = raw_lines(store.path)
    for number, line in enumerate(lines, start=1):
        if not line.endswith(b"\n"):
            assert number == len(lines), "an incomplete line that is not the last"
            torn.add(number)
        elif number not in torn:
            record = json.loads(line)  # a half record would not parse
            assert record["kind"] == "answer" and record["learner"] == LEARNER, number
    log = store.read()
    for warning in log.warnings:
        number = int(re.search(r"line (\d+)", warning).group(1))  # type: ignore[union-attr]
        assert number in torn, warning
    ids = {record["id"] for record in log.records}
    missing = shown - ids
    assert not missing, f"{len(missing)} answers shown as saved are not in the log"
    return log.records


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    path = tmp_path / "kill.yaml"
    path.write_text(BANK, encoding="utf-8")
    return path


@pytest.fixture
def zygote(bank: Path, tmp_path: Path) -> Iterator[Child]:
    """A child that forks answering sessions on request (see `workers.zygote`)."""
    child = Child("from tests.hardening.workers import zygote; zygote()", str(bank), str(tmp_path / "scores"))
    assert child.read_line() == "READY"
    yield child
    child.close()


def test_sessions_killed_at_random_moments_lose_no_shown_answer(zygote: Child, bank: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    store = Store(tmp_path / "scores", LEARNER)
    shown: set[str] = set()
    torn: set[int] = set()
    for kill in range(KILLS):
        zygote.send(f"fork {SEED * 1000 + kill}")
        wait_for = rng.randint(0, 6)  # 0: usually while the session is still starting
        pid, seen = None, 0
        while pid is None or seen < wait_for:
            line = zygote.read_line()
            if line.startswith("PID "):
                pid = int(line.split()[1])
            elif line.startswith("SHOWN "):
                shown.add(line.split()[1])
                seen += 1
            else:
                pytest.fail(f"unexpected line from the worker: {line!r}")
        time.sleep(rng.uniform(0, 0.004))  # land anywhere: mid-answer, mid-fsync, mid-replay
        os.kill(pid, signal.SIGKILL)
        while not (line := zygote.read_line()).startswith("DONE "):
            assert line.startswith("SHOWN "), line
            shown.add(line.split()[1])  # printed before the kill, read after it
        status = int(line.split()[1])
        if not (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL):
            zygote.fail(f"the worker died by itself (status {status})")
        assert_log_sound(store, shown, torn)
    assert len(shown) >= KILLS, "the workers hardly answered anything"

    # The next start works: a new session replays the log and appends after it.
    library, _ = load_paths([bank])
    session = Session(library, store, mode="practice")
    assert len(session.warnings) == len(torn)
    presented = session.current
    assert presented is not None
    feedback = session.answer(response_for(presented, rng))
    records = assert_log_sound(store, shown | {feedback.record_id}, torn)
    assert records[-1]["id"] == feedback.record_id
    print(f"{KILLS} kills, {len(shown)} answers shown, {len(torn)} torn writes")


def test_a_torn_last_line_is_skipped_with_a_warning_and_written_after(bank: Path, tmp_path: Path) -> None:
    """A power cut mid-write (simulated by cutting the last record short)."""
    library, _ = load_paths([bank])
    store = Store(tmp_path / "scores", LEARNER)
    rng = random.Random(SEED)
    session = Session(library, store, mode="practice", rng=rng)
    ids = []
    for _ in range(3):
        presented = session.current
        assert presented is not None
        ids.append(session.answer(response_for(presented, rng)).record_id)
        session.next()
    whole = store.path.read_bytes()
    cut = whole[: len(whole) - 1 - rng.randint(1, 40)]  # drop the newline and some bytes
    store.path.write_bytes(cut)

    log = store.read()
    assert [r["id"] for r in log.records] == ids[:2]
    assert len(log.warnings) == 1 and "line 3 is incomplete" in log.warnings[0]

    again = Session(library, store, mode="practice", rng=rng)
    assert len(again.warnings) == 1
    presented = again.current
    assert presented is not None
    new_id = again.answer(response_for(presented, rng)).record_id
    log = store.read()
    assert [r["id"] for r in log.records] == [*ids[:2], new_id]
    assert len(log.warnings) == 1 and "line 3" in log.warnings[0]  # now a bad line, still skipped
    assert store.path.read_bytes().startswith(cut + b"\n")  # nothing rewritten


WRITES = 1000


def test_two_processes_on_one_learner_lose_and_interleave_nothing(tmp_path: Path) -> None:
    bank = tmp_path / "many.yaml"
    bank.write_text(many_questions_bank(WRITES), encoding="utf-8")
    scores = tmp_path / "scores"
    code = "from tests.hardening.workers import write_many; write_many()"
    writers = [Child(code, str(bank), str(scores), name) for name in ("w1", "w2")]
    try:
        for writer in writers:
            assert writer.read_line() == "READY"
        for writer in writers:
            writer.send("go")
        for writer in writers:
            assert writer.read_line() == f"WROTE {WRITES}"
            assert writer.process.wait(timeout=TIMEOUT) == 0
    finally:
        for writer in writers:
            writer.close()

    lines = raw_lines(scores / LEARNER / LOG_NAME)
    assert len(lines) == 2 * WRITES
    assert all(line.endswith(b"\n") for line in lines)
    records = [json.loads(line) for line in lines]
    assert len({record["id"] for record in records}) == 2 * WRITES
    by_writer: dict[str, list[str]] = {"w1": [], "w2": []}
    for record in records:
        by_writer[record["response"].split("-")[0]].append(record["response"])
    for name, responses in by_writer.items():
        assert responses == [f"{name}-{n:05d}" for n in range(WRITES)], name  # all, in order
    sessions = {record["session"] for record in records}
    assert len(sessions) == 2
    switches = sum(a["session"] != b["session"] for a, b in itertools.pairwise(records))
    log = Store(scores, LEARNER).read()
    assert log.warnings == [] and len(log.records) == 2 * WRITES
    # Not an assertion on timing, only a sign the two really ran at the same time:
    print(f"the writers took turns {switches} times")
