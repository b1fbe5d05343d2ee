"""A cold replay's bulk structures: the buffer sorted by question, memories as columns.

`quiz.core.replayer.Replayer` feeds a million answers one record at a time; touching
each question's own Python objects per answer (held-back list, state, memory)
cost more than the FSRS arithmetic, those objects being scattered in memory
and watched by the garbage collector. So the replayer buffers records and sorts
them out here with numpy (`sort_buffer`), and keeps the memories of questions
advanced in bulk in numpy columns (`Memories`) until `finish()` needs them as
`QuestionState`s. Everything here is exact (integers and copies of floats).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from operator import itemgetter
from typing import Any

from quiz.core import fsrs_batch
from quiz.core.fsrs_batch import Counts, Entry, _Batch, run_one
from quiz.core.fsrs_kernel import LEARNING, Kernel, Memory

__all__ = ["Base", "Memories", "bulk_worth", "sort_buffer"]

_time_of = itemgetter(0)
_NO_TIME = -(1 << 62)
"""The `last review` of a question never reviewed (as in `fsrs_batch`)."""


def bulk_worth(count: int) -> bool:
    """Whether `count` buffered records are worth sorting with numpy (`sort_buffer`)."""
    return count >= fsrs_batch.IMPORT_AT


def sort_buffer(
    keys: list[str], events: list[Any], pending: dict[str, Sequence[Any]]
) -> tuple[list[str], list[tuple[str, int, int]], tuple[Entry, ...], list[int]]:
    """A `Replayer`'s buffer (question keys and their events: an answer's entry, or
    (-1, record) for a rerate or undo) sorted out by question, with numpy.

    Returns the keys of the questions answered, in the order of their first
    answer; per question, its answers up to its first irregular event (a rerate,
    an undo, an answer earlier than the one before it or than the last of its
    held-back answers in `pending`): its key and their range [start, end) in the
    returned sequence of entries, in order; and the positions in `events` of the
    other events (each question's from its first irregular one), in order, to be
    applied one at a time after those.
    """
    import numpy as np

    count = len(keys)
    unique = list(dict.fromkeys(keys))
    lookup = dict(zip(unique, range(len(unique)), strict=True))
    index = np.fromiter(map(lookup.__getitem__, keys), dtype=np.int64, count=count)
    times = np.fromiter(map(_time_of, events), dtype=np.int64, count=count)
    answer = times >= 0
    answered, first = np.unique(index[answer], return_index=True)
    first_answers = [unique[at] for at in answered[np.argsort(first, kind="stable")].tolist()]

    order = np.argsort(index, kind="stable")
    by_key, by_time = index[order], times[order]
    rows = np.arange(count)
    # A question's events are taken in bulk up to its first irregular one: a rerate or
    # undo (time -1), an answer earlier than the one before it or than its held-back answers.
    same = by_key[1:] == by_key[:-1]
    starts = np.flatnonzero(np.concatenate(([True], ~same)))
    latest = np.array([held[-1][0] if (held := pending.get(key)) else -1 for key in unique], dtype=np.int64)
    irregular = by_time < 0
    irregular[1:] |= same & (by_time[1:] < by_time[:-1])
    irregular[starts] |= by_time[starts] < latest[by_key[starts]]
    first_irregular = np.minimum.reduceat(np.where(irregular, rows, count), starts)
    group_of = np.cumsum(np.concatenate(([False], ~same)))
    clean = rows < first_irregular[group_of]

    positions = order[clean].tolist()
    ordered: tuple[Entry, ...] = (
        itemgetter(*positions)(events) if len(positions) > 1 else tuple(events[at] for at in positions)
    )
    clean_keys = by_key[clean]
    groups: list[tuple[str, int, int]] = []
    if clean_keys.size:
        bounds = np.flatnonzero(np.concatenate(([True], clean_keys[1:] != clean_keys[:-1], [True]))).tolist()
        group_keys = clean_keys[bounds[:-1]].tolist()
        groups = [
            (unique[key], start, end) for key, start, end in zip(group_keys, bounds[:-1], bounds[1:], strict=True)
        ]
    others = np.sort(order[~clean]).tolist()
    return first_answers, groups, ordered, others


Base = tuple[Memory | None, int, int, int, int, int]
"""A question's committed state: memory (None: never answered), card id, answers,
correct ones, first and last answer times (microseconds, -1 for none)."""


class Memories:
    """Committed states of questions advanced in bulk, as numpy columns (one row a question).

    `advance` takes a flush's questions (their state from the `Replayer` the first
    time, then from here) and applies their committed answers with `fsrs_batch`,
    writing the results back into the columns: no Python object per question
    per flush. `drain` gives every row back as a `Base` and empties the columns.
    """

    _INT = ("state", "step", "due", "last", "card", "answers", "correct", "first", "answered")
    _FLOAT = ("stability", "difficulty")

    def __init__(self) -> None:
        self.rows: dict[str, int] = {}
        self.columns: dict[str, Any] = {}
        self.cards: list[int] = []
        """Card ids by row, whole (the column "card" keeps the 32 bits the fuzz draws from)."""

    def __len__(self) -> int:
        return len(self.rows)

    def _room(self, np: Any, size: int) -> None:
        """Columns of at least `size` rows."""
        columns = self.columns
        have = len(columns["state"]) if columns else 0
        if size <= have:
            return
        room = max(size, 2 * have, 1024)
        for names, dtype in ((self._INT, np.int64), (self._FLOAT, np.float64), (("fresh",), np.bool_)):
            for name in names:
                grown = np.zeros(room, dtype=dtype)
                if have:
                    grown[:have] = columns[name]
                columns[name] = grown

    def advance(
        self,
        kernel: Kernel,
        keys: Sequence[str],
        runs: Sequence[Sequence[Entry]],
        base_of: Callable[[str], Base],
        counts: Counts | None,
        bucket: int,
    ) -> None:
        """Apply each question's `runs` of committed answers; `base_of` gives the state
        of a question not in the columns yet."""
        import numpy as np

        rows = self.rows
        index = []
        added: list[tuple[int, Base]] = []
        for key in keys:
            row = rows.get(key)
            if row is None:
                row = rows[key] = len(rows)
                added.append((row, base_of(key)))
            index.append(row)
        self._room(np, len(rows))
        columns = self.columns
        for row, base in added:
            self._put(row, base)
        batch = _Batch(kernel, list(zip(repeat(None), repeat(0), runs)), counts, bucket)
        at = np.array(index, dtype=np.int64)[batch.order]
        names = ("state", "step", "stability", "difficulty", "due", "last")
        batch.advance(
            columns["state"][at],
            columns["step"][at],
            columns["stability"][at],
            columns["difficulty"][at],
            columns["due"][at],
            columns["last"][at],
            columns["card"][at],
            columns["fresh"][at],
        )
        batch.count()
        regular = ~batch.bad & (batch.done == batch.lengths)
        rows_done = at[regular]
        for name, values in zip(names, batch.memory, strict=True):
            columns[name][rows_done] = values[regular]
        columns["answers"][rows_done] += batch.done[regular]
        columns["correct"][rows_done] += batch.lane_right()[regular]
        columns["answered"][rows_done] = batch.lane_last()[regular]
        first = columns["first"]
        first[rows_done] = np.where(batch.fresh[regular], batch.times[0][regular], first[rows_done])
        columns["fresh"][rows_done] = False
        for lane in np.flatnonzero(~regular).tolist():
            self._finish_lane(kernel, batch, lane, int(at[lane]), counts, bucket)

    def _finish_lane(
        self, kernel: Kernel, batch: _Batch, lane: int, row: int, counts: Counts | None, bucket: int
    ) -> None:
        """A lane the arrays did not finish: redone whole by `run_one` (bad), or finished by it (stopped)."""
        entries = batch.lanes[lane][2]
        base = self._get(row)
        if batch.bad[lane]:
            memory, card_id, answers, correct, first, last = base
            outcome = run_one(kernel, memory, card_id, entries, counts, bucket)
        else:
            done = int(batch.done[lane])
            state, step, stability, difficulty, due, last_review = (values[lane].item() for values in batch.memory)
            memory = Memory(state, None if step < 0 else step, stability, difficulty, due, last_review)
            _old, card_id, answers, correct, first, last = base
            answers += done
            correct += int(batch.lane_right()[lane])
            last = int(batch.lane_last()[lane])
            if batch.fresh[lane]:
                first = int(batch.times[0][lane])
            outcome = run_one(kernel, memory, card_id, entries[done:], counts, bucket)
        if outcome.first >= 0:
            first = outcome.first
        if outcome.last >= 0:
            last = outcome.last
        self._put(row, (outcome.memory, card_id, answers + outcome.answered, correct + outcome.right, first, last))

    def _put(self, row: int, base: Base) -> None:
        """Row `row` set to a state."""
        columns = self.columns
        memory, card_id, answers, correct, first, last = base
        if row == len(self.cards):
            self.cards.append(card_id)
        else:
            self.cards[row] = card_id
        columns["card"][row] = card_id & 0xFFFFFFFF
        columns["answers"][row] = answers
        columns["correct"][row] = correct
        columns["first"][row] = first
        columns["answered"][row] = last
        columns["fresh"][row] = memory is None
        if memory is None:
            memory = Memory(LEARNING, 0, None, None, 0, None)
        state, step, stability, difficulty, due, last_review = memory
        columns["state"][row] = state
        columns["step"][row] = -1 if step is None else step
        columns["stability"][row] = float("nan") if stability is None else stability
        columns["difficulty"][row] = float("nan") if difficulty is None else difficulty
        columns["due"][row] = due
        columns["last"][row] = _NO_TIME if last_review is None else last_review

    def _get(self, row: int) -> Base:
        return self._base(row, {name: values[row].item() for name, values in self.columns.items()})

    def _base(self, row: int, values: dict[str, Any]) -> Base:
        memory = None
        if not values["fresh"]:
            stability, difficulty, last_review, step = (
                values["stability"],
                values["difficulty"],
                values["last"],
                values["step"],
            )
            memory = Memory(
                values["state"],
                None if step < 0 else step,
                None if stability != stability else stability,
                None if difficulty != difficulty else difficulty,
                values["due"],
                None if last_review == _NO_TIME else last_review,
            )
        return (memory, self.cards[row], values["answers"], values["correct"], values["first"], values["answered"])

    def drain(self) -> list[tuple[str, Base]]:
        """Every row's state, by key, and the columns emptied."""
        size = len(self.rows)
        if not size:
            return []
        lists = {name: values[:size].tolist() for name, values in self.columns.items()}
        names = list(lists)
        out = []
        for key, row in self.rows.items():
            out.append((key, self._base(row, {name: lists[name][row] for name in names})))
        self.rows = {}
        self.columns = {}
        self.cards = []
        return out
