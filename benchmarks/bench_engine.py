"""Figures for the drill engine: replaying a big log, choosing the next question, answering.

    python benchmarks/bench_engine.py            # 1,000,000 answers, 50,000 questions
    python benchmarks/bench_engine.py --quick    # a tenth of that, for a quick look

Prints numbers only; nothing here is asserted (timings do not belong in tests).
Targets from the design: read+replay at most 1.5x a bare `json.loads` of every
line; choosing the next question under 5 ms with 50,000 questions; an answer
end to end (grade, schedule, one fsynced append) as fast as the disk allows.

Replay is shown cold (every answer through FSRS, no cache) and warm: from the
`quiz.core.replay_cache` snapshot made by an earlier run, with `--appended`
answers (1,000 by default) written to the log since, as after a day's drill.
The cache lives in a temporary folder, never the user's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
from fsrs import Rating

from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.replay_cache import replay_log
from quiz.core.replayer import replay
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import Session
from quiz.core.store import Store, iter_records

T0 = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)


def write_log(path: Path, answers: int, questions: int, seed: int = 1) -> int:
    """A realistic log written directly: rounds over every question, ~1% rerates and undos.

    Returns the number of lines written.
    """
    rng = random.Random(seed)
    rounds = answers // questions
    step = timedelta(days=7) / questions
    lines = 0
    with open(path, "w", encoding="utf-8") as handle:
        chunk: list[str] = []
        n = 0
        for round_ in range(rounds):
            base = T0 + timedelta(days=7 * round_)
            for q in range(questions):
                n += 1
                when = (base + step * q).isoformat(timespec="microseconds")
                roll = rng.random()
                rating = 1 if roll < 0.15 else (2 if roll < 0.25 else 3)
                correct = "false" if rating == 1 else "true"
                answer_id = f"{n:032x}"
                key = f"deck{q % 50:02d}/q{q:05d}"
                chunk.append(
                    f'{{"v":1,"app":"0.1.0","kind":"answer","id":"{answer_id}","time":"{when}",'
                    f'"learner":"ana","key":"{key}","type":"choice",'
                    f'"response":"1 January 2000","correct":{correct},"rating":{rating},'
                    f'"hinted":false,"typo_forgiven":false,"elapsed":4.21,'
                    f'"session":"{round_:032x}","mode":"drill"}}\n'
                )
                if roll > 0.995:
                    kind = "undo" if roll > 0.9975 else "rerate"
                    extra = ',"rating":4' if kind == "rerate" else ""
                    chunk.append(
                        f'{{"v":1,"app":"0.1.0","kind":"{kind}","id":"{n + 10**12:032x}",'
                        f'"ref":"{answer_id}","time":"{when}","learner":"ana","key":"{key}"'
                        f'{extra},"session":"{round_:032x}"}}\n'
                    )
                if len(chunk) >= 10_000:
                    handle.write("".join(chunk))
                    lines += len(chunk)
                    chunk.clear()
        handle.write("".join(chunk))
        lines += len(chunk)
    return lines


def say(*parts: object) -> None:
    """print, flushed: the full run takes minutes and output may go to a file."""
    print(*parts, flush=True)


def median_time(action: Callable[[], object], repeat: int) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_json(path: Path | str) -> int:
    """The baseline: `json.loads` of every line, nothing else."""
    count = 0
    loads = json.loads
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            loads(line)
            count += 1
    return count


def bench_replay(folder: Path, answers: int, questions: int, repeat: int, appended: int) -> None:
    path = folder / "reviews.jsonl"
    start = time.perf_counter()
    lines = write_log(path, answers, questions)
    size = path.stat().st_size / 1e6
    say(f"log: {lines:,} lines ({answers:,} answers over {questions:,} questions), "
          f"{size:.0f} MB, written in {time.perf_counter() - start:.1f} s")  # fmt: skip
    # The warm case: the log as it was when the snapshot was made, then `appended` more lines.
    data = path.read_bytes()
    cut = len(data)
    for _ in range(appended):
        cut = data.rindex(b"\n", 0, cut - 1) + 1 if cut > 1 else 0
    warm_path = folder / "warm" / "reviews.jsonl"
    warm_path.parent.mkdir()
    warm_path.write_bytes(data[:cut])
    cache = folder / "cache"

    # The runs are interleaved, one of each per round, so that a machine whose load
    # changes over minutes slows every measure alike; ratios are taken per round.
    off, on = Scheduler(Settings(fuzzing=False)), Scheduler(Settings(fuzzing=True))
    states: dict[str, Any] = {}

    def replay_with(scheduler: Scheduler) -> None:
        states.update(replay(iter_records(path), scheduler))

    start = time.perf_counter()
    replay_log(warm_path, on, folder=cache)
    snapshot_run = time.perf_counter() - start
    snapshot_size = sum(entry.stat().st_size for entry in (cache / "replay").iterdir()) / 1e6
    with open(warm_path, "ab") as handle:
        handle.write(data[cut:])
    del data

    measures: dict[str, Callable[[], object]] = {
        "json": lambda: bare_json(path),
        "read": lambda: sum(1 for _ in iter_records(path)),
        "off": lambda: replay_with(off),
        "on": lambda: replay_with(on),
        "warm": lambda: states.update(replay_log(warm_path, on, folder=cache).states),
        "fsrs": lambda: _bare_reviews(off, answers, questions),
    }
    times: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(repeat):
        for name, action in measures.items():
            times[name].append(median_time(action, 1))
    med = {name: statistics.median(values) for name, values in times.items()}

    def ratio(name: str) -> float:
        return statistics.median(t / j for t, j in zip(times[name], times["json"], strict=True))

    say(f"bare json.loads of every line:       {med['json']:8.2f} s  (median of {repeat})")
    say(f"iter_records (json + validation):    {med['read']:8.2f} s  x{ratio('read'):.2f}")
    for name, label in (("off", "off"), ("on", "on ")):
        took = med[name]
        say(f"read + replay, fuzzing {label}:        {took:8.2f} s  "
            f"x{ratio(name):.2f}  ({took / answers * 1e6:.1f} us per answer)")  # fmt: skip
    say(f"warm: snapshot + {appended:,} new lines:  {med['warm']:8.2f} s  x{ratio('warm'):.2f}  "
        f"(replay_log, fuzzing on; the snapshot is {snapshot_size:.1f} MB)")  # fmt: skip
    say(f"  cold replay_log writing the snapshot: {snapshot_run:6.2f} s  (once, then warm)")
    say(f"  fsrs review_card alone, same count:{med['fsrs']:8.2f} s  x{ratio('fsrs'):.2f}  "
        f"({med['fsrs'] / answers * 1e6:.1f} us per review)")  # fmt: skip
    say(f"  questions with a state: {len(states):,}")


def _bare_reviews(scheduler: Scheduler, answers: int, questions: int) -> None:
    """The floor set by fsrs: as many reviews on as many cards, timed as in the log."""
    cards: list[fsrs.Card] = [scheduler.new_card(f"d/q{q}", T0) for q in range(questions)]
    step = timedelta(days=7) / questions
    fsrs_scheduler = scheduler._fsrs
    for n in range(answers):
        round_, q = divmod(n, questions)
        when = T0 + timedelta(days=7 * round_) + step * q
        rating = Rating.Good if n % 7 else Rating.Again
        cards[q], _ = fsrs_scheduler.review_card(cards[q], rating, when)


def big_library(questions: int) -> Library:
    per_deck = max(1, questions // 50)
    banks = []
    for deck in range(0, questions, per_deck):
        name = f"deck{deck // per_deck:02d}"
        banks.append(
            Bank(
                deck=name,
                title=name,
                questions=tuple(
                    ChoiceQuestion(
                        deck=name,
                        id=f"q{i:05d}",
                        prompt=f"Question {i}?",
                        choices=("right", "wrong", "other", "none"),
                        answer="right",
                    )
                    for i in range(deck, min(deck + per_deck, questions))
                ),
            )
        )
    return Library(tuple(banks))


def bench_session(folder: Path, questions: int, answers: int) -> None:
    lib = big_library(questions)
    store = Store(folder / "scores", "ana")
    store.folder.mkdir(parents=True)
    # Half the questions learned at various times (all due now), half new.
    with open(store.path, "w", encoding="utf-8") as handle:
        for n, question in enumerate(lib.questions[: questions // 2]):
            when = (T0 + timedelta(minutes=n)).isoformat(timespec="microseconds")
            record = {"v": 1, "kind": "answer", "id": f"{n:032x}", "time": when,
                      "key": question.key, "rating": 4, "correct": True}  # fmt: skip
            handle.write(json.dumps(record, separators=(",", ":")) + "\n")
    now = [T0 + timedelta(days=400)]
    settings = Settings(reviews_per_day=10**6, new_per_day=10**6)
    start = time.perf_counter()
    session = Session(lib, store, settings, clock=lambda: now[0], rng=random.Random(1))
    started = time.perf_counter() - start
    say(f"session start with {questions:,} questions, {questions // 2:,} states "
          f"(replay + queue), cold: {started * 1e3:.0f} ms; queue of {session.size:,}")  # fmt: skip
    start = time.perf_counter()
    session = Session(lib, store, settings, clock=lambda: now[0], rng=random.Random(1))
    started = time.perf_counter() - start
    say(f"  the same, warm (from the snapshot the cold start wrote): {started * 1e3:.0f} ms")

    answer_times: list[float] = []
    next_times: list[float] = []
    rng = random.Random(2)
    for _ in range(answers):
        response = "right" if rng.random() < 0.8 else "wrong"
        start = time.perf_counter()
        session.answer(response, elapsed=3.0)
        answer_times.append(time.perf_counter() - start)
        now[0] += timedelta(seconds=20)
        start = time.perf_counter()
        session.next()
        next_times.append(time.perf_counter() - start)
    answer_times.sort()
    next_times.sort()
    say(f"choosing the next question (next()), {answers:,} times: median "
          f"{statistics.median(next_times) * 1e3:.3f} ms, "
          f"worst {next_times[-1] * 1e3:.3f} ms")  # fmt: skip
    say(f"answering end to end with fsync, {answers:,} times: median "
          f"{statistics.median(answer_times) * 1e3:.3f} ms, "
          f"p99 {answer_times[int(len(answer_times) * 0.99)] * 1e3:.3f} ms, "
          f"worst {answer_times[-1] * 1e3:.3f} ms")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--repeat", type=int, default=3, help="runs per median (default 3)")
    parser.add_argument("--appended", type=int, default=1000, help="lines written since the snapshot (default 1000)")
    args = parser.parse_args(argv)
    answers, questions, library_size, answered = 1_000_000, 10_000, 50_000, 1_000
    if args.quick:
        answers, questions, library_size, answered = 100_000, 1_000, 50_000, 200
    say(f"python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        folder = Path(tmp)
        os.environ["QUIZ_CACHE"] = str(folder / "session-cache")  # never the user's cache
        bench_replay(folder, answers, questions, args.repeat, args.appended)
        bench_session(folder, library_size, answered)
    return 0


if __name__ == "__main__":
    sys.exit(main())


# --------------------------------------------------------------------------- for run.py


def case_replay(path: str, cache: str | None) -> int:
    """A child's case: the replay a session starts with (cold without `cache`)."""
    folder = Path(cache) if cache else None
    return len(replay_log(Path(path), Scheduler(), folder=folder).states)


