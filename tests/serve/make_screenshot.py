"""Write docs/screenshot-browser.png: `quiz serve` on the bundled banks, seen in headless Chromium.

Run from the repository: `python -m tests.serve.make_screenshot`. A fresh score
folder, so the counts are those of a new learner.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.plain.helpers import child_env
from tests.serve.browser import Browser
from tests.serve.test_serve import ANSI, free_port, wait_for_url

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        port = free_port()
        command = [sys.executable, "-m", "quiz", "--scores", str(work / "scores"), "--learner", "ana"]
        server = subprocess.Popen(
            [*command, "serve", "--port", str(port)], stdout=subprocess.PIPE, env=child_env(), cwd=work
        )
        try:
            wait_for_url(server, port)

            async def shoot() -> None:
                async with Browser(work / "chromium", 1200, 720) as browser:
                    await browser.open(f"http://127.0.0.1:{port}/")
                    await browser.wait_for("document.body.classList.contains('-first-byte')")
                    deadline = time.monotonic() + 30
                    while b"Today:" not in ANSI.sub(b"", bytes(browser.received)):
                        assert time.monotonic() < deadline
                        await browser.evaluate("1")
                        await asyncio.sleep(0.2)
                    await asyncio.sleep(1.5)
                    await browser.screenshot(ROOT / "docs" / "screenshot-browser.png")

            asyncio.run(shoot())
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
    print("wrote docs/screenshot-browser.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
