"""Which files make each learner's log, and reading them for the class report.

`find_learner_logs` is the one function that decides what a learner's log is (a
folder's `reviews.jsonl` today; per-device files later), so changing that stays
local. `load_class` runs each log through the history pass once, so the command
line can look at the keys in the logs before the report is assembled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from quiz.core.history import _Answers, _collect, _collect_log
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import LOG_NAME, QuestionState, StoreError, iter_records

__all__ = ["LearnerLog", "find_learner_logs", "load_class", "log_keys"]


def find_learner_logs(paths: Sequence[Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """Which files make each learner's log: the one place that decides it.

    Each path may be a learner's folder (holding `reviews.jsonl`), a folder of such
    folders (one level down), or a `reviews.jsonl` file itself (the learner is its
    folder's name). A log reached twice (a folder given twice, a parent and its
    child) counts once. Returns (learner name, log path) pairs and a message for
    each path that gave nothing or gave a log already counted.
    """
    found: list[tuple[str, Path]] = []
    problems: list[str] = []
    seen: set[Path] = set()

    def take(pairs: Sequence[tuple[str, Path]], given: Path) -> None:
        again = 0
        for name, log in pairs:
            real = log.resolve()
            if real in seen:
                again += 1
                continue
            seen.add(real)
            found.append((name, log))
        if again:
            what = "its log is" if again == 1 else f"{again} logs in it are"
            problems.append(f"{given}: {what} already counted; counted once")

    for given in paths:
        if given.is_file():
            if given.suffix != ".jsonl":
                problems.append(f"{given}: not a score file (expected a folder or a {LOG_NAME})")
                continue
            take([(given.resolve().parent.name or str(given), given)], given)
            continue
        log = given / LOG_NAME
        if log.is_file():
            take([(given.resolve().name or str(given), log)], given)
            continue
        if not given.is_dir():
            problems.append(f"{given}: no such folder or file")
            continue
        try:
            inner = sorted(
                (child.name, child / LOG_NAME)
                for child in given.iterdir()
                if child.is_dir() and (child / LOG_NAME).is_file()
            )
        except OSError as error:
            problems.append(f"{given}: cannot be listed ({error.strerror or error})")
            continue
        if not inner:
            problems.append(f"{given}: no {LOG_NAME} in it or in the folders directly inside it")
        take(inner, given)
    names = Counter(name for name, _ in found)
    labelled = [(str(path.parent) if names[name] > 1 else name, path) for name, path in found]
    return labelled, problems


@dataclass
class LearnerLog:
    """One learner's log after the streaming pass."""

    name: str
    path: Path
    answers: _Answers = field(default_factory=_Answers)
    states: dict[str, QuestionState] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def load_class(
    logs: Sequence[tuple[str, Path]],
    *,
    settings: Settings | None = None,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
) -> list[LearnerLog]:
    """Every learner's log through the pass; one that cannot be read is kept with its
    `error` (the report goes on with the others)."""
    scheduler = Scheduler(settings)
    loaded: list[LearnerLog] = []
    for name, path in logs:
        log = LearnerLog(name, path)
        try:
            if open_records is iter_records:
                log.answers, log.states = _collect_log(path, scheduler, log.warnings.append)
            else:
                log.answers, log.states = _collect(open_records(path, log.warnings.append), scheduler)
        except StoreError as error:
            log = LearnerLog(name, path, error=str(error))
        loaded.append(log)
    return loaded


def log_keys(loaded: Iterable[LearnerLog]) -> set[str]:
    """Every question key with at least one answer in the logs."""
    return {key for log in loaded for key in log.answers.keys}
