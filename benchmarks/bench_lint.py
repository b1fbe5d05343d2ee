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
