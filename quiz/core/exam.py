"""An exam as a paper one: a fixed sheet of questions, answered in any order, then handed in.

`ExamSession` is a `Session` in exam mode with what an exam needs on top:

- only auto-graded questions: a `card` is graded by the learner, who could give
  themselves the point, so cards are left out unless `include_cards=True`;
- a sheet fixed at the start (`sheet`), where the learner can skip a question,
  flag one to come back to, and go back (`goto`) to any question before `submit()`;
  answering a question again replaces its answer (the log gets the new `answer`,
  then an `undo` of the old one, so a crash in between loses nothing);
- an optional time limit (`minutes`): `time_left(now)` for a countdown, and at
  time-up the TUI calls `submit(timed_out=True)`; every answer given is already in
  the log and counts, and questions without an answer score nothing.

Every answer is logged (fsynced) when it is given, as in any session.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from quiz.core.grading import NotAnAnswer, Response, refusal
from quiz.core.model import Library, Question
from quiz.core.scheduling import Clock, Settings, ensure_utc, utc_now
from quiz.core.session import Feedback, Presented, Session, Summary, _Answer
from quiz.core.store import Store

__all__ = ["ExamSession", "SheetRow"]


@dataclass(frozen=True)
class SheetRow:
    """One question of the sheet as the review list shows it."""

    index: int
    """0-based place on the sheet (`number` is 1-based)."""
    question: Question
    answered: bool
    flagged: bool

    @property
    def number(self) -> int:
        """1-based, as shown."""
        return self.index + 1


class ExamSession(Session):
    """An exam over a filter of the library: see the module docstring."""

    def __init__(
        self,
        library: Library,
        store: Store,
        settings: Settings | None = None,
        *,
        decks: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        count: int | None = None,
        minutes: float | None = None,
        include_cards: bool = False,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
    ) -> None:
        self.include_cards = include_cards
        """Whether self-graded `card` questions may be drawn."""
        super().__init__(
            library, store, settings, mode="exam", decks=decks, tags=tags, count=count, clock=clock, rng=rng
        )
        drawn = ([self._current.question] if self._current is not None else []) + list(self._main)
        self._main.clear()
        self._main_counts.clear()
        self.sheet: tuple[Presented, ...] = tuple(
            replace(self._present(question), number=index + 1) for index, question in enumerate(drawn)
        )
        """The exam's questions in order, display orders fixed for the whole exam."""
        self.size = len(self.sheet)
        self.position = 0
        """Index on the sheet of the question on screen."""
        self.flagged: set[int] = set()
        """Sheet indices the learner flagged to come back to."""
        self._given: dict[int, _Answer] = {}
        self.deadline: datetime | None = None if minutes is None else self.started + timedelta(minutes=minutes)
        """When time is up (None: no time limit)."""
        self.submitted = False
        self.timed_out = False
        self._current = self.sheet[0] if self.sheet else None

    def _initial_queue(self, limit: int | None, count: int | None, shuffle: bool) -> list[Question]:
        """The drawn questions; cards only with `include_cards`."""
        if not self.include_cards:
            self.questions = tuple(question for question in self.questions if question.type != "card")
        return super()._initial_queue(limit, count, shuffle)

    # ------------------------------------------------------------------ state

    @property
    def finished(self) -> bool:
        """Handed in (by the learner or at time-up)."""
        return self.submitted

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, unanswered) questions of the sheet."""
        return len(self._given), self.size - len(self._given)

    def answered(self, index: int) -> bool:
        """Whether the question at `index` has an answer."""
        return index in self._given

    def rows(self) -> list[SheetRow]:
        """The sheet for a review list: what is answered, what is flagged."""
        return [
            SheetRow(index, presented.question, index in self._given, index in self.flagged)
            for index, presented in enumerate(self.sheet)
        ]

    def open_indices(self) -> list[int]:
        """Questions still to look at before handing in: unanswered or flagged."""
        return [index for index in range(self.size) if index not in self._given or index in self.flagged]

    def next_unanswered(self) -> int | None:
        """The first unanswered question after the one on screen (wrapping), or None."""
        for step in range(1, self.size + 1):
            index = (self.position + step) % self.size
            if index not in self._given:
                return index
        return None

    def time_left(self, now: datetime) -> timedelta | None:
        """Time until the deadline (never negative), or None without a time limit."""
        if self.deadline is None:
            return None
        return max(timedelta(0), self.deadline - ensure_utc(now))

    # ---------------------------------------------------------------- actions

    def _check_open(self) -> None:
        if self.submitted:
            raise RuntimeError("the exam is handed in")

    def goto(self, index: int) -> Presented:
        """Show the question at `index` of the sheet (to answer it, or to change its answer)."""
        self._check_open()
        if not 0 <= index < self.size:
            raise IndexError(f"the exam has {self.size} questions; there is no question {index + 1}")
        self.position = index
        self._current = self.sheet[index]
        self._feedback = None
        return self._current

    def flag(self, index: int | None = None) -> bool:
        """Flag (or unflag) a question to come back to before handing in; True if now flagged."""
        self._check_open()
        where = self.position if index is None else index
        if where in self.flagged:
            self.flagged.discard(where)
            return False
        self.flagged.add(where)
        return True

    def answer(self, response: Response, *, hinted: bool = False, elapsed: float | None = None) -> Feedback:
        """Answer the question on screen; an earlier answer to it is replaced (and undone in the log).

        The exam shows no feedback: the returned `Feedback` is for the summary, and
        the question stays current until `next()` or `goto()`.
        """
        self._check_open()
        index = self.position
        presented = self.sheet[index]
        reason = refusal(presented.question, response)
        if reason is not None:
            raise NotAnAnswer(reason)
        old = self._given.get(index)
        if old is not None:
            # Answer as if the old answer had never been given; undo it once the new one is safe.
            if old.previous is None:
                self.states.pop(presented.question.key, None)
            else:
                self.states[presented.question.key] = old.previous
        self._current, self._feedback = presented, None
        feedback = super().answer(response, hinted=hinted, elapsed=elapsed)
        entry = self._answers[-1]
        if old is not None:
            now = ensure_utc(self.clock())
            self.store.append(self._record("undo", presented.question.key, now, ref=old.feedback.record_id))
            self._answers.remove(old)
        self._given[index] = entry
        self._feedback = None
        return feedback

    def reveal(self, *, elapsed: float | None = None) -> Feedback:
        """Not in an exam: skip the question instead."""
        raise RuntimeError("an exam shows no answers before it is handed in; skip the question instead")

    def next(self) -> Presented | None:
        """Go to the next unanswered question (skipping the one on screen); None when
        every question has an answer (time to review the sheet and `submit()`)."""
        self._check_open()
        index = self.next_unanswered()
        if index is None:
            return None
        return self.goto(index)

    def submit(self, *, timed_out: bool = False) -> Summary:
        """Hand the exam in: nothing more can be answered; the summary has the score."""
        self.submitted = True
        self.timed_out = timed_out
        self._current = None
        self._feedback = None
        return self.summary()

    def summary(self) -> Summary:
        """The session summary, answers in sheet order, with the unanswered count."""
        base = super().summary()
        order = {id(entry.feedback): index for index, entry in self._given.items()}
        feedbacks = tuple(sorted(base.feedbacks, key=lambda feedback: order.get(id(feedback), 0)))
        return replace(base, feedbacks=feedbacks, unanswered=self.size - len(self._given), timed_out=self.timed_out)
