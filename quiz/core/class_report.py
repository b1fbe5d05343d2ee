"""The class report (`quiz report`): per question and per learner, over several logs.

Each learner's log goes through the same streaming pass as a history
(`quiz.core.history`), resumed from a `replay_cache` snapshot when one fits.

Definitions, so the figures can be checked by hand:

- The class report's *discrimination index* (upper-lower 27 % method): learners
  with at least one answer are ranked by overall accuracy (ties by name); the
  upper and lower groups are the top and bottom `round(0.27 * n)` of them (at
  least one each). For a question, D = p(upper) - p(lower), where p(group) is
  the share of the group's learners who answered the question that got it right
  at their first attempt. With fewer than `MIN_LEARNERS_FOR_DISCRIMINATION`
  learners, or a group where nobody answered the question, D is not computable
  (None).
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from quiz.core.history import UnknownKeys, _collect, _collect_log, response_text
from quiz.core.model import Library
from quiz.core.scheduling import Scheduler, Settings, ensure_utc
from quiz.core.store import LOG_NAME, iter_records

__all__ = [
    "MIN_LEARNERS_FOR_DISCRIMINATION",
    "ClassReport",
    "LearnerReport",
    "QuestionReport",
    "build_class_report",
    "find_learner_logs",
]

MIN_LEARNERS_FOR_DISCRIMINATION = 4
UPPER_LOWER_SHARE = 0.27
HARD_SHARE = 0.2
"""A question right at first attempt for fewer than this share of learners looks broken..."""
HARD_MIN_LEARNERS = 3
"""...once at least this many learners answered it."""


def _canonical(value: object, qtype: str) -> str:
    """A key under which equal responses count together (a multi's ticks in any order)."""
    if isinstance(value, str):
        return json.dumps(value.strip(), ensure_ascii=False)
    if qtype == "multi" and isinstance(value, list):
        value = sorted(value, key=str)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class QuestionReport:
    """One question across the class."""

    key: str
    prompt: str
    learners: int
    """Learners who answered it at least once."""
    first_right: int
    """Of those, how many were right at their first attempt."""
    common_wrong: str | None
    """The wrong response given most often (all attempts, all learners), as text."""
    common_wrong_count: int
    median_elapsed: float | None
    """Median seconds over every answer with a recorded time."""
    discrimination: float | None
    flags: tuple[str, ...]

    @property
    def first_right_share(self) -> float:
        """Share of the learners who answered that were right at first attempt."""
        return self.first_right / self.learners if self.learners else 0.0


@dataclass(frozen=True)
class LearnerReport:
    """One learner in the class report."""

    name: str
    path: Path
    answers: int
    right: int
    mastery: float
    warnings: tuple[str, ...] = ()

    @property
    def accuracy(self) -> float:
        """Share of all the learner's answers that were right."""
        return self.right / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class ClassReport:
    """`quiz report`: per question and per learner."""

    now: datetime
    learners: tuple[LearnerReport, ...]
    questions: tuple[QuestionReport, ...]
    """Questions of the library answered by at least one learner, in bank order."""
    unanswered: int
    """Questions of the library nobody answered."""
    unknown: UnknownKeys
    discrimination_computable: bool
    group_size: int
    """Learners in each of the upper and lower groups (0 when not computable)."""
    warnings: tuple[str, ...] = ()


def find_learner_logs(dirs: Sequence[Path]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(learner name, log path) for each folder holding `reviews.jsonl`, or each such
    folder directly inside a given folder; and a message for each folder with none."""
    found: list[tuple[str, Path]] = []
    problems: list[str] = []
    for folder in dirs:
        log = folder / LOG_NAME
        if log.is_file():
            found.append((folder.resolve().name or str(folder), log))
            continue
        if not folder.is_dir():
            problems.append(f"{folder}: no such folder")
            continue
        inner = sorted(
            (child.name, child / LOG_NAME)
            for child in folder.iterdir()
            if child.is_dir() and (child / LOG_NAME).is_file()
        )
        if not inner:
            problems.append(f"{folder}: no {LOG_NAME} in it or in the folders directly inside it")
        found.extend(inner)
    names = Counter(name for name, _ in found)
    labelled = [(str(path.parent) if names[name] > 1 else name, path) for name, path in found]
    return labelled, problems


class _QuestionTally:
    """Running per-question totals across learners."""

    __slots__ = ("elapsed", "first", "learners", "wrong", "wrong_text")

    def __init__(self) -> None:
        self.learners = 0
        self.first: dict[int, bool] = {}  # learner index -> right at first attempt
        self.wrong: Counter[str] = Counter()
        self.wrong_text: dict[str, str] = {}
        self.elapsed: list[float] = []


def build_class_report(
    logs: Sequence[tuple[str, Path]],
    library: Library,
    *,
    now: datetime,
    settings: Settings | None = None,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
) -> ClassReport:
    """The class report over the learners' logs (see the module docstring)."""
    now = ensure_utc(now)
    scheduler = Scheduler(settings)
    retention = scheduler.settings.desired_retention
    by_key = library.by_key()
    library_size = len(by_key)
    tallies: dict[str, _QuestionTally] = {}
    learners: list[LearnerReport] = []
    unknown_answers = 0
    unknown_keys: set[str] = set()
    all_warnings: list[str] = []

    for index, (name, path) in enumerate(logs):
        warnings: list[str] = []
        if open_records is iter_records:
            answers, states = _collect_log(path, scheduler, warnings.append)
        else:
            answers, states = _collect(open_records(path, warnings.append), scheduler)
        all_warnings.extend(warnings)
        mastered = sum(
            1
            for key, state in states.items()
            if key in by_key and scheduler.retrievability(state.card, now) >= retention
        )
        learners.append(
            LearnerReport(
                name=name,
                path=path,
                answers=answers.total,
                right=answers.right,
                mastery=mastered / library_size if library_size else 0.0,
                warnings=tuple(warnings),
            )
        )
        for k, key in enumerate(answers.keys):
            rows = answers.live_rows(k)
            if not rows:
                continue
            if key not in by_key:
                unknown_keys.add(key)
                unknown_answers += len(rows)
                continue
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = _QuestionTally()
            tally.learners += 1
            tally.first[index] = answers.correct(rows[0])
            qtype = by_key[key].type
            for row in rows:
                elapsed = answers.elapsed[row]
                if not math.isnan(elapsed):
                    tally.elapsed.append(elapsed)
                if not answers.correct(row):
                    response = answers.response[row]
                    canonical = _canonical(response, qtype)
                    tally.wrong[canonical] += 1
                    tally.wrong_text.setdefault(canonical, response_text(response))

    ranked = sorted(
        (learner for learner in learners if learner.answers),
        key=lambda learner: (-learner.accuracy, learner.name),
    )
    positions = {id(learner): i for i, learner in enumerate(learners)}
    computable = len(ranked) >= MIN_LEARNERS_FOR_DISCRIMINATION
    group_size = max(1, round(UPPER_LOWER_SHARE * len(ranked))) if computable else 0
    upper = [positions[id(learner)] for learner in ranked[:group_size]]
    lower = [positions[id(learner)] for learner in ranked[len(ranked) - group_size :]]

    def share(first: dict[int, bool], group: list[int]) -> float | None:
        seen = [first[i] for i in group if i in first]
        return sum(seen) / len(seen) if seen else None

    questions: list[QuestionReport] = []
    for question in library.questions:
        tally = tallies.get(question.key)
        if tally is None:
            continue
        first_right = sum(tally.first.values())
        discrimination: float | None = None
        if computable:
            high, low = share(tally.first, upper), share(tally.first, lower)
            if high is not None and low is not None:
                discrimination = high - low
        common: tuple[str, int] | None = None
        if tally.wrong:
            canonical, count = min(tally.wrong.items(), key=lambda item: (-item[1], item[0]))
            common = (tally.wrong_text[canonical], count)
        flags: list[str] = []
        if tally.learners >= HARD_MIN_LEARNERS and first_right / tally.learners < HARD_SHARE:
            flags.append("almost nobody right")
        if discrimination is not None and discrimination < 0:
            flags.append("negative discrimination")
        questions.append(
            QuestionReport(
                key=question.key,
                prompt=question.prompt,
                learners=tally.learners,
                first_right=first_right,
                common_wrong=common[0] if common else None,
                common_wrong_count=common[1] if common else 0,
                median_elapsed=statistics.median(tally.elapsed) if tally.elapsed else None,
                discrimination=discrimination,
                flags=tuple(flags),
            )
        )
    return ClassReport(
        now=now,
        learners=tuple(learners),
        questions=tuple(questions),
        unanswered=library_size - len(questions),
        unknown=UnknownKeys(unknown_answers, len(unknown_keys)),
        discrimination_computable=computable,
        group_size=group_size,
        warnings=tuple(all_warnings),
    )
