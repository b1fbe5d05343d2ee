"""Replaying a learner's records: per question, its FSRS memory and counts.

`Replayer` is fed the records a `store.LogReader` yields (of one file, or of a
learner's devices merged by `quiz.core.logs`) and gives a `QuestionState` per
question, the daily counts and the flags. A long replay buffers records and
applies them in bulk (`quiz.core.replay_bulk`, FSRS on numpy arrays by
`quiz.core.fsrs_batch`): due dates and states are those of applying every
answer with the scalar `fsrs_kernel.Kernel`, stability and difficulty within
~1e-13 relative (`tests/core/test_fsrs_batch.py`). Its state can be saved and
restored (`quiz.core.replay_cache`), so a log read before need only be read
from where it grew.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import compress
from typing import Any

from fsrs import State

from quiz.core import fsrs_batch
from quiz.core.answer_runs import AnswerRun
from quiz.core.days import Days
from quiz.core.flags import FLAG_KINDS, Flags
from quiz.core.fsrs_batch import COUNTS_NEW, COUNTS_REVIEW, Outcome, run_many, run_one
from quiz.core.fsrs_kernel import STATES, Kernel, Memory, card_of, from_card, from_us, kernel_for, to_us
from quiz.core.replay_bulk import Base, Memories, bulk_worth, sort_buffer
from quiz.core.scheduling import Card, Scheduler, card_id_for

__all__ = [
    "COUNT_BUCKET",
    "NEW",
    "PENDING_PER_KEY",
    "REVIEW",
    "QuestionState",
    "Replayer",
    "replay",
]


class QuestionState:
    """What the log says about one question: its FSRS memory, its card, and counts.

    Replay keeps only the `Memory` tuple (`quiz.core.fsrs_kernel`); the full
    `fsrs.Card` is built the first time `card` is read, which the session does
    only for questions it is about to show. `due` and `fsrs_state` answer the
    queue's questions without building it.
    """

    __slots__ = ("_card", "answers", "card_id", "correct", "first", "last", "memory")

    def __init__(
        self,
        card: Card | None = None,
        answers: int = 0,
        correct: int = 0,
        last: datetime | None = None,
        first: datetime | None = None,
        *,
        memory: Memory | None = None,
        card_id: int = 0,
    ) -> None:
        self.answers = answers
        """Effective answers (undone ones do not count)."""
        self.correct = correct
        self.last = last
        """Time of the latest effective answer."""
        self.first = first
        """Time of the first effective answer: the day the question was introduced."""
        self._card = card
        if card is not None:
            self.memory = from_card(card)
            self.card_id = card.card_id
        else:
            if memory is None:
                raise ValueError("a QuestionState needs a card or a memory")
            self.memory = memory
            self.card_id = card_id

    @property
    def card(self) -> Card:
        """The full `fsrs.Card`, built on first use."""
        card = self._card
        if card is None:
            card = self._card = card_of(self.memory, self.card_id)
        return card

    @card.setter
    def card(self, card: Card) -> None:
        self._card = card
        self.memory = from_card(card)
        self.card_id = card.card_id

    @property
    def due(self) -> datetime:
        """When the question is due (UTC)."""
        card = self._card
        return card.due if card is not None else from_us(self.memory.due)

    @property
    def fsrs_state(self) -> State:
        """Learning, Review or Relearning."""
        return STATES[self.memory.state]

    def copy(self) -> QuestionState:
        """A copy whose counts and memory may change without touching this one."""
        state = QuestionState(None, self.answers, self.correct, self.last, self.first, memory=self.memory)
        state.card_id = self.card_id
        state._card = self._card
        return state

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, QuestionState):
            return NotImplemented
        return (self.memory, self.card_id, self.answers, self.correct, self.last, self.first) == (
            other.memory,
            other.card_id,
            other.answers,
            other.correct,
            other.last,
            other.first,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"QuestionState(memory={self.memory!r}, card_id={self.card_id}, answers={self.answers}, "
            f"correct={self.correct}, last={self.last!r}, first={self.first!r})"
        )


PENDING_PER_KEY = 32
"""Answers per question held back from the scheduler in case a rerate or undo follows.

