"""The class report (`quiz report`): per question, per choice, per learner, over several logs.

Each learner's log goes through the same streaming pass as a history
(`quiz.core.history`), resumed from a `replay_cache` snapshot when one fits;
`load_class` does that once per learner and keeps only that learner's figures
(`quiz.core.class_learner`), so the report never holds more than one learner's
records, and the command line can look at the keys answered (to infer the
banks) before `assemble` builds the figures from them.

Definitions, so every figure can be checked by hand (docs/teaching.md explains
them to a teacher):

- The *scope* is the library's questions, narrowed by `--deck` and `--tag`; an
  *answer in the filters* is one of a question in scope, given between `since`
  and `until` (UTC days, both included), in one of `modes` (all when empty).
- A learner's *first attempt* at a question is the first answer in the filters
  they gave to it, whatever came after: an answer they undid still counts (undo
  is for the learner's schedule, not for the teacher's count). It is *right* or
  *wrong* as graded; *overridden* when graded wrong and then declared right by
  the learner ("I was right": a `rerate` record with `"correct": true`, issue 19;
  the learner's own history counts it right). Overridden attempts count as wrong in every share,
  and are counted and marked apart so the teacher can judge them. A card's first
  attempt is its self-grade 1-4 (right from 2 on, as graded); it is never a
  "wrong answer" in the choice table.
- *Learners* of a question: those with a first attempt at it. *1st right*: the
  share of them right at their first attempt.
- *Choices*: for choice, multi and true/false questions, every choice with the
  number of learners who picked (ticked) it at their first attempt and its
  share of the question's learners (a multi's shares add up to more than 100 %).
  Open questions list their most common first-attempt responses; a card lists
  its four self-grades. A distractor (wrong choice) is flagged *never picked*
  once at least `MIN_LEARNERS_FOR_UNUSED` learners answered and none picked it,
  and *picked more by strong learners* when, with at least
  `MIN_LEARNERS_FOR_DISCRIMINATION` learners, the share of strong learners who
  picked it is above the share of weak ones. *Strong* and *weak*: learners whose
  score (share right at first attempt over every question in scope they saw)
  is above, or below, the class median score.
- *Discrimination* is the point-biserial correlation, over the learners of the
  question who saw at least one other question, between being right at the
  first attempt (1/0) and the learner's *rest score* (the same score without
  this question). Only with at least `MIN_LEARNERS_FOR_DISCRIMINATION` (10) such
  learners: fewer give a number that is mostly noise (with 4 learners nearly any
  question reads +1.00). The 95 % confidence interval is Fisher's: tanh(atanh(r)
  ± 1.96 / sqrt(n - 3)). When everyone gave the same first result, or every
  rest score is equal, it is not computable either ("n/a", with the reason).
- A learner's *answers* and *accuracy* count every answer in the filters that
  was not undone (repeats included; overridden ones as wrong). *Mastery* is the share of the questions in
  scope that are *mastered* now: FSRS predicted recall at `now` at least the
  desired retention, and at least one answer given a day (24 h) or more after
  the question's first answer, so one drill session never counts as mastery.
  It comes from the whole log (the learner's schedule), whatever the date and
  mode filters.
"""

from __future__ import annotations

import math
import statistics
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeAlias

from quiz.core.bank_cache import collection_paused
from quiz.core.class_choices import MIN_LEARNERS_FOR_STRONG_WEAK, ChoiceCount, FirstAttempt, choice_counts
from quiz.core.class_learner import FIRST_CORRECT, FIRST_OVERRIDDEN, LearnerFigures, ReadingBasis, ReportFilter
from quiz.core.class_logs import load_class
from quiz.core.history import UnknownKeys
from quiz.core.model import (
    ClozeQuestion,
    Gap,
    Library,
    Question,
)
from quiz.core.scheduling import Scheduler, Settings, ensure_utc
from quiz.core.store import iter_records

__all__ = [
    "MIN_LEARNERS_FOR_DISCRIMINATION",
    "MODES",
    "Cell",
    "ClassReport",
    "Discrimination",
    "LearnerReport",
    "QuestionReport",
    "ReportFilter",
    "assemble",
    "build_class_report",
    "display_text",
]