def case_answers(folder: str, questions: int, answers: int) -> dict[str, float]:
    """A child's case: `answers` answers end to end with fsync on a `questions` library."""
    lib = big_library(questions)
    store = Store(Path(folder) / "scores", "ana")
    now = [T0 + timedelta(days=400)]
    settings = Settings(reviews_per_day=10**6, new_per_day=10**6)
    session = Session(lib, store, settings, clock=lambda: now[0], rng=random.Random(1))
    times: list[float] = []
    rng = random.Random(2)
    for _ in range(answers):
        response = "right" if rng.random() < 0.8 else "wrong"
        start = time.perf_counter()
        session.answer(response, elapsed=3.0)
        times.append(time.perf_counter() - start)
        now[0] += timedelta(seconds=20)
        session.next()
    return {"worst_ms": max(times) * 1e3, "median_ms": statistics.median(times) * 1e3}


def figures(quick: bool) -> list[Any]:
    """The engine's rows of `run.py`: cold replay against a bare parse, its peak memory,
    and the worst answer-to-next-question time."""
    from common import Figure, in_child

    answers, questions, repeat, answered = (100_000, 1_000, 1, 300) if quick else (1_000_000, 10_000, 3, 1_000)
    env = {**os.environ, "QUIZ_CACHE": "off"}
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as tmp:
        path = Path(tmp) / "reviews.jsonl"
        write_log(path, answers, questions)
        ratios, colds, bases, peak = [], [], [], 0.0
        for _ in range(repeat):
            base = in_child("bench_engine", "bare_json", str(path), env=env)
            cold = in_child("bench_engine", "case_replay", str(path), None, env=env)
            ratios.append(cold["seconds"] / base["seconds"])
            colds.append(cold["seconds"])
            bases.append(base["seconds"])
            peak = max(peak, cold["peak_mb"])
        lat = in_child("bench_engine", "case_answers", tmp, 10_000, answered, env=env)["result"]
    size = f"{answers:,} answers"
    return [
        Figure(
            f"cold replay, {size} / bare json.loads",
            "<= 1.5x",
            1.5,
            statistics.median(ratios),
            "x",
            f"{statistics.median(colds):.2f} s vs {statistics.median(bases):.2f} s",
        ),
        Figure(f"cold replay, {size}: peak memory", "< 500 MB", 500, peak, "MB"),
        Figure(
            f"answer to next question with fsync, worst of {answered:,}",
            "< 16 ms",
            16,
            lat["worst_ms"],
            "ms",
            f"median {lat['median_ms']:.2f} ms",
        ),
    ]