A rerate or undo refers to one of the latest answers of its question, so only
those need holding; older ones go through the scheduler as soon as a newer one
pushes them out, which keeps replay streaming. The session never undoes further
back than this (see `quiz.core.session.UNDO_DEPTH`).
"""


COUNT_BUCKET = 900
"""Seconds per bucket of the daily counts: a quarter hour, so any zone's day start
(every zone's offset is whole quarter hours) falls on a bucket boundary."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BUCKET_DELTA = timedelta(seconds=COUNT_BUCKET)

NEW, REVIEW = COUNTS_NEW, COUNTS_REVIEW
"""What a committed answer counts as for the daily limits (see `Replayer`)."""


class Replayer:
    """Feeds records one at a time through a scheduler; `finish()` gives the states.

    Answers of a question are applied in time order (records a few lines out of
    order, as two processes may write them, are sorted within the held-back
    window). With `day`, `new_on_day` and `reviews_on_day` count the new questions
    introduced and the reviews of learned questions done on that day, for the
    daily limits: the learner's day of `days` (`quiz.core.days.Days`, local time
    from `day_starts_at`), or the UTC day without it. The counts are kept per
    `COUNT_BUCKET` seconds of UTC time, whatever the zone, so a replay saved by
    `quiz.core.replay_cache` serves any later day in any time zone.

    `finish()` leaves the replayer as it was (feeding may go on) and remembers,
    per question, what applying its held-back answers gave, until a record of
    that question arrives: a replay restored from a snapshot then only pays
    FSRS for the questions answered since, not for every held-back answer.

    The result is that of applying each record in turn (the reference path,
    `_feed_answer` and `_change`), but a cold replay gets there in bulk: records
    are buffered (`feed`), sorted out by question (`_sync`), committed answers
    applied to many questions at once (`_flush`), states kept in numpy columns
    until `finish()`. `states` lists questions in the order of their first answer.
    """

    def __init__(
        self, scheduler: Scheduler, day: date | None = None, *, days: Days | None = None, kernel: Kernel | None = None
    ) -> None:
        self.scheduler = scheduler
        self.kernel = kernel if kernel is not None else kernel_for(scheduler)
        """The FSRS arithmetic: `quiz.core.fsrs_kernel`, equal to `scheduler.review`."""
        self.day = day
        self.days = days
        """Where the learner's days begin; None: UTC midnight."""
        self._base: dict[str, QuestionState] = {}
        """States after the answers already committed (no longer held back)."""
        self.states: dict[str, QuestionState] = self._base
        """The states; complete once `finish()` has run."""
        # key -> held-back answers [time, id, rating, correct], oldest first
        self._pending: dict[str, Sequence[Any]] = {}
        # COUNT_BUCKET number -> questions introduced / reviews of learned questions in it
        self._new_days: dict[int, int] = {}
        self._review_days: dict[int, int] = {}
        # key -> (state after its held-back answers, what each did: 0, NEW or REVIEW)
        self._done: dict[str, tuple[QuestionState | None, list[int]]] = {}
        self._finished_days: tuple[dict[int, int], dict[int, int]] = ({}, {})
        # key -> committed answers not yet applied to `_base` (see `_settle`, `_commit`)
        self._deferred: dict[str, Sequence[Any]] = {}
        self._deferred_count = 0
        # Records fed but not yet applied to `_pending`, in order (see `feed`, `_sync`):
        # the question's key, and an answer's entry or (-1, record) for a rerate or undo.
        self._buffer_keys: list[str] = []
        self._buffer_events: list[Any] = []
        # The states of questions whose committed answers were applied in bulk: numpy
        # columns, taken back into `_base` by `_settle_all` (see `_flush`).
        self._memories = Memories()
        self.flags = Flags()
        """Suspended and buried questions (`quiz.core.flags`)."""

    def day_counts(self) -> tuple[dict[int, int], dict[int, int]]:
        """(new questions, reviews of learned ones) per `COUNT_BUCKET` of UTC time,
        held-back answers included once `finish()` has run."""
        self._settle_all()
        extra_new, extra_reviews = self._finished_days
        new, reviews = dict(self._new_days), dict(self._review_days)
        for days, extra in ((new, extra_new), (reviews, extra_reviews)):
            for day, count in extra.items():
                days[day] = days.get(day, 0) + count
        return new, reviews

    def _window(self) -> tuple[int, int] | None:
        """The buckets [first, last) of `day`, or None without a day."""
        if self.day is None:
            return None
        if self.days is None:
            start = datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC)
            end = start + timedelta(days=1)
        else:
            start, end = self.days.bounds(self.day)
        return int(start.timestamp()) // COUNT_BUCKET, int(end.timestamp()) // COUNT_BUCKET

    def _on_day(self, which: int) -> int:
        self._settle_all()
        window = self._window()
        if window is None:
            return 0
        first, last = window
        total = 0
        for counts in ((self._new_days, self._review_days)[which], self._finished_days[which]):
            for bucket, count in counts.items():
                if first <= bucket < last:
                    total += count
        return total

    @property
    def new_on_day(self) -> int:
        """New questions introduced on `day` (0 without a day)."""
        return self._on_day(0)

    @property
    def reviews_on_day(self) -> int:
        """Reviews of questions already in the Review state done on `day` (0 without a day)."""
        return self._on_day(1)

    def feed(self, record: dict[str, Any]) -> None:
        """Take one record (of any kind) into account.

        Runs once per line of a cold replay. Answers, rerates and undos are only
        buffered here (a question's own structures are scattered in memory, and
        touching them per line cost more than the FSRS arithmetic); `_sync`
        applies the buffer, in bulk when it is long. After a `finish()` whose
        results are remembered, records are applied at once (few records follow).
        """
        if record["kind"] == "answer":
            if record.get("mode") == "cram":
                return  # cram never moves the schedule; a rerate or undo of it finds nothing here
            key = record["key"]
            # A tuple of plain values: the garbage collector stops tracking it at its first
            # pass, so the hundreds of thousands held back are not traversed again and again.
            entry = (
                (_fromisoformat(record["time"]) - _EPOCH) // _MICROSECOND,
                record["id"],
                record["rating"],
                record["correct"] is True,
            )
            if self._done:
                self._sync()
                self._feed_answer(key, entry, self._pending.get(key))
                return
            keys = self._buffer_keys
            keys.append(key)
            self._buffer_events.append(entry)
            if len(keys) >= BUFFER_LIMIT:
                self._sync()
            return
        self._feed_other(record)

    def feed_run(self, run: AnswerRun) -> None:
        """`feed` each record of `run` (the block lane, `quiz.core.answer_runs`), buffered
        from its columns: no dict per answer, the times already in microseconds."""
        if self._done:
            feed = self.feed
            for record in run.records():
                feed(record)
            return
        keys = run.column("key")
        events = list(
            zip(run.times, run.column("id"), map(_RATINGS.__getitem__, run.column("rating")),
                map(_TRUE.__eq__, run.column("correct")), strict=True)
        )  # fmt: skip
        modes = run.column("mode")
        if "cram" in modes:  # cram never moves the schedule (see `feed`)
            keep = [mode != "cram" for mode in modes]
            keys, events = list(compress(keys, keep)), list(compress(events, keep))
        self._buffer_keys += keys
        self._buffer_events += events
        if len(self._buffer_keys) >= BUFFER_LIMIT:
            self._sync()

    def _sync(self) -> None:
        """Apply the buffered answers, rerates and undos to the held-back lists (see `feed`).

        A question's events keep their order, and questions do not interact, so
        applying one question's events after another's gives what feeding them
        in turn would. A long buffer is applied in bulk
        (`fsrs_batch.sort_buffer`): the questions with only answers, each later
        than the last, get them appended at once; the others (an undo, a rerate,
        an answer out of order) have their events applied one at a time.
        """
        keys, events = self._buffer_keys, self._buffer_events
        if not keys:
            return
        self._buffer_keys, self._buffer_events = [], []
        one = self._feed_event
        if not bulk_worth(len(keys)):
            for key, event in zip(keys, events, strict=True):
                one(key, event)
            return
        pending = self._pending
        first_answers, groups, ordered, others = sort_buffer(keys, events, pending)
        for key in first_answers:
            if key not in pending:
                pending[key] = ()
        limit, keep = _HOLD_LIMIT, PENDING_PER_KEY
        commit = self._commit_many
        # Tuples of tuples of plain values: the garbage collector stops tracking them, so its
        # full collections do not visit the hundreds of thousands of answers held back.
        # Each answer is copied once: to the held-back ones, or to the committed ones.
        for key, start, end in groups:
            held = pending[key]
            if type(held) is not tuple:
                held = tuple(held)
            total = len(held) + end - start
            if total <= limit:
                pending[key] = held + ordered[start:end]
                continue
            cut = total - keep
            if cut <= len(held):
                pending[key] = held[cut:] + ordered[start:end]
                commit(key, held[:cut])
            else:
                middle = start + cut - len(held)
                pending[key] = ordered[middle:end]
                commit(key, held + ordered[start:middle])
        for index in others:
            one(keys[index], events[index])

    def _feed_event(self, key: str, event: Sequence[Any]) -> None:
        """One buffered event: an answer's entry, or (-1, record) for a rerate or undo."""
        if event[0] >= 0:
            self._feed_answer(key, event, self._pending.get(key))
        else:
            self._change(key, event[1])

    def _settle(self, key: str, held: Sequence[Any]) -> Sequence[Any]:
        """Commit the answers of `key` older than its `PENDING_PER_KEY` latest; its held-back answers after.

        `_sync` lets a question's held-back answers run past `PENDING_PER_KEY` (to
        `_HOLD_LIMIT`) rather than commit one answer per answer: while only later
        answers are appended, the oldest ones are exactly those the one-at-a-time
        rule would have committed, in that order. Anything else (an undo, a rerate,
        an answer out of order, `finish`) settles the question first.
        """
        cut = len(held) - PENDING_PER_KEY
        if cut <= 0:
            return held
        committed = held[:cut]
        held = self._pending[key] = held[cut:]
        self._commit_many(key, committed)
        return held

    def _commit_many(self, key: str, committed: Sequence[Any]) -> None:
        """`_commit` of several answers of `key`, oldest first."""
        deferred = self._deferred.get(key)
        if deferred is None:
            self._deferred[key] = committed
        elif type(deferred) is list:
            deferred += committed
        else:
            self._deferred[key] = tuple(deferred) + tuple(committed)
        self._deferred_count += len(committed)
        if self._deferred_count >= DEFER_LIMIT:
            self._flush()

    def _held(self, key: str, held: Sequence[Any]) -> list[Any]:
        """The held-back answers of `key` as a list to change in place (after `_settle`)."""
        if len(held) > PENDING_PER_KEY:
            held = self._settle(key, held)
        if type(held) is not list:
            held = self._pending[key] = list(held)
        return held

    def _settle_all(self) -> None:
        """`_sync`, `_settle` every question, then apply what is committed (`_flush`)."""
        self._sync()
        limit = PENDING_PER_KEY
        settle = self._settle
        for key, held in self._pending.items():
            if len(held) > limit:
                settle(key, held)
        self._flush()
        self._materialize()

    def _feed_answer(self, key: str, entry: Sequence[Any], held: Sequence[Any] | None) -> None:
        """An answer applied at once: after `finish()`, or from `_sync`."""
        done = self._done.pop(key, None) if self._done else None
        if not held:
            self._pending[key] = [entry]
            return
        if done is None and held[-1][0] <= entry[0]:
            # In order, nothing remembered to keep in step: commit lazily (see `_settle`).
            if type(held) is not list:
                held = self._pending[key] = list(held)
            held.append(entry)
            if len(held) > _HOLD_LIMIT:
                self._settle(key, held)
            return
        held = self._held(key, held)
        if held[-1][0] <= entry[0]:
            held.append(entry)
            if done is not None:
                # The same answers in the same order, one more: extend what finish() gave.
                done = self._extend(key, done, entry)
        else:
            bisect.insort(held, entry, key=lambda item: item[0])
            done = None
        if len(held) > PENDING_PER_KEY:
            self._commit(key, held.pop(0))
            if done is not None:
                done = (done[0], done[1][1:])
        if done is not None:
            self._done[key] = done

    def _feed_other(self, record: dict[str, Any]) -> None:
        """A rerate, an undo, or a flag (flags are applied at once: they stand apart from answers)."""
        kind = record["kind"]
        key = record["key"]
        if kind in FLAG_KINDS:
            self.flags.feed(record)
            return
        if kind == "undo" and (key in self.flags.suspended or key in self.flags.buried):
            self.flags.feed(record)
        if self._done:
            self._sync()
            self._change(key, record)
            return
        self._buffer_keys.append(key)
        self._buffer_events.append((-1, record))

    def _change(self, key: str, record: dict[str, Any]) -> None:
        """A rerate or undo: applied to the held-back answer it refers to, if any."""
        found = self._pending.get(key)
        if not found:
            return
        held = self._held(key, found)
        ref = record["ref"]
        for index in range(len(held) - 1, -1, -1):
            if held[index][1] == ref:
                if self._done:
                    self._done.pop(key, None)
                if record["kind"] == "undo":
                    del held[index]
                else:
                    when, ident, _rating, correct = held[index]
                    # regraded right ("I was right") with `correct`
                    held[index] = (when, ident, record["rating"], correct or record.get("correct") is True)
                return

    @staticmethod
    def _apply(key: str, state: QuestionState | None, outcome: Outcome) -> QuestionState | None:
        """`state` (changed in place, or created) after a run of its answers (`fsrs_batch.Outcome`)."""
        memory = outcome.memory
        if memory is None:
            return state
        if state is None:
            state = QuestionState(memory=memory, card_id=card_id_for(key), first=from_us(outcome.first))
        else:
            state.memory = memory
            state._card = None
        state.answers += outcome.answered
        state.correct += outcome.right
        if outcome.last >= 0:
            state.last = from_us(outcome.last)
        return state

    def _run(
        self, key: str, state: QuestionState | None, entries: Sequence[Any], counts: _Counts | None = None
    ) -> tuple[QuestionState | None, list[int]]:
        """`state` (changed in place, or created) after the effective answers `entries`,
        in order, and what each was for the daily counts: NEW, REVIEW of a learned
        question, or 0; added to `counts` (new, reviews per bucket) when given."""
        if state is None:
            outcome = run_one(self.kernel, None, card_id_for(key), entries, counts, _BUCKET_US)
        else:
            outcome = run_one(self.kernel, state.memory, state.card_id, entries, counts, _BUCKET_US)
        return self._apply(key, state, outcome), outcome.codes

    def _run_many(
        self,
        keys: list[str],
        states: list[QuestionState | None],
        runs: list[Sequence[Any]],
        counts: _Counts,
        codes: bool,
    ) -> list[tuple[QuestionState | None, list[int]]]:
        """`_run` of many questions at once (`fsrs_batch.run_many`: in bulk when they are many)."""
        lanes = [
            (None, card_id_for(key), entries) if state is None else (state.memory, state.card_id, entries)
            for key, state, entries in zip(keys, states, runs, strict=True)
        ]
        outcomes = run_many(self.kernel, lanes, counts, _BUCKET_US, codes=codes)
        apply = self._apply
        return [
            (apply(key, state, outcome), outcome.codes)
            for key, state, outcome in zip(keys, states, outcomes, strict=True)
        ]

    def _extend(
        self, key: str, done: tuple[QuestionState | None, list[int]], entry: Sequence[Any]
    ) -> tuple[QuestionState | None, list[int]]:
        """A remembered `finish()` result with one more answer applied (on a copy)."""
        state, codes = done
        if state is not None:
            state = state.copy()
        state, more = self._run(key, state, [entry])
        return state, codes + more

    def _commit(self, key: str, entry: Sequence[Any]) -> None:
        """An answer no longer held back: applied to its question's state with others,
        in bulk (`_flush`), which costs far less than one at a time."""
        deferred = self._deferred.get(key)
        if deferred is None:
            self._deferred[key] = [entry]
        elif type(deferred) is list:
            deferred.append(entry)
        else:
            self._deferred[key] = [*deferred, entry]
        self._deferred_count += 1
        if self._deferred_count >= DEFER_LIMIT:
            self._flush()

    def _flush(self) -> None:
        """Apply the committed answers not yet applied to the states and the day counts.

        Many questions' answers go through `fsrs_batch` in bulk, their states kept in
        numpy columns (`replay_bulk.Memories`) until `_settle_all` needs them, so a
        flush costs no Python object per question; a few go one answer at a time.
        """
        deferred = self._deferred
        if not deferred:
            return
        keys = list(deferred)
        runs = list(deferred.values())
        counts = (self._new_days, self._review_days)
        if (
            type(self.kernel) is Kernel
            and len(keys) >= fsrs_batch.MIN_LANES
            and self._deferred_count >= fsrs_batch.IMPORT_AT
        ):
            self._memories.advance(self.kernel, keys, runs, self._base_of, counts, _BUCKET_US)
        else:
            self._materialize()
            base = self._base
            states = [base.get(key) for key in keys]
            for key, before, (state, _codes) in zip(
                keys, states, self._run_many(keys, states, runs, counts, False), strict=True
            ):
                if before is None and state is not None:
                    base[key] = state
        deferred.clear()
        self._deferred_count = 0

    def _base_of(self, key: str) -> Base:
        """The committed state of `key` as `replay_bulk.Memories` holds it."""
        state = self._base.get(key)
        if state is None:
            return (None, card_id_for(key), 0, 0, -1, -1)
        first, last = state.first, state.last
        return (
            state.memory,
            state.card_id,
            state.answers,
            state.correct,
            -1 if first is None else to_us(first),
            -1 if last is None else to_us(last),
        )

    def _materialize(self) -> None:
        """The states held in numpy columns back into `_base`."""
        if not len(self._memories):
            return
        base = self._base
        for key, (memory, card_id, answers, correct, first, last) in self._memories.drain():
            if memory is None:
                continue  # never answered: no state (its answers all failed)
            moment = None if last < 0 else from_us(last)
            state = base.get(key)
            if state is None:
                start = None if first < 0 else from_us(first)
                base[key] = QuestionState(None, answers, correct, moment, start, memory=memory, card_id=card_id)
            else:
                state.memory = memory
                state._card = None
                state.answers = answers
                state.correct = correct
                state.last = moment

    def feed_all(self, records: Iterable[dict[str, Any]]) -> None:
        """`feed` every record."""
        feed = self.feed
        for record in records:
            feed(record)

    def finish(self) -> dict[str, QuestionState]:
        """The states by question key, every held-back answer applied (see the class).

        The keys come in the order of each question's first answer (whatever was
        committed when), so a replay restored from a snapshot lists them as a cold one.
        """
        self._settle_all()
        base = self._base
        extra: _Counts = ({}, {})
        done = self._done
        pending = self._pending
        # The questions whose held-back answers were not applied by an earlier finish(): in bulk.
        keys = [key for key, held in pending.items() if held and key not in done]
        if keys:
            copies = [None if (state := base.get(key)) is None else state.copy() for key in keys]
            runs = [pending[key] for key in keys]
            for key, result in zip(keys, self._run_many(keys, copies, runs, extra, True), strict=True):
                done[key] = result
        fresh = set(keys)
        states: dict[str, QuestionState] = {}
        for key, held in pending.items():
            state = done[key][0] if held else None
            if state is None:
                state = base.get(key)
                if state is None:
                    continue
            states[key] = state
            if not held or key in fresh:
                continue  # counted by the run itself
            for entry, code in zip(held, done[key][1], strict=True):
                if code:
                    days = extra[code - 1]
                    bucket = entry[0] // _BUCKET_US
                    days[bucket] = days.get(bucket, 0) + 1
        if len(states) < len(base):
            states.update((key, state) for key, state in base.items() if key not in states)
        self.states = states
        self._finished_days = extra
        return states


_MICROSECOND = timedelta(microseconds=1)
_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4}
_TRUE = "true"

_BUCKET_US = COUNT_BUCKET * 1_000_000
_fromisoformat = datetime.fromisoformat
DEFER_LIMIT = 1 << 16
"""Committed answers a `Replayer` gathers before applying them per question in bulk."""
BUFFER_LIMIT = 1 << 16
"""Records a `Replayer` buffers before applying them to the held-back lists (`Replayer._sync`)."""
_HOLD_LIMIT = PENDING_PER_KEY + 16
"""Answers a question's held-back list may reach before its oldest are committed (`Replayer._settle`)."""
_Counts = tuple[dict[int, int], dict[int, int]]


def _time_us(text: str) -> int:
    """A record's time as microseconds since the epoch, UTC (exact)."""
    return (datetime.fromisoformat(text) - _EPOCH) // _MICROSECOND


def replay(records: Iterable[dict[str, Any]], scheduler: Scheduler) -> dict[str, QuestionState]:
    """Per question key, the state after its effective answers (rerates applied, undos
    dropped), in time order. Keys of questions no longer in any bank are kept."""
    replayer = Replayer(scheduler)
    replayer.feed_all(records)
    return replayer.finish()
