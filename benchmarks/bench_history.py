"""How long history figures take on large logs. Prints numbers; asserts nothing.

    python benchmarks/bench_history.py                  # 1,000,000 answers, 3 runs
    python benchmarks/bench_history.py --answers 100000 --runs 5

Generates, in a temporary folder, one learner's log of `--answers` answer records
over the bundled banks (sessions of 40 answers, a few undos and rerates, three
years of days), and a class of 30 learners x 2,000 answers. Prints the median
seconds of:

- reading the log alone (`store.iter_records`: JSON parsing and validation);
- reading plus the column store of `quiz.core.history` (no FSRS replay);
- `build_history`: everything the history screen shows (the FSRS replay included);
- `quiz history` end to end, as a subprocess (start-up, banks, the table);
- `build_class_report` over the class, and `quiz report` as a subprocess, with the
  peak resident memory of the report in a fresh child process (and of a child that
  only loads the banks, the floor under it). `--class-only` skips the one-log cases.

Each is shown cold (no cache: every answer through FSRS) and, where the app uses
the `quiz.core.replay_cache` snapshot, warm: the snapshot made by an earlier run,
with `--appended` answers (1,000 by default) written to the log since. The cache
lives in the temporary folder, never the user's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quiz.core import class_pool
from quiz.core.bank import bundled_questions_dir, load_paths
from quiz.core.class_logs import find_learner_logs
from quiz.core.class_report import build_class_report
from quiz.core.history import build_history, load_history
from quiz.core.history_columns import _Answers
from quiz.core.store import iter_records

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import in_child

START = datetime(2023, 11, 1, 8, tzinfo=UTC)
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


def write_log(path: Path, learner: str, answers: int, keys: list[str], seed: int) -> None:
    """A realistic log written the way `Store.append` lays records out."""
    rng = random.Random(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    span = (NOW - START).total_seconds() - 3600
    step = span / answers
    moment = START.timestamp()
    session = f"{rng.getrandbits(128):032x}"
    lines: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        for number in range(answers):
            if number % 40 == 0:
                session = f"{rng.getrandbits(128):032x}"
            moment += step * (0.5 + rng.random())
            when = datetime.fromtimestamp(moment, UTC).isoformat(timespec="microseconds")
            key = keys[rng.randrange(len(keys))]
            correct = rng.random() < 0.82
            rid = f"{rng.getrandbits(128):032x}"
            response = json.dumps("answer text" if correct else f"wrong {rng.randrange(4)}")
            lines.append(
                f'{{"v":1,"app":"0.1.0","kind":"answer","id":"{rid}","time":"{when}",'
                f'"learner":"{learner}","key":{json.dumps(key)},"type":"choice","response":{response},'
                f'"correct":{"true" if correct else "false"},"rating":{3 if correct else 1},'
                f'"hinted":false,"typo_forgiven":false,"elapsed":{rng.uniform(1, 30):.2f},'
                f'"session":"{session}","mode":"drill"}}\n'
            )
            if number % 500 == 499:  # now and then a rerate or an undo of that answer
                kind = "rerate" if number % 1000 == 999 else "undo"
                extra = ',"rating":4' if kind == "rerate" else ""
                lines.append(
                    f'{{"v":1,"app":"0.1.0","kind":"{kind}","id":"{rng.getrandbits(128):032x}",'
                    f'"ref":"{rid}","time":"{when}","learner":"{learner}","key":{json.dumps(key)}{extra},'
                    f'"session":"{session}"}}\n'
                )
            if len(lines) >= 10000:
                handle.writelines(lines)
                lines.clear()
        handle.writelines(lines)


def cli(*command: str) -> None:
    """`python -m quiz COMMAND...` as a subprocess, its output dropped."""
    subprocess.run([sys.executable, "-m", "quiz", *command], check=True, stdout=subprocess.DEVNULL)


def median_seconds(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def one_log(args: argparse.Namespace, root: Path, cache: Path, library: Any, keys: list[str]) -> None:
    """The figures of one learner's log of `args.answers` answers."""
    scores = root / "scores"
    log = scores / "bench" / "reviews.jsonl"
    start = time.perf_counter()
    write_log(log, "bench", args.answers, keys, seed=1)
    size = log.stat().st_size / 1e6
    print(f"generated {args.answers:,} answers ({size:.0f} MB) in {time.perf_counter() - start:.1f} s")

    os.environ["QUIZ_CACHE"] = "off"  # cold figures first; subprocesses inherit it

    def bare_json() -> int:
        count = 0
        with log.open(encoding="utf-8") as handle:
            for line in handle:
                json.loads(line)
                count += 1
        return count

    def read_only() -> int:
        return sum(1 for _ in iter_records(log))

    def columns_only() -> int:
        answers = _Answers()
        for record in iter_records(log):
            answers.feed(record)
        return answers.total

    def history() -> int:
        return build_history(iter_records(log), library, now=NOW, learner="bench").answers

    per = args.answers / 1e6
    baseline = median_seconds(args.runs, bare_json)
    print(f"{'bare json.loads of every line':<48} {baseline:8.2f} s")

    def show(label: str, seconds: float) -> None:
        print(f"{label:<48} {seconds:8.2f} s   ({seconds / per:.2f} s per million answers, x{seconds / baseline:.2f})")

    cold: list[tuple[str, Callable[[], object]]] = [
        ("read the log (iter_records)", read_only),
        ("read + history column store (no replay)", columns_only),
        ("cold: build_history (everything the screen shows)", history),
        (
            "cold: quiz history, end to end (subprocess)",
            lambda: cli("--scores", str(scores), "history", "--learner", "bench"),
        ),
    ]
    for label, action in cold:
        show(label, median_seconds(args.runs, action))

    # Warm: a snapshot made before the last `appended` answers were written.
    data = log.read_bytes()
    cut = len(data)
    for _ in range(args.appended):
        cut = data.rindex(b"\n", 0, cut - 1) + 1 if cut > 1 else 0
    log.write_bytes(data[:cut])
    os.environ["QUIZ_CACHE"] = str(cache)
    start = time.perf_counter()
    load_history(scores, "bench", library, now=NOW)
    show("cold load_history, writing the snapshot (once)", time.perf_counter() - start)
    with log.open("ab") as handle:
        handle.write(data[cut:])
    del data
    size = sum(entry.stat().st_size for entry in (cache / "replay").iterdir()) / 1e6
    print(f"snapshot: {size:.1f} MB; then {args.appended:,} answers appended to the log")
    for label, action in (
        ("warm: load_history", lambda: load_history(scores, "bench", library, now=NOW)),
        (
            "warm: quiz history, end to end (subprocess)",
            lambda: cli("--scores", str(scores), "history", "--learner", "bench"),
        ),
    ):
        show(label, median_seconds(args.runs, action))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--per-learner", type=int, default=2_000)
    parser.add_argument("--appended", type=int, default=1_000, help="answers written since the snapshot")
    parser.add_argument("--class-only", action="store_true", help="only the class report figures")
    args = parser.parse_args()

    library, _ = load_paths([bundled_questions_dir()])
    keys = [q.key for q in library.questions]
    print(f"bundled banks: {len(keys)} questions; runs per figure: {args.runs} (median shown)")

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        cache = root / "cache"
        if not args.class_only:
            one_log(args, root, cache, library, keys)

        room = root / "room"
        for index in range(args.learners):
            name = f"learner{index:02d}"
            write_log(room / name / "reviews.jsonl", name, args.per_learner, keys, seed=100 + index)
        logs, _ = find_learner_logs([room])
        total = args.learners * args.per_learner
        label = f"build_class_report, {args.learners} x {args.per_learner:,} answers"
        for state in ("cold", "warm"):
            os.environ["QUIZ_CACHE"] = "off" if state == "cold" else str(cache)
            if state == "warm":
                build_class_report(logs, library, now=NOW)  # writes each learner's snapshot
            report = median_seconds(args.runs, lambda: build_class_report(logs, library, now=NOW))
            print(f"{f'{state}: {label}':<48} {report:8.2f} s")
            end_to_end = median_seconds(args.runs, lambda: cli("report", str(room)))
            print(f"{f'{state}: quiz report, end to end (subprocess)':<48} {end_to_end:8.2f} s   ({total:,} answers)")
            child = in_child("bench_history", "case_report", str(room), env=dict(os.environ))
            print(f"{f'{state}: class report, peak memory (child)':<48} {child['peak_mb']:8.0f} MB")
        floor = in_child("bench_history", "case_library", env=dict(os.environ))
        print(f"{'the same child loading only the banks':<48} {floor['peak_mb']:8.0f} MB")


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------- for run.py