MIN_LEARNERS_FOR_DISCRIMINATION = MIN_LEARNERS_FOR_STRONG_WEAK
"""Learners needed before a discrimination (or a strong-versus-weak flag) is shown."""
HARD_SHARE = 0.2
"""A question right at first attempt for fewer than this share of learners looks broken..."""
HARD_MIN_LEARNERS = 3
"""...once at least this many learners answered it."""
Z_95 = 1.959963984540054
MODES = ("drill", "practice", "exam", "cram")

Cell: TypeAlias = Literal["right", "wrong", "overridden", "unseen", "1", "2", "3", "4"]
"""A grid cell: a first attempt's result, or a card's self-grade."""
_GRADE_CELLS: tuple[Cell, ...] = ("1", "2", "3", "4")


def display_text(question: Question) -> str:
    """What a teacher recognises a question by: its prompt, or a cloze's text with
    its gaps as `___` when it has no prompt."""
    if question.prompt.strip() or not isinstance(question, ClozeQuestion):
        return question.prompt
    return "".join("___" if isinstance(part, Gap) else part for part in question.parts)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Discrimination:
    """A point-biserial correlation with its 95 % confidence interval."""

    r: float
    low: float
    high: float
    learners: int


@dataclass(frozen=True)
class QuestionReport:
    """One question across the class."""

    number: int
    """1-based position in the report (Q1, Q2... in the grid)."""
    key: str
    prompt: str
    """`display_text` of the question."""
    type: str
    learners: int
    """Learners with a first attempt at it."""
    first_right: int
    """Of those, how many were right at their first attempt."""
    overridden: int
    """Of those, how many were graded wrong then declared right ("I was right")."""
    answers: int
    """Every answer in the filters, repeats included, undone ones left out."""
    median_elapsed: float | None
    """Median seconds over those answers with a recorded time."""
    discrimination: Discrimination | None
    discrimination_note: str
    """Why there is no discrimination ("" when there is one)."""
    choices: tuple[ChoiceCount, ...]
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
    seen: int
    """Questions in scope with a first attempt."""
    first_right: int
    overridden: int
    answers: int
    right: int
    mastered: int
    scope: int
    """Questions in scope (the denominator of mastery)."""
    warnings: tuple[str, ...] = ()
    error: str | None = None
    """Why the log could not be read at all (then every figure is 0)."""
    last: datetime | None = None
    """The learner's latest answer (any question, any filter): their last activity."""

    @property
    def accuracy(self) -> float:
        """Share of the learner's answers in the filters that were right."""
        return self.right / self.answers if self.answers else 0.0

    @property
    def score(self) -> float:
        """Share right at first attempt over the questions seen."""
        return self.first_right / self.seen if self.seen else 0.0

    @property
    def mastery(self) -> float:
        """Share of the questions in scope mastered now (module docstring)."""
        return self.mastered / self.scope if self.scope else 0.0


@dataclass(frozen=True)
class ClassReport:
    """`quiz report`: questions, learners, the grid of first attempts, the choices."""

    now: datetime
    desired_retention: float
    filters: ReportFilter
    learners: tuple[LearnerReport, ...]
    questions: tuple[QuestionReport, ...]
    """Questions in scope answered by at least one learner, in bank order."""
    grid: tuple[tuple[Cell, ...], ...]
    """One row per learner (in `learners` order), one cell per question (in `questions` order)."""
    unanswered: int
    """Questions in scope nobody answered."""
    unknown: UnknownKeys
    median_score: float | None
    """The class median of the learners' scores (strong above, weak below)."""
    warnings: tuple[str, ...] = ()

    @property
    def grid_rows(self) -> tuple[tuple[LearnerReport, tuple[Cell, ...]], ...]:
        """(learner, cells) for every learner whose log could be read: an unreadable
        log is listed with its reason among the learners, never as a row of "not seen"."""
        return tuple(
            (learner, row) for learner, row in zip(self.learners, self.grid, strict=True) if learner.error is None
        )

    @property
    def discrimination_min(self) -> int:
        """`MIN_LEARNERS_FOR_DISCRIMINATION`, for the legends."""
        return MIN_LEARNERS_FOR_DISCRIMINATION


# --------------------------------------------------------------------------- the figures


_FIRST_CORRECT_OF = tuple(bool(bits & FIRST_CORRECT) for bits in range(4))
_FIRST_OVERRIDDEN_OF = tuple(bool(bits & FIRST_OVERRIDDEN) for bits in range(4))
"""A first attempt's bits (`LearnerFigures.first`) as right, and as overridden."""


