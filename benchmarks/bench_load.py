"""How much `quiz check` costs on top of merely parsing the YAML.

Generates banks of 1,000, 10,000 and 50,000 realistic questions (prompt ~120
characters, 4 choices, explanation ~200) and prints, per size, the median time of
the check (read, compose, validate, build) against a bare `yaml.compose` with
CSafeLoader of the same text. Target: ratio <= 1.5 at 10,000 questions.

    python benchmarks/bench_load.py [--quick]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from quiz.core.bank import load_paths

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def make_bank(count: int) -> str:
    """A bank of `count` choice questions of realistic size."""
    lines = [
        "deck: bench",
        "title: Benchmark bank",
        "description: Generated questions of realistic size.",
        "sources:",
        "  ref: A reference work, volume 1, page 1",
        "questions:",
    ]
    filler = "about the telephone call between the two presidents and what followed in relations"
    for i in range(count):
        lines += [
            f"  - id: q{i}",
            f"    prompt: Question {i} asks something {filler}, phrased at a realistic length?",
            f"    choices: [Option one {i}, Option two {i}, Option three {i}, Option four {i}]",
            f"    answer: Option two {i}",
            f"    explanation: Explanation {i} teaches a little more than the bare answer, {filler};"
            f" it names the context and the source, and runs to about two hundred characters.",
            "    source: ref",
            "    tags: [bench]",
        ]
    return "\n".join(lines) + "\n"


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compose_without_gc(path: Path) -> object:
    """The fairest floor: what check's own GC pause would give a bare compose."""
    gc.disable()
    try:
        return yaml.compose(path.read_text(), Loader=Loader)
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args()
    sizes = (1_000, 5_000) if args.quick else (1_000, 10_000, 50_000)
    print(f"loader: {Loader.__name__}")
    print("compose: a bare yaml.compose; compose-nogc: the same with the GC paused, as check does")
    print(f"{'questions':>10} {'check (s)':>10} {'compose (s)':>12} {'ratio':>6} {'compose-nogc':>13} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"bank{size}.yaml"
            path.write_text(make_bank(size))
            repeats = 3 if size >= 50_000 or args.quick else 7
            library, problems = load_paths([path])
            assert not problems and len(library.questions) == size, problems[:3]
            check = median_time(lambda p=path: load_paths([p]), repeats)  # type: ignore[misc]
            bare = median_time(lambda p=path: yaml.compose(p.read_text(), Loader=Loader), repeats)  # type: ignore[misc]
            nogc = median_time(lambda p=path: compose_without_gc(p), repeats)  # type: ignore[misc]
            print(f"{size:>10,} {check:>10.3f} {bare:>12.3f} {check / bare:>6.2f} {nogc:>13.3f} {check / nogc:>6.2f}")


if __name__ == "__main__":
    main()