def _library() -> Any:
    library, _ = load_paths([bundled_questions_dir()])
    return library


def case_history(scores: str, learner: str) -> float:
    """A child's case: seconds of `load_history` (cold or warm as QUIZ_CACHE says)."""
    library = _library()
    start = time.perf_counter()
    load_history(Path(scores), learner, library, now=NOW)
    return time.perf_counter() - start


def case_library() -> float:
    """A child's case: seconds to load the banks (the floor of `case_report`'s peak memory)."""
    start = time.perf_counter()
    _library()
    return time.perf_counter() - start


def case_report(room: str, jobs: int | None = None) -> dict[str, float]:
    """A child's case: the class report over every learner of `room` (`jobs` as `quiz report
    --jobs`; None: as the app decides). Its wall seconds, the CPU seconds of this process and of
    its workers, and the peak memory of the biggest worker."""
    library = _library()
    start, cpu = time.perf_counter(), _cpu_seconds()
    logs, _ = find_learner_logs([Path(room)])
    build_class_report(logs, library, now=NOW, jobs=jobs)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": _cpu_seconds() - cpu,
        "worker_peak_mb": _children_peak_mb(),
        "workers": class_pool.workers(
            sum(path.stat().st_size for path in Path(room).glob("*/*.jsonl")), len(logs), jobs
        ),
    }


