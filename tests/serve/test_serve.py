"""`quiz serve` for real: a server on a free local port, Debian's headless Chromium as the browser.

What proves the browser shows the home screen with the decks: the page's terminal
(an xterm.js canvas, so its text is not in the DOM) received the app's first bytes,
the bytes the page received over its WebSocket (the served `quiz` process's own
terminal output, captured by the browser) spell the learner and the deck with its
counts, and the screenshot of the page is a drawn screen rather than the splash or a
blank page. Then Ctrl+C stops the server, and the app process it started with it.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from quiz.cli.common import Context
from quiz.cli.serve import is_loopback, public_url, served_command
from tests.plain.helpers import child_env, quiz_command
from tests.serve.browser import Browser
from tests.serve.png import pixels

ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-_])")

needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_url(server: subprocess.Popen[bytes], port: int) -> str:
    """The server's printed line, once it answers HTTP."""
    assert server.stdout is not None
    line = server.stdout.readline().decode()
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                assert response.status == 200
                break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)
    return line


def quiz_processes(marker: str, server: int) -> list[int]:
    """Live processes other than the server whose command line mentions `marker` (the test's score folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                state = (entry / "stat").read_text().split(") ")[1][0]
            except OSError:
                continue
            if marker in cmdline and int(entry.name) != server and state != "Z":
                found.append(int(entry.name))
    return found


@needs_chromium
@pytest.mark.slow
def test_the_browser_shows_the_home_screen_and_the_server_stops_cleanly(
    every: Path, scores: Path, tmp_path: Path
) -> None:
    port = free_port()
    server = subprocess.Popen(
        [*quiz_command(every, scores, "serve", "--port", str(port))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
        start_new_session=True,
    )
    try:
        line = wait_for_url(server, port)
        assert line == f"Serving quiz for ana at http://127.0.0.1:{port}  (Ctrl+C stops)\n"

        async def look() -> tuple[bytes, bytes, bool]:
            async with Browser(tmp_path / "chromium", 1000, 640) as browser:
                await browser.open(f"http://127.0.0.1:{port}/")
                await browser.wait_for("document.body.classList.contains('-first-byte')")
                deadline = time.monotonic() + 30
                while b"Every question type" not in ANSI.sub(b"", bytes(browser.received)):
                    assert time.monotonic() < deadline, "the home screen never reached the browser"
                    await browser.evaluate("1")  # take in the frames received meanwhile
                    await asyncio.sleep(0.2)
                await asyncio.sleep(1)  # the canvas paints on the next animation frames
                splash = await browser.evaluate(
                    "getComputedStyle(document.querySelector('.intro-dialog')).display !== 'none'"
                )
                shot = await browser.screenshot(tmp_path / "browser.png")
                # Ctrl+C while the page is still connected: the server and the app it runs stop.
                running = quiz_processes(str(scores), server.pid)
                assert running, "the page's app runs in a process of its own"
                server.send_signal(signal.SIGINT)
                code = await asyncio.to_thread(server.wait, 30)
                assert code == 0
                return shot, bytes(browser.received), bool(splash)

        shot, received, splash = asyncio.run(look())
        assert not splash
        text = ANSI.sub(b"", received).decode("utf-8", "replace")
        assert "Learner: ana" in text
        assert "Every question type" in text and "One question of each kind, for the tests." in text
        assert re.search(r"0 due, 9 new \(up to 20 a day\), 0 learned of 9 questions", text)

        width, height, rgb = pixels(shot)
        assert (width, height) == (1000, 640)
        colours = Counter(rgb)
        background, share = colours.most_common(1)[0]
        assert len(colours) > 50, "a drawn screen has text in several colours"
        assert share / len(rgb) < 0.95, "not a blank page"
        assert background != (0x0C, 0x18, 0x1F), "the page's own background: the terminal is not showing"

        out, err = server.communicate(timeout=10)
        assert b"quiz serve: stopped." in out
        assert b"Traceback" not in err and b"Traceback" not in out
        deadline = time.monotonic() + 10
        while quiz_processes(str(scores), server.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert quiz_processes(str(scores), server.pid) == [], "app processes left running after the server stopped"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_the_served_command_runs_the_same_quiz(tmp_path: Path) -> None:
    ctx = Context(
        stdout=None,  # type: ignore[arg-type]
        stderr=None,  # type: ignore[arg-type]
        learner="o'brien",
        scores_dir=Path("rel scores"),
        question_paths=(Path("banks"), tmp_path / "more"),
    )
    command = served_command(ctx, ask_learner=False)
    assert "--questions " + str(Path("banks").resolve()) in command
    assert f"--questions {tmp_path / 'more'}" in command
    assert f"--scores '{Path('rel scores').resolve()}'" in command
    assert "--learner 'o'\"'\"'brien'" in command and "--ask-learner" not in command
    assert served_command(ctx, ask_learner=True).endswith(" --ask-learner")


def test_loopback_and_urls() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LocalHost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "quiz.example.org"))
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8001) == "http://[::1]:8001"
    assert public_url("0.0.0.0", 80) == f"http://{socket.gethostname()}:80"


def test_an_open_address_is_warned_about(every: Path, scores: Path) -> None:
    # 192.0.2.1 (TEST-NET-1) is never this machine's: the warning is printed, then
    # listening fails with a clear message; nothing is ever exposed by the test.
    result = subprocess.run(
        quiz_command(every, scores, "serve", "--host", "192.0.2.1", "--port", str(free_port())),
        capture_output=True,
        timeout=60,
        env=child_env(),
        check=False,
    )
    err = result.stderr.decode()
    assert "warning: listening on 192.0.2.1, not on this machine alone: anyone who can reach port" in err
    assert "with no password" in err
    assert "quiz serve: cannot listen on 192.0.2.1 port" in err
    assert result.returncode == 2
    assert "Traceback" not in err


def test_bad_banks_are_reported_before_serving(tmp_path: Path, scores: Path) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "bad.yaml").write_text("deck: x\nquestions: 3\n", encoding="utf-8")
    result = subprocess.run(
        quiz_command(tmp_path / "bad", scores, "serve", "--port", str(free_port())),
        capture_output=True,
        timeout=60,
        env=child_env(),
        check=False,
    )
    assert result.returncode == 1
    assert "problems in the banks" in result.stderr.decode()
