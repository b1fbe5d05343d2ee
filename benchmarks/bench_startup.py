"""Time from launch to the home screen with its due counts, against a minimal Textual app.

Each sample is a fresh subprocess (a new interpreter, as a learner starting `quiz`
gets) that runs `quiz.cli.main` with only `QuizApp.run` made headless (100x30):
the parent notes the time, starts the child, and stops the clock when the
child prints `FIRST-FRAME`, which it does from `call_after_refresh` once the home
screen has mounted and painted, and `COUNTS` once the deck counts are on screen;
it then lets the app's workers finish (keeping the counts in the cache, as a learner's
app does after the first frame), untimed, and exits.
Both figures include interpreter start-up, imports, the CLI's parsing and validation,
and loading the banks, like a real start. The counts are in the first frame when the
log is short (replayed before it), when the cached overview (`quiz.core.overview_cache`)
fits the log, or when nothing was appended to the log since its replay snapshot
(`quiz.core.replay_cache.snapshot_states`); else they follow from a worker thread.

The children run as an installed user's `quiz` does: with bytecode. The environment
they inherit loses `PYTHONDONTWRITEBYTECODE` (set here for the tests, it would make
every start compile quiz from source, while textual, yaml and fsrs in site-packages
have their .pyc), so the unmeasured warm-up start writes quiz's bytecode. The
children share a private cache folder (`QUIZ_CACHE`), warmed by that same start, as
a learner's second start finds it.

The baseline is a minimal Textual app (Header, a few Static lines, a small
DataTable, Footer) started the same way in the same run, samples interleaved.

Scenarios (`figures`, which `run.py` prints; the ratio is counts shown / minimal app):
  1. the bundled banks and an empty log                          (target: ratio <= 1.3)
  2. a generated 10,000-question bank and a 100,000-answer log,
     overview cached                                             (target: ratio <= 2.0)
  3. the same, the overview entry deleted before every start: a new day, changed
     settings or banks; the replay snapshot still fits the log   (target: ratio <= 2.0)

    python benchmarks/bench_startup.py [--runs N]

Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

QUIZ_CHILD = r"""
import sys
import quiz.tui.app as tui_app
from quiz.tui.screens.home import HomeScreen

original_run = tui_app.QuizApp.run
original_mount = HomeScreen.on_mount
original_show = HomeScreen._show_stats

def run(self, *args, **kwargs):
    return original_run(self, headless=True, size=(100, 30))

def on_mount(self):
    original_mount(self)
    self.call_after_refresh(lambda: print("FIRST-FRAME", flush=True))

def show_stats(self, *args):
    original_show(self, *args)
    async def leave():
        await self.app.workers.wait_for_complete()
        self.app.exit()
    def counted():
        print("FIRST-FRAME", flush=True)  # counts on screen mean a frame is out (kept only if first)
        print("COUNTS", flush=True)
        # Untimed: what a learner's app goes on to do after the first frame (keep the
        # counts in the cache, ask git), its workers started by then.
        self.call_after_refresh(leave)
    self.call_after_refresh(counted)

tui_app.QuizApp.run = run
HomeScreen.on_mount = on_mount
HomeScreen._show_stats = show_stats

import quiz.cli.drill
quiz.cli.drill.fallback_reason = lambda *streams: None  # stdout is a pipe here, yet the screen is wanted

from quiz.cli import main
sys.exit(main(["--questions", sys.argv[1], "--scores", sys.argv[2], "--learner", "bench"]))
"""

MINIMAL_CHILD = r"""
from textual.app import App
from textual.widgets import DataTable, Footer, Header, Static

class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("Learner: bench")
        table = DataTable()
        table.add_columns("Deck", "Questions", "New", "Due", "Learned")
        for n in range(4):
            table.add_row(f"Deck {n}", "10", "10", "0", "0")
        yield table
        yield Static("Today: 0 due")
        yield Footer()

    def on_mount(self):
        def ready():
            print("FIRST-FRAME", flush=True)
            print("COUNTS", flush=True)
            self.exit()
        self.call_after_refresh(ready)

Minimal().run(headless=True, size=(100, 30))
"""


def child_env(cache: Path | None) -> dict[str, str]:
    """The environment of a child: this one's, minus `PYTHONDONTWRITEBYTECODE` (an installed
    quiz has its bytecode, as textual's has here; with the variable every start would
    compile quiz from source), plus `QUIZ_CACHE` when given."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    if cache is not None:
        env["QUIZ_CACHE"] = str(cache)
    return env


def time_child(code: str, *args: str, cache: Path | None = None) -> tuple[float, float]:
    """Seconds from starting the child to its first frame, and to the deck counts shown
    (`cache`: the child's `QUIZ_CACHE`)."""
    env = child_env(cache)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    marks: dict[str, float] = {}
    for line in child.stdout:
        marks.setdefault(line.strip(), time.perf_counter() - start)
        if "COUNTS" in marks:
            break
    _, errors = child.communicate(timeout=300)
    if "FIRST-FRAME" not in marks or "COUNTS" not in marks:
        raise RuntimeError(f"the child never drew its screen:\n{errors}")
    return marks["FIRST-FRAME"], marks["COUNTS"]


