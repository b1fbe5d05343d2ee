"""What the class report keeps of one learner: the figures of their log, not the log.

`quiz.core.class_logs.load_class` reads each learner's log through the history
pass (the column store of `quiz.core.history` and the FSRS replay, resumed from
a snapshot) and hands it at once to `reduce_learner`, which keeps what
`quiz.core.class_report.assemble` needs: per question answered in the filters'
days and modes, the first attempt, the live and right answer counts and the
times taken; per learner the questions mastered at the report's moment, the
leeches, the last activity, the warnings. The column store and the card states
are then dropped before the next learner is read, so a report over a thousand
learners holds one learner's records at a time (tests/core/test_class_memory.py).

What is kept does not depend on the banks (every question answered is kept,
whether in the banks or not), so the command line can infer the banks from
`LearnerFigures.keys` after reading; the deck and tag filters apply when the
report is assembled. The days, modes, moment and settings apply while reading,
and `assemble` refuses figures read with others. Keys are interned: a thousand
learners' figures share one string per question rather than a thousand.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import compress
from pathlib import Path
from sys import intern
from typing import NamedTuple

from quiz.core.flags import is_leech
from quiz.core.fsrs_kernel import DAY_US, Kernel, kernel_for, to_us
from quiz.core.history_columns import _Answers
from quiz.core.model import Question
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Scheduler, Settings

__all__ = [
    "FIRST_CORRECT",
    "FIRST_OVERRIDDEN",
    "MASTERY_SPAN",
    "LearnerFigures",
    "QuestionFigures",
    "ReadingBasis",
    "ReportFilter",
    "recalls",
    "reduce_learner",
]

MASTERY_SPAN = timedelta(days=1)
"""A question is mastered only once answered again this long after its first answer."""


@dataclass(frozen=True)
class ReportFilter:
    """Which answers and questions the report counts (see `quiz.core.class_report`)."""

    since: date | None = None
    until: date | None = None
    modes: frozenset[str] = frozenset()
    decks: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def in_scope(self, question: Question) -> bool:
        """Whether the deck and tag filters keep the question."""
        if self.decks and question.deck not in self.decks:
            return False
        return not self.tags or any(tag in question.tags for tag in self.tags)

    def describe(self) -> str:
        """One line naming the filters in force ("" when none)."""
        parts = []
        if self.since is not None:
            parts.append(f"since {self.since.isoformat()}")
        if self.until is not None:
            parts.append(f"until {self.until.isoformat()}")
        if self.modes:
            parts.append("mode " + "/".join(sorted(self.modes)))
        if self.decks:
            parts.append("deck " + ", ".join(self.decks))
        if self.tags:
            parts.append("tag " + ", ".join(self.tags))
        return "; ".join(parts)

    def window(self) -> tuple[float, float]:
        """The `since`/`until` days as a half-open range of POSIX timestamps."""
        low = -math.inf
        high = math.inf
        if self.since is not None:
            low = datetime.combine(self.since, datetime.min.time(), UTC).timestamp()
        if self.until is not None:
            high = datetime.combine(self.until + timedelta(days=1), datetime.min.time(), UTC).timestamp()
        return low, high


@dataclass(frozen=True)
class ReadingBasis:
    """What a learner's figures depend on besides the log: `assemble` checks they all agree."""

    now: datetime
    since: date | None
    until: date | None
    modes: frozenset[str]
    settings: Settings


class QuestionFigures(NamedTuple):
    """One learner's answers to one question, within the filters' days and modes."""

    first_correct: bool
    """The first attempt was right as graded and not an override."""
    first_overridden: bool
    """The first attempt was graded wrong, then declared right by the learner."""
    first_response: object
    """The first attempt's response as stored (a JSON value)."""
    live: int
    """Answers not undone."""
    right: int
    """Of those, right as graded (overrides count as wrong)."""
    elapsed: array[float]
    """Seconds taken by each live answer that recorded a time."""


FIRST_CORRECT, FIRST_OVERRIDDEN = 1, 2
"""The bits of `LearnerFigures.first`."""


@dataclass(frozen=True)
class LearnerFigures:
    """Everything the class report needs from one learner's log (the log itself is gone).

    Kept as columns, one entry per question answered in the filters' days and modes
    (`questions()` gives them back one at a time): a class of a thousand learners
    holds a few dozen bytes per learner and question, plus each first response and
    one float per timed answer.
    """

    name: str
    path: Path
    basis: ReadingBasis | None = None
    """None for a learner whose log could not be read."""
    keys: tuple[str, ...] = ()
    """Every question key with an answer in the log, whatever the filters (for inferring
    the banks); the first `len(live)` are those answered in the filters' days and modes,
    in the order of the columns below."""
    first: bytes = b""
    """Per question: the first attempt's right and overridden bits."""
    responses: tuple[object, ...] = ()
    """Per question: the first attempt's response."""
    live: array[int] = field(default_factory=lambda: array("I"))
    """Per question: answers not undone (undone ones still make the first attempt)."""
    right: array[int] = field(default_factory=lambda: array("I"))
    """Per question: of those, right as graded."""
    timed: array[int] = field(default_factory=lambda: array("I"))
    """Per question: how many of its values `elapsed` holds, in order."""
    elapsed: array[float] = field(default_factory=lambda: array("d"))
    """Seconds of every timed live answer, question after question."""
    total: int = 0
    """Answers in the log (not undone), whatever the filters."""
    mastered: tuple[str, ...] = ()
    """Questions mastered at the report's moment (`quiz.core.class_report`'s definition)."""
    leeches: tuple[str, ...] = ()
    """Questions missed `leech_threshold` times or more."""
    last: datetime | None = None
    """The latest answer (any question, any filter)."""
    warnings: tuple[str, ...] = ()
    error: str | None = None
    """Why the log could not be read at all."""

    def questions(self) -> Iterator[tuple[str, QuestionFigures]]:
        """(key, figures) of every question answered in the filters' days and modes."""
        start = 0
        for index, (key, bits) in enumerate(zip(self.keys, self.first, strict=False)):
            stop = start + self.timed[index]
            yield (
                key,
                QuestionFigures(
                    bool(bits & FIRST_CORRECT),
                    bool(bits & FIRST_OVERRIDDEN),
                    self.responses[index],
                    self.live[index],
                    self.right[index],
                    self.elapsed[start:stop],
                ),
            )
            start = stop


