"""Every benchmark, one table: figure, goal, measured, ratio or value, pass or miss.

    python benchmarks/run.py            # the sizes of the goals (issue 15): many minutes
    python benchmarks/run.py --quick    # smaller logs, fewer samples: under 3 minutes on 2 idle cores
    python benchmarks/run.py --json     # the same rows as JSON

Each benchmark module has `figures(quick) -> list[Figure]`; every ratio is taken
against a baseline measured in the same run (a bare `json.loads` of the same
lines, a bare `yaml.compose`, a minimal Textual app), so a loaded machine slows
both sides. Timed cases run in child processes, which also report their peak
memory. Nothing is asserted: this prints, and exits 0 whatever it measured.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Figure

MODULES = ("bench_startup", "bench_engine", "bench_history", "bench_load", "bench_lint", "bench_interchange")


def table(rows: list[Figure]) -> str:
    """A Markdown table, as the README shows it."""
    lines = ["| figure | goal | measured | pass | detail |", "|---|---|---|---|---|"]
    for row in rows:
        shown = f"{row.measured:.2f}x" if row.unit == "x" else f"{row.measured:.1f} {row.unit}"
        verdict = "info" if row.limit == math.inf else "pass" if row.passed else "MISS"
        lines.append(f"| {row.name} | {row.goal} | {shown} | {verdict} | {row.detail} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer samples")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    parser.add_argument("--only", action="append", choices=MODULES, help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    rows: list[Figure] = []
    for name in args.only or MODULES:
        began = time.perf_counter()
        rows.extend(importlib.import_module(name).figures(args.quick))
        print(f"{name}: {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    machine = (
        f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
        f"{'quick' if args.quick else 'full'} run, {time.perf_counter() - start:.0f} s"
        + (f"; load average {load[0]:.1f} at the end" if load else "")
    )
    if args.json:
        print(json.dumps({"machine": machine, "rows": [row.to_dict() for row in rows]}, indent=1))
    else:
        print(machine)
        print()
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
