"""What every benchmark shares: a `Figure` (one row of `run.py`'s table) and child processes.

Each case that is timed against a baseline runs in its own child interpreter
(`in_child`), which times the action itself and reports its peak resident memory
(`peak_mb`: VmHWM on Linux, else `ru_maxrss`), so peaks of different cases never mix and
imports are not counted in the time. Nothing here asserts a timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


@dataclass
class Figure:
    """One measured figure and its goal: `measured <= limit` passes."""

    name: str
    goal: str
    limit: float
    measured: float
    unit: str
    """'x' for a ratio to the baseline measured in the same run, else 'ms' or 'MB'."""
    detail: str = ""
    """What was measured, in plain numbers (seconds, sizes, peak memory)."""

    @property
    def passed(self) -> bool:
        return self.measured <= self.limit

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (0 where it cannot be known).

    Linux's `VmHWM` first: `ru_maxrss` survives `exec`, so a child started by a big
    parent (vfork shares the parent's memory until exec) would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def in_child(module: str, function: str, *args: Any, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`module.function(*args)` in a fresh interpreter: {"seconds", "peak_mb", "result"}.

    The child times the call alone (not its start-up and imports).
    """
    code = "import sys; sys.path.insert(0, sys.argv[1]); from common import child_main; child_main()"
    completed = subprocess.run(
        [sys.executable, "-c", code, str(HERE), module, function, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{module}.{function} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def child_main() -> None:
    """The child's side of `in_child`."""
    import importlib

    module, function, args = sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    action = getattr(importlib.import_module(module), function)
    start = time.perf_counter()
    result = action(*args)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb(), "result": result}))


def bare_json(path: str) -> int:
    """The baseline of every log figure: `json.loads` of every line of every file, nothing else."""
    count = 0
    loads = json.loads
    for name in path.split("\n"):
        with open(name, encoding="utf-8") as handle:
            for line in handle:
                loads(line)
                count += 1
    return count
