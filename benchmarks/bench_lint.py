"""What `quiz check --lint` costs on top of `quiz check`.

Generates banks of 1,000 and 10,000 realistic questions (the generator of
bench_load.py) and prints the median time of loading with line marks and of the
lint itself. Goal: the lint of a 10,000-question bank within a few seconds on a
laptop, linear in the number of questions (these generated questions are all
near-duplicates of each other, the worst case for L109).

    python benchmarks/bench_lint.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import make_bank
from common import Figure

from quiz.core.bank import load_paths
from quiz.core.lint import lint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per size")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as folder:
        for count in (1_000, 10_000):
            path = Path(folder) / f"bank-{count}.yaml"
            path.write_text(make_bank(count), encoding="utf-8")
            loads, lints = [], []
            for _ in range(repeats):
                start = time.perf_counter()
                library, _ = load_paths([path], marks=True)
                loaded = time.perf_counter()
                warnings = lint(library)
                lints.append(time.perf_counter() - loaded)
                loads.append(loaded - start)
            print(
                f"{count:>6} questions: load with marks {statistics.median(loads):.2f} s, "
                f"lint {statistics.median(lints):.2f} s ({len(warnings)} warnings)"
            )


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------- for run.py


def case_lint(path: str) -> dict[str, float]:
    """A child's case: seconds of loading `path` with line marks, and of linting it."""
    start = time.perf_counter()
    library, _ = load_paths([Path(path)], marks=True)
    loaded = time.perf_counter()
    lint(library)
    return {"load": loaded - start, "lint": time.perf_counter() - loaded}


def figures(quick: bool) -> list[Figure]:
    """What `--lint` adds to a check (against the load itself, measured in the same child),
    and how it grows from the small bank to the big one (1.0 is linear)."""
    from common import in_child

    small, big = (1_000, 4_000) if quick else (1_000, 10_000)
    with tempfile.TemporaryDirectory(prefix="quiz-bench-") as folder:
        results = {}
        for count in (small, big):
            path = Path(folder) / f"bank-{count}.yaml"
            path.write_text(make_bank(count), encoding="utf-8")
            results[count] = in_child("bench_lint", "case_lint", str(path))["result"]
    growth = (results[big]["lint"] / big) / (results[small]["lint"] / small)
    return [
        Figure(
            f"quiz check --lint, {big:,} near-duplicate questions: lint / load",
            "<= 3x",
            3.0,
            results[big]["lint"] / results[big]["load"],
            "x",
            f"lint {results[big]['lint']:.2f} s, load with marks {results[big]['load']:.2f} s",
        ),
        Figure(
            f"lint time per question, {big:,} / {small:,} questions",
            "<= 1.5x",
            1.5,
            growth,
            "x",
            f"{results[small]['lint']:.2f} s for {small:,}, {results[big]['lint']:.2f} s for {big:,}",
        ),
    ]