def recalls(kernel: Kernel, now_us: int, last_review: int | None, stability: float | None) -> float:
    """FSRS predicted recall at `now_us` of a memory (`fsrs_kernel.Memory`'s times in
    microseconds): fsrs's `get_card_retrievability` operation for operation, without
    building the card (the kernel's factor and decay are fsrs's own)."""
    if last_review is None or stability is None:
        return 0.0
    elapsed_days = max(0, (now_us - last_review) // DAY_US)
    return float((1 + kernel.factor * elapsed_days / stability) ** kernel.decay)


def _mastered(states: dict[str, QuestionState], kernel: Kernel, now: datetime, retention: float) -> tuple[str, ...]:
    """The questions mastered at `now` (module docstring of `quiz.core.class_report`)."""
    now_us = to_us(now)
    return tuple(
        intern(key)
        for key, state in states.items()
        if state.first is not None
        and state.last is not None
        and state.last - state.first >= MASTERY_SPAN
        and recalls(kernel, now_us, state.memory.last_review, state.memory.stability) >= retention
    )


# Per answer bits (`quiz.core.history_columns`) -> what the report makes of them.
_LIVE_OF = bytes(bits & 1 for bits in range(256))
_RIGHT_OF = bytes(1 if bits & 0x83 == 0x03 else 0 for bits in range(256))
"""Live, right as graded and not an override."""
_FIRST_OF = bytes((FIRST_OVERRIDDEN if bits & 0x80 else FIRST_CORRECT if bits & 0x02 else 0) for bits in range(256))


def reduce_learner(
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
    """The figures of one learner's pass (`answers` and `states`), holding nothing of them
    but the first attempts' responses. `shared` maps each text response to one copy of
    it, shared by the learners read with the same dict.

    Column by column rather than answer by answer: the answers in the filters in time
    order (ties in log order, as `_Answers.all_rows`), the first of each question,
    then counts per question."""
    shared = {} if shared is None else shared
    time, bits, row_key, elapsed = answers.time, answers.bits, answers.row_key, answers.elapsed
    ordered: list[int] = sorted(range(len(bits)), key=time.__getitem__)
    low, high = filters.window()
    if low > -math.inf or high < math.inf:
        ordered = [row for row in ordered if low <= time[row] < high]
    if filters.modes:
        pairs = answers.tm_pairs
        kept = bytes(1 if pairs[code][1] in filters.modes else 0 for code in range(len(pairs)))
        ordered = list(compress(ordered, map(kept.__getitem__, map(answers.tm.__getitem__, ordered))))
    of_key = row_key.__getitem__
    # The first row of each question: of duplicate keys, a dict keeps the last value given.
    first_rows = dict(zip(map(of_key, reversed(ordered)), reversed(ordered), strict=True))
    answered = sorted(first_rows)
    firsts = [first_rows[k] for k in answered]
    live_rows = list(compress(ordered, map(bits.translate(_LIVE_OF).__getitem__, ordered)))
    live = Counter(map(of_key, live_rows))
    right = Counter(map(of_key, compress(live_rows, map(bits.translate(_RIGHT_OF).__getitem__, live_rows))))
    timed_rows = sorted((row for row in live_rows if elapsed[row] == elapsed[row]), key=of_key)  # not NaN
    timed = Counter(map(of_key, timed_rows))
    response = answers.response
    keys = answers.keys
    first_answered = set(answered)
    retention = scheduler.settings.desired_retention
    threshold = scheduler.settings.leech_threshold
    return LearnerFigures(
        name=name,
        path=path,
        basis=ReadingBasis(now, filters.since, filters.until, filters.modes, scheduler.settings),
        keys=tuple(intern(keys[k]) for k in answered)
        + tuple(intern(key) for k, key in enumerate(keys) if k not in first_answered),
        first=bytes(map(bits.translate(_FIRST_OF).__getitem__, firsts)),
        responses=tuple(
            shared.setdefault(value, value) if type(value) is str else value
            for value in map(response.__getitem__, firsts)
        ),
        live=array("I", [live[k] for k in answered]),
        right=array("I", [right[k] for k in answered]),
        timed=array("I", [timed[k] for k in answered]),
        elapsed=array("d", map(elapsed.__getitem__, timed_rows)),
        total=answers.total,
        mastered=_mastered(states, kernel_for(scheduler), now, retention),
        leeches=tuple(
            intern(key) for key, state in states.items() if is_leech(state.answers - state.correct, threshold)
        ),
        last=max((state.last for state in states.values() if state.last is not None), default=None),
        warnings=warnings,
    )
