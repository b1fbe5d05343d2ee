"""A learner's class-report figures are reduced from the history pass column by column
(`class_learner.reduce_learner`): they must be exactly those of going through the
answers of each question one by one, as it did before. `answer_by_answer` is that
earlier code, kept here as the oracle, with mastery from fsrs's own
`get_card_retrievability` (the reduction now computes it from the memory)."""

from __future__ import annotations

import math
from array import array
from datetime import date, datetime, timedelta
from pathlib import Path
from sys import intern

import pytest

from quiz.core.class_learner import (
    FIRST_CORRECT,
    FIRST_OVERRIDDEN,
    MASTERY_SPAN,
    LearnerFigures,
    ReadingBasis,
    ReportFilter,
    reduce_learner,
)
from quiz.core.flags import is_leech
from quiz.core.history import _collect
from quiz.core.history_columns import _Answers
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Scheduler, Settings
from tests.core.test_history_columns import START, odd_log


def _old_mastered(state: QuestionState, scheduler: Scheduler, now: datetime, retention: float) -> bool:
    if state.first is None or state.last is None or state.last - state.first < MASTERY_SPAN:
        return False
    return scheduler.retrievability(state.card, now) >= retention


def answer_by_answer(
    name: str,
    path: Path,
    answers: _Answers,
    states: dict[str, QuestionState],
    warnings: tuple[str, ...],
    *,
    now: datetime,
    scheduler: Scheduler,
    filters: ReportFilter,
    shared: dict[str, str] | None = None,
) -> LearnerFigures:
    """`reduce_learner` as it was, answer by answer (with fsrs's own retrievability)."""
    shared = {} if shared is None else shared
    low, high = filters.window()
    modes = filters.modes
    time = answers.time
    answered: list[str] = []
    others: list[str] = []
    first = bytearray()
    responses: list[object] = []
    live: array[int] = array("I")
    right: array[int] = array("I")
    timed: array[int] = array("I")
    elapsed: array[float] = array("d")
    for k, key in enumerate(answers.keys):
        rows = [
            row for row in answers.all_rows(k) if low <= time[row] < high and (not modes or answers.mode(row) in modes)
        ]
        if not rows:
            others.append(intern(key))
            continue
        answered.append(intern(key))
        row = rows[0]
        overridden = answers.overridden(row)
        first.append(
            (FIRST_CORRECT if answers.correct(row) and not overridden else 0) | (FIRST_OVERRIDDEN if overridden else 0)
        )
        response = answers.response[row]
        responses.append(shared.setdefault(response, response) if type(response) is str else response)
        count = good = times = 0
        for row in rows:
            if not answers.live(row):
                continue
            count += 1
            good += answers.correct(row) and not answers.overridden(row)
            seconds = answers.elapsed[row]
            if not math.isnan(seconds):
                elapsed.append(seconds)
                times += 1
        live.append(count)
        right.append(good)
        timed.append(times)
    retention = scheduler.settings.desired_retention
    threshold = scheduler.settings.leech_threshold
    return LearnerFigures(
        name=name,
        path=path,
        basis=ReadingBasis(now, filters.since, filters.until, modes, scheduler.settings),
        keys=tuple(answered + others),
        first=bytes(first),
        responses=tuple(responses),
        live=live,
        right=right,
        timed=timed,
        elapsed=elapsed,
        total=answers.total,
        mastered=tuple(intern(key) for key, state in states.items() if _old_mastered(state, scheduler, now, retention)),
        leeches=tuple(
            intern(key) for key, state in states.items() if is_leech(state.answers - state.correct, threshold)
        ),
        last=max((state.last for state in states.values() if state.last is not None), default=None),
        warnings=warnings,
    )


FILTERS = [
    ReportFilter(),
    ReportFilter(modes=frozenset({"drill"})),
    ReportFilter(modes=frozenset({"exam", "?"})),
    ReportFilter(since=date(2026, 1, 20)),
    ReportFilter(since=date(2026, 1, 10), until=date(2026, 2, 10), modes=frozenset({"drill", "cram"})),
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda filters: filters.describe() or "none")
@pytest.mark.parametrize("seed", range(8))
def test_columns_give_the_figures_answer_by_answer(seed: int, filters: ReportFilter) -> None:
    records = odd_log(seed, 500)
    scheduler = Scheduler(Settings(leech_threshold=2))
    answers, states, _flags = _collect(records, scheduler)
    mastered = set()
    for now in (START + timedelta(days=40), START + timedelta(days=400)):
        expected = answer_by_answer(
            "ana", Path("ana"), answers, states, ("w",), now=now, scheduler=scheduler, filters=filters, shared={}
        )
        got = reduce_learner(
            "ana", Path("ana"), answers, states, ("w",), now=now, scheduler=scheduler, filters=filters, shared={}
        )
        assert got == expected
        assert bytes(got.elapsed) == bytes(expected.elapsed)
        mastered.add(len(expected.mastered))
    assert len(mastered) == 2 and expected.leeches and expected.keys  # mastery moved; the case is not empty


def test_an_empty_pass() -> None:
    scheduler = Scheduler()
    now = START
    got = reduce_learner("x", Path("x"), _Answers(), {}, (), now=now, scheduler=scheduler, filters=ReportFilter())
    assert got == answer_by_answer(
        "x", Path("x"), _Answers(), {}, (), now=now, scheduler=scheduler, filters=ReportFilter()
    )