def _size(room: str) -> int:
    return sum(path.stat().st_size for path in Path(room).glob("*/*.jsonl"))


def _cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the report's workers)."""
    try:
        import resource
    except ImportError:  # Windows: this process only
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _children_peak_mb() -> float:
    """The peak resident memory of the biggest child that has ended (0 where unknown)."""
    try:
        import resource
    except ImportError:
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def _appended(log: Path, appended: int) -> bytes:
    """Cut the last `appended` lines off `log`; returns them, to append after the snapshot."""
    data = log.read_bytes()
    cut = len(data)
    for _ in range(appended):
        cut = data.rindex(b"\n", 0, cut - 1) + 1 if cut > 1 else 0
    log.write_bytes(data[:cut])
    return data[cut:]


def _ratio(name: str, limit: float, seconds: float, base: float, child: dict[str, Any]) -> Any:
    """A row: `seconds` of a case against the bare parse's `base` seconds."""
    from common import Figure

    return Figure(
        f"{name} / bare json.loads",
        f"<= {limit:g}x" if limit < math.inf else "(shown, no goal)",
        limit,
        seconds / base,
        "x",
        f"{seconds:.2f} s vs {base:.2f} s; peak {child['peak_mb']:.0f} MB",
    )


def figures(quick: bool) -> list[Any]:
    """`quiz history` and the class report, cold and warm, against a bare parse of the same files."""
    from common import Figure, in_child

    answers, learners, per = (100_000, 50, 1_000) if quick else (1_000_000, 1_000, 1_000)
    keys = [q.key for q in _library().questions]
    rows: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as folder:
        root = Path(folder)
        cache = str(root / "cache")
        off = {**os.environ, "QUIZ_CACHE": "off"}
        on = {**os.environ, "QUIZ_CACHE": cache}
        scores = root / "scores"
        log = scores / "bench" / "reviews.jsonl"
        write_log(log, "bench", answers, keys, seed=1)
        room = root / "room"
        for index in range(learners):
            name = f"learner{index:04d}"
            write_log(room / name / "reviews.jsonl", name, per, keys, seed=100 + index)
        room_files = "\n".join(str(path) for path in sorted(room.glob("*/reviews.jsonl")))

        base = in_child("common", "bare_json", str(log), env=off)
        cold = in_child("bench_history", "case_history", str(scores), "bench", env=off)
        rest = _appended(log, 1_000)
        in_child("bench_history", "case_history", str(scores), "bench", env=on)  # writes the snapshot
        with log.open("ab") as handle:
            handle.write(rest)
        warm = in_child("bench_history", "case_history", str(scores), "bench", env=on)
        size = f"{answers:,} answers"
        for state, measured, limit in (("cold", cold, 3.0), ("warm", warm, 0.5)):
            rows.append(_ratio(f"quiz history, {size}, {state}", limit, measured["result"], base["seconds"], measured))
        rows.append(Figure(f"quiz history, {size}, cold: peak memory", "< 500 MB", 500, cold["peak_mb"], "MB"))

        size = f"{learners:,} learners x {per:,} answers"
        base = in_child("common", "bare_json", room_files, env=off)
        cold = in_child("bench_history", "case_report", str(room), env=off)
        alone = in_child("bench_history", "case_report", str(room), 1, env=off)
        in_child("bench_history", "case_report", str(room), env=on)  # writes each learner's entry
        warm = in_child("bench_history", "case_report", str(room), env=on)
        bare = base["seconds"]
        for state, measured, limit in (("cold", cold, 3.0), ("warm", warm, 1.0)):
            rows.append(_ratio(f"class report, {size}, {state}", limit, measured["result"]["seconds"], bare, measured))
        result = cold["result"]
        processes = f"{result['workers']} processes, CPU of all {result['cpu']:.2f} s ({result['cpu'] / bare:.2f}x)"
        rows[-2].detail += f"; {processes}"
        name = f"class report, {size}, cold, one process (--jobs 1)"
        rows.append(_ratio(name, math.inf, alone["result"]["seconds"], bare, alone))
        workers = result["workers"] if result["workers"] > 1 else 0
        worker_mb = result["worker_peak_mb"]
        rows.append(
            Figure(
                f"class report, {size}, cold: peak memory",
                "< 500 MB",
                500,
                cold["peak_mb"] + workers * worker_mb,
                "MB",
                f"this process {cold['peak_mb']:.0f} MB + {workers} workers of at most {worker_mb:.0f} MB each",
            )
        )
    return rows