class _Tally:
    """Running per-question totals across learners."""

    __slots__ = ("answers", "elapsed", "firsts")

    def __init__(self) -> None:
        self.firsts: list[FirstAttempt] = []
        self.answers = 0
        self.elapsed: array[float] = array("d")


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _discrimination(
    firsts: Sequence[FirstAttempt], seen: Sequence[int], right: Sequence[int]
) -> tuple[Discrimination | None, str]:
    """Point-biserial r against the rest score, with Fisher's interval (module docstring)."""
    pairs = [
        (1.0 if first.correct else 0.0, (right[first.learner] - first.correct) / (seen[first.learner] - 1))
        for first in firsts
        if seen[first.learner] > 1
    ]
    if len(pairs) < MIN_LEARNERS_FOR_DISCRIMINATION:
        return None, f"fewer than {MIN_LEARNERS_FOR_DISCRIMINATION} learners"
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    if len(set(xs)) == 1:
        return None, "everyone right" if xs[0] else "everyone wrong"
    r = _pearson(xs, ys)
    if r is None:
        return None, "every rest score is equal"
    r = max(-1.0, min(1.0, r))
    if abs(r) == 1.0:
        return Discrimination(r, r, r, len(pairs)), ""
    z = math.atanh(r)
    half = Z_95 / math.sqrt(len(pairs) - 3)
    return Discrimination(r, math.tanh(z - half), math.tanh(z + half), len(pairs)), ""


def assemble(
    loaded: Sequence[LearnerFigures],
    library: Library,
    *,
    now: datetime,
    settings: Settings | None = None,
    filters: ReportFilter | None = None,
) -> ClassReport:
    """The figures of the module docstring from what `load_class` kept of each learner
    (read with the same `now`, `settings` and filters: `ValueError` otherwise).

    Without the cyclic garbage collector: a first attempt per learner and question is
    an object, all kept, and the collector walked them again and again."""
    with collection_paused():
        return _assemble(loaded, library, now=now, settings=settings, filters=filters)


