"""What `quiz import` and `quiz export` cost as banks grow.

Generates GIFT files of 1,000 and 10,000 multiple-choice questions with feedback
and a general feedback, and prints the median time to parse them, to write and
check the YAML bank (`render_bank` loads what it writes), and to export the
bundled banks to each format. Figures, not assertions: the goal is a 10,000
question import well under a minute on the development machine.

    python benchmarks/bench_interchange.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quiz.core.bank import bundled_questions_dir, load_paths
from quiz.formats import anki, csv_format, gift, moodle_xml_export
from quiz.formats.yaml_writer import render_bank


def make_gift(count: int) -> str:
    """`count` GIFT questions of realistic size."""
    filler = "about the telephone call between the two presidents and what followed"
    return "\n\n".join(
        f"::q{i}:: Question {i} {filler}? {{\n\t=Right {i} #Yes: that is how it went.\n"
        f"\t~Wrong {i} #No: that came later.\n\t~Other {i}\n####Explanation {i} {filler}.\n}}"
        for i in range(count)
    )


def median(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run of the small size only")
    args = parser.parse_args()
    sizes, repeat = ((1000,), 1) if args.quick else ((1000, 10_000), 3)
    print("| questions | parse GIFT | write + check YAML |")
    print("|---:|---:|---:|")
    for size in sizes:
        text = make_gift(size)
        parse_time = median(lambda text=text: gift.parse(text, "bench.gift"), repeat)
        result = gift.parse(text, "bench.gift")
        write_time = median(lambda result=result: render_bank(result.banks[0], ["bench"], result.reports), repeat)
        print(f"| {size:,} | {parse_time:.2f} s | {write_time:.2f} s |")
    library, _ = load_paths([bundled_questions_dir()])
    banks = list(library.banks)
    print(f"\nExport of the bundled banks ({len(library.questions)} questions):")
    for name, action in (
        ("gift", lambda: gift.dumps(banks)),
        ("moodle-xml", lambda: moodle_xml_export.dumps(banks)),
        ("csv", lambda: csv_format.dumps(banks)),
        ("apkg", lambda: anki.dumps_apkg(banks)),
    ):
        print(f"  {name:<10} {median(action, repeat):.3f} s")


if __name__ == "__main__":
    main()


# --------------------------------------------------------------------------- for run.py


def case_import(size: int) -> dict[str, float]:
    """A child's case: seconds to parse a generated GIFT file and to write and check its YAML bank."""
    text = make_gift(size)
    start = time.perf_counter()
    result = gift.parse(text, "bench.gift")
    parsed = time.perf_counter()
    render_bank(result.banks[0], ["bench"], result.reports)
    return {"parse": parsed - start, "write": time.perf_counter() - parsed}


def case_yaml(size: int) -> float:
    """The baseline: a bare `yaml.compose` of the bank the import writes (CSafeLoader)."""
    import yaml

    result = gift.parse(make_gift(size), "bench.gift")
    text, _notes = render_bank(result.banks[0], ["bench"], result.reports)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    yaml.compose(text, Loader=loader)
    return time.perf_counter() - start


def figures(quick: bool) -> list[Any]:
    """A GIFT import of many questions end to end, against composing the YAML it writes."""
    from common import Figure, in_child

    size = 2_000 if quick else 10_000
    run = in_child("bench_interchange", "case_import", size)
    base = in_child("bench_interchange", "case_yaml", size)["result"]
    total = run["result"]["parse"] + run["result"]["write"]
    return [
        Figure(
            f"quiz import of {size:,} GIFT questions / bare yaml.compose of the bank written",
            "<= 10x",
            10.0,
            total / base,
            "x",
            f"{total:.2f} s (parse {run['result']['parse']:.2f} s) vs {base:.2f} s; peak {run['peak_mb']:.0f} MB",
        ),
        Figure(f"quiz import of {size:,} GIFT questions", "< 60 s", 60.0, total, "s"),
    ]