def make_bank(folder: Path, count: int) -> list[str]:
    """A bank of `count` choice questions of realistic size; returns their keys."""
    lines = [
        "deck: bench",
        "title: Benchmark bank",
        "description: Generated questions of realistic size.",
        "sources:",
        "  ref: A reference work, volume 1, page 1",
        "questions:",
    ]
    filler = "about the telephone call between the two presidents and what followed"
    for i in range(count):
        lines += [
            f"  - id: q{i}",
            "    type: choice",
            f"    prompt: Question {i} {filler}, which of these is right?",
            f"    choices: [Answer {i} A, Answer {i} B, Answer {i} C, Answer {i} D]",
            f"    answer: Answer {i} B",
            f"    explanation: Because of reason {i}, {filler}, as the source says.",
            "    source: ref",
        ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"bench/q{i}" for i in range(count)]


def make_log(scores: Path, learner: str, keys: list[str], answers: int) -> None:
    """`answers` answer records over the last 300 days, in time order, in the log format."""
    rng = random.Random(0)
    folder = scores / learner
    folder.mkdir(parents=True, exist_ok=True)
    start = datetime.now(UTC) - timedelta(days=300)
    step = timedelta(days=300) / answers
    session = uuid.uuid4().hex
    with (folder / "reviews.jsonl").open("w", encoding="utf-8") as log:
        for n in range(answers):
            key = keys[rng.randrange(len(keys))]
            correct = rng.random() < 0.8
            when = start + step * n
            record = {
                "v": 1,
                "app": "0.1.0",
                "kind": "answer",
                "id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "time": when.isoformat(timespec="microseconds"),
                "learner": learner,
                "key": key,
                "type": "choice",
                "response": f"Answer {key.split('q')[-1]} {'B' if correct else 'A'}",
                "correct": correct,
                "rating": 3 if correct else 1,
                "hinted": False,
                "typo_forgiven": False,
                "elapsed": 4.2,
                "session": session,
                "mode": "drill",
            }
            log.write(json.dumps(record, separators=(",", ":")) + "\n")


def compare(
    label: str, runs: int, questions: Path, scores: Path, target: float, cache: Path, *, cold: bool = False
) -> None:
    """Interleave quiz and baseline samples; print medians and the ratios."""
    first, counts, base = _medians(runs, questions, scores, cache, cold_overview=cold)
    print(f"{label}")
    print(f"  quiz home screen, first frame   : median {first * 1000:8.1f} ms  ({runs} runs)")
    print(f"  quiz home screen, counts shown  : median {counts * 1000:8.1f} ms")
    print(f"  minimal Textual app, first frame: median {base * 1000:8.1f} ms")
    print(f"  ratio, first frame              : {first / base:.2f}")
    print(f"  ratio, counts shown             : {counts / base:.2f}  (target <= {target})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="samples per app and scenario")
    args = parser.parse_args()
    from quiz.core.config import bundled_questions_dir

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        compare(
            "Bundled banks, empty log",
            args.runs,
            bundled_questions_dir(),
            root / "empty-scores",
            1.3,
            root / "cache",
        )
        keys = make_bank(root / "big-bank", 10_000)
        make_log(root / "big-scores", "bench", keys, 100_000)
        compare(
            "10,000 questions, 100,000 answers in the log",
            args.runs,
            root / "big-bank",
            root / "big-scores",
            2.0,
            root / "cache",
        )
        compare(
            "10,000 questions, 100,000 answers in the log, overview not cached",
            args.runs,
            root / "big-bank",
            root / "big-scores",
            2.0,
            root / "cache",
            cold=True,
        )


# --------------------------------------------------------------------------- for run.py


def _medians(
    runs: int, questions: Path, scores: Path, cache: Path, *, cold_overview: bool = False
) -> tuple[float, float, float]:
    """Median seconds to quiz's first frame, to its counts, and to the baseline's first
    frame (`cold_overview`: the cached overview deleted before every quiz start)."""
    quiz_times: list[tuple[float, float]] = []
    base_times: list[float] = []
    time_child(MINIMAL_CHILD)  # warm the OS caches for both
    time_child(QUIZ_CHILD, str(questions), str(scores), cache=cache)  # and quiz's cache folder
    for _ in range(runs):
        base_times.append(time_child(MINIMAL_CHILD)[0])
        if cold_overview:
            shutil.rmtree(cache / "overview", ignore_errors=True)
        quiz_times.append(time_child(QUIZ_CHILD, str(questions), str(scores), cache=cache))
    return (
        statistics.median(t[0] for t in quiz_times),
        statistics.median(t[1] for t in quiz_times),
        statistics.median(base_times),
    )


def figures(quick: bool) -> list[Any]:
    """Launch to the home screen with due counts shown, against a minimal Textual app's first frame."""
    from common import Figure

    from quiz.core.config import bundled_questions_dir

    runs = 3 if quick else 7
    rows: list[Any] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        big = root / "big-bank"
        keys = make_bank(big, 10_000)
        make_log(root / "big-scores", "bench", keys, 100_000)
        for label, questions, scores, limit, cold in (
            ("bundled banks, empty log", bundled_questions_dir(), root / "empty-scores", 1.3, False),
            ("10,000 questions, 100,000 answers", root / "big-bank", root / "big-scores", 2.0, False),
            (
                "10,000 questions, 100,000 answers, overview not cached",
                root / "big-bank",
                root / "big-scores",
                2.0,
                True,
            ),
        ):
            first, counts, base = _medians(runs, questions, scores, root / "cache", cold_overview=cold)
            rows.append(
                Figure(
                    f"launch to home with due counts, {label} / minimal app",
                    f"<= {limit:g}x",
                    limit,
                    counts / base,
                    "x",
                    f"counts {counts * 1e3:.0f} ms, first frame {first * 1e3:.0f} ms ({first / base:.2f}x), "
                    f"minimal app {base * 1e3:.0f} ms",
                )
            )
    return rows


if __name__ == "__main__":
    main()