def _assemble(
    loaded: Sequence[LearnerFigures],
    library: Library,
    *,
    now: datetime,
    settings: Settings | None,
    filters: ReportFilter | None,
) -> ClassReport:
    now = ensure_utc(now)
    filters = filters or ReportFilter()
    scheduler = Scheduler(settings)
    retention = scheduler.settings.desired_retention
    basis = ReadingBasis(now, filters.since, filters.until, filters.modes, scheduler.settings)
    if any(log.basis is not None and log.basis != basis for log in loaded):
        raise ValueError("the learners' logs were read for another moment, settings or filters than this report's")
    everything = library.by_key()
    scope = [question for question in library.questions if filters.in_scope(question)]
    by_key = {question.key: question for question in scope}
    tallies: dict[str, _Tally] = {}
    unknown_answers = 0
    unknown_keys: set[str] = set()
    all_warnings: list[str] = []
    seen = [0] * len(loaded)
    right = [0] * len(loaded)
    overridden = [0] * len(loaded)
    answers_of = [0] * len(loaded)
    right_of = [0] * len(loaded)
    mastered_of = [0] * len(loaded)
    firsts_of: list[dict[str, FirstAttempt]] = [{} for _ in loaded]

    for index, log in enumerate(loaded):
        all_warnings.extend(log.warnings)
        if log.error is not None:
            all_warnings.append(f"{log.name}: {log.error}")
            continue
        firsts_here = firsts_of[index]
        start = 0
        # `log.questions()`, written out: a report goes through every learner's every question.
        for key, bits, response, live, good, timed in zip(
            log.keys, log.first, log.responses, log.live, log.right, log.timed, strict=False
        ):
            stop = start + timed
            question = by_key.get(key)
            if question is None:
                in_decks = not filters.decks or key.split("/", 1)[0] in filters.decks
                if live and key not in everything and in_decks:
                    unknown_keys.add(key)
                    unknown_answers += live
                start = stop
                continue
            tally = tallies.get(key)
            if tally is None:
                tally = tallies[key] = _Tally()
            first = FirstAttempt(index, _FIRST_CORRECT_OF[bits], _FIRST_OVERRIDDEN_OF[bits], response)
            tally.firsts.append(first)
            firsts_here[key] = first
            right[index] += first.correct
            overridden[index] += first.overridden
            tally.answers += live
            answers_of[index] += live
            right_of[index] += good
            if timed:
                tally.elapsed.extend(log.elapsed[start:stop])
            start = stop
        seen[index] = len(firsts_here)
        mastered_of[index] = sum(1 for key in log.mastered if key in by_key)

    scores = [right[i] / seen[i] for i in range(len(loaded)) if seen[i]]
    median_score = statistics.median(scores) if scores else None
    middle = -1.0 if median_score is None else median_score
    strong = {i for i in range(len(loaded)) if seen[i] and right[i] / seen[i] > middle}
    weak = {i for i in range(len(loaded)) if seen[i] and right[i] / seen[i] < middle}

    leech_learners: dict[str, int] = {}
    for log in loaded:
        for key in log.leeches:
            leech_learners[key] = leech_learners.get(key, 0) + 1

    questions: list[QuestionReport] = []
    for question in scope:
        tally = tallies.get(question.key)
        if tally is None:
            continue
        firsts = tally.firsts
        first_right = sum(1 for first in firsts if first.correct)
        discrimination, note = _discrimination(firsts, seen, right)
        flags: list[str] = []
        if len(firsts) >= HARD_MIN_LEARNERS and first_right / len(firsts) < HARD_SHARE:
            flags.append("almost nobody right")
        if discrimination is not None and round(discrimination.r, 2) < 0:  # as shown: -0.00 is 0
            flags.append("negative discrimination")
        choices = choice_counts(question, firsts, strong, weak)
        if any("never picked" in choice.flags for choice in choices):
            flags.append("a distractor never picked")
        if any("picked more by strong learners" in choice.flags for choice in choices):
            flags.append("a distractor strong learners prefer")
        if leech_learners.get(question.key):
            leeches = leech_learners[question.key]
            flags.append(f"a leech for {leeches} learner{'s' if leeches != 1 else ''}")
        questions.append(
            QuestionReport(
                number=len(questions) + 1,
                key=question.key,
                prompt=display_text(question),
                type=question.type,
                learners=len(firsts),
                first_right=first_right,
                overridden=sum(1 for first in firsts if first.overridden),
                answers=tally.answers,
                median_elapsed=statistics.median(tally.elapsed) if tally.elapsed else None,
                discrimination=discrimination,
                discrimination_note=note,
                choices=choices,
                flags=tuple(flags),
            )
        )

    cards = [(question.key, question.type == "card") for question in questions]

    def row(index: int) -> tuple[Cell, ...]:
        """The learner's first attempt at each question, as the grid shows it."""
        firsts = firsts_of[index]
        cells: list[Cell] = []
        for key, card in cards:
            first = firsts.get(key)
            if first is None:
                cells.append("unseen")
                continue
            grade = first.response
            if card and type(grade) is int and 1 <= grade <= len(_GRADE_CELLS):
                cells.append(_GRADE_CELLS[grade - 1])
            elif first.correct:
                cells.append("right")
            else:
                cells.append("overridden" if first.overridden else "wrong")
        return tuple(cells)

    learners = tuple(
        LearnerReport(
            name=log.name,
            path=log.path,
            seen=seen[i],
            first_right=right[i],
            overridden=overridden[i],
            answers=answers_of[i],
            right=right_of[i],
            mastered=mastered_of[i],
            scope=len(scope),
            warnings=log.warnings,
            error=log.error,
            last=log.last,
        )
        for i, log in enumerate(loaded)
    )
    return ClassReport(
        now=now,
        desired_retention=retention,
        filters=filters,
        learners=learners,
        questions=tuple(questions),
        grid=tuple(row(i) for i in range(len(loaded))),
        unanswered=len(scope) - len(questions),
        unknown=UnknownKeys(unknown_answers, len(unknown_keys)),
        median_score=median_score,
        warnings=tuple(all_warnings),
    )


def build_class_report(
    logs: Sequence[tuple[str, Path]],
    library: Library,
    *,
    now: datetime,
    settings: Settings | None = None,
    filters: ReportFilter | None = None,
    open_records: Callable[[Path, Callable[[str], None]], Iterable[dict[str, Any]]] = iter_records,
    jobs: int | None = None,
) -> ClassReport:
    """`load_class` then `assemble`: the class report over the learners' logs."""
    loaded = load_class(logs, now=now, settings=settings, filters=filters, open_records=open_records, jobs=jobs)
    return assemble(loaded, library, now=now, settings=settings, filters=filters)
