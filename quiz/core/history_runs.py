"""A run of answer lines (`quiz.core.answer_runs.AnswerRun`) into the history's column store.

`_Answers.feed` takes one record dict at a time: on a million-answer log that is
most of a cold history's time, a dozen dict lookups and appends per answer. A run
already holds its answers as columns of texts, so here each column of the store
is built from them at once, with C-level `map`s, `bytes.translate` and slices;
what Python does per question or per session (key rows, held-back answers,
session totals), it does once per run rather than once per answer. The store ends
up exactly as if `feed` had taken `run.records()` one by one
(`tests/core/test_history_runs.py` compares every column on generated logs).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Callable
from itertools import compress
from operator import itemgetter, ne
from typing import TYPE_CHECKING, TypeVar

from quiz.core.answer_runs import AnswerRun
from quiz.core.records import _SCAN
from quiz.core.replayer import COUNT_BUCKET, PENDING_PER_KEY

if TYPE_CHECKING:
    from quiz.core.history_columns import _Answers

__all__ = ["feed_run"]

T = TypeVar("T")

_LIVE, _CORRECT, _HINTED, _TYPO = 1, 2, 4, 8
"""As `quiz.core.history_columns` packs them (`_RATING_SHIFT` 4); its tests hold both to it."""
_BITS = {
    (correct, rating, hinted, typo): _LIVE
    | (int(rating) << 4)
    | (_CORRECT if correct == "true" else 0)
    | (_HINTED if hinted == "true" else 0)
    | (_TYPO if typo == "true" else 0)
    for correct in ("true", "false")
    for rating in "1234"
    for hinted in ("true", "false")
    for typo in ("true", "false")
}
"""The texts of (correct, rating, hinted, typo_forgiven) -> an answer's bits."""
_CORRECT_OF = bytes(1 if bits & _CORRECT else 0 for bits in range(256))
_FIRST = itemgetter(0)
_INNER = itemgetter(slice(1, -1))
"""A JSON string without escapes (the lane's) -> its value: the text between its quotes."""


def feed_run(answers: _Answers, run: AnswerRun) -> None:
    """`answers.feed` of every record of `run`, in order, built column by column."""
    import numpy as np

    rows = run.rows
    size = len(rows)
    if not size:
        return
    at_field = run.lane.index

    def column(name: str) -> list[str]:
        return list(map(itemgetter(at_field[name]), rows))

    # Questions, (type, mode) pairs: interned in the order they first appear, as `feed` does.
    codes = _codes(answers.key_index, column("key"), answers._new_key)
    pairs: list[tuple[object, object]] = list(zip(column("type"), column("mode"), strict=True))
    tms = _codes(answers.tm_index, pairs, answers._new_pair)

    # Seconds as `feed` has them (micros / 1e6 is `fromisoformat(time).timestamp()`: both are
    # the correctly rounded quotient), and their quarter hours (numpy's `//` is Python's).
    seconds = np.array(run.times, dtype=np.int64) / 1e6
    times: list[float] = seconds.tolist()
    days = np.floor_divide(seconds, float(COUNT_BUCKET)).astype(np.int64)
    bits = bytes(map(_BITS.__getitem__, map(itemgetter(*map(at_field.__getitem__, _BIT_FIELDS)), rows)))
    correct = bits.translate(_CORRECT_OF)
    right = sum(correct)
    row0 = len(answers.bits)

    # Sessions: a session's answers come together, so per stretch of one session, not per answer.
    session_index, tm_pairs = answers.session_index, answers.tm_pairs
    sess_start, sess_end = answers.sess_start, answers.sess_end
    sess_answers, sess_right = answers.sess_answers, answers.sess_right
    session_codes: list[int] = []
    sessions = column("session")
    changes = list(compress(range(1, size), map(ne, sessions[1:], sessions)))
    for start, end in zip([0, *changes], [*changes, size], strict=True):
        s = session_index.get(sessions[start])
        if s is None:
            s = answers._new_session(sessions[start], times[start], tm_pairs[tms[start]][1])
        stretch = times[start:end]
        low, high = min(stretch), max(stretch)
        if low < sess_start[s]:
            sess_start[s] = low
        if high > sess_end[s]:
            sess_end[s] = high
        sess_answers[s] += end - start
        sess_right[s] += sum(correct[start:end])
        session_codes += [s] * (end - start)

    # Each question's rows, and its latest (id, row) held back for a rerate or undo.
    by_key = np.argsort(np.array(codes, dtype=np.int32), kind="stable")
    ordered_rows = by_key + row0
    rows_of = array("i", ordered_rows.astype(np.int32).tobytes())
    ids = column("id")
    held = list(zip(map(ids.__getitem__, by_key.tolist()), ordered_rows.tolist(), strict=True))
    questions, counts = np.unique(np.array(codes, dtype=np.int32), return_counts=True)
    ends = np.cumsum(counts)
    key_rows, key_recent = answers.key_rows, answers.key_recent
    keep = PENDING_PER_KEY
    for k, start, end in zip(questions.tolist(), (ends - counts).tolist(), ends.tolist(), strict=True):
        key_rows[k] += rows_of[start:end]
        recent = key_recent[k]
        recent += held[start:end]
        if len(recent) > keep:
            del recent[:-keep]

    day_list: list[int] = days.tolist()
    _count(answers.day_answers, Counter(day_list))
    if right:
        _count(answers.day_right, Counter(compress(day_list, correct)))
    answers.total += size
    answers.right += right

    answers.row_key.extend(codes)
    answers.time.frombytes(seconds.tobytes())
    answers.bits += bits
    elapsed = "\n".join(column("elapsed")).replace("null", "nan").split("\n")
    answers.elapsed.extend(map(float, elapsed))
    answers.session.extend(session_codes)
    answers.tm += bytes(tms)
    answers.response += _responses(column("response"))


_BIT_FIELDS = ("correct", "rating", "hinted", "typo_forgiven")
_NOT_STRING = re.compile('[^"]').finditer
"""Where, in the first characters of the responses, one is not a string."""


def _count(counts: dict[int, int], more: Counter[int]) -> None:
    """Add `more` to `counts`: the days new to it come last, in the order `more` has them
    (the order they first appear in), as counting one answer at a time puts them."""
    for day in more.keys() & counts.keys():
        more[day] += counts[day]
    counts.update(more)


def _codes(index: dict[T, int], values: list[T], new: Callable[[T], int]) -> list[int]:
    """The code of each value in `index`, those not in it yet given one by `new` in the
    order they first appear."""
    found = list(map(index.get, values))
    if None not in found:
        return found  # type: ignore[return-value]  # no None in it
    for value in dict.fromkeys(values):
        if value not in index:
            new(value)
    return list(map(index.__getitem__, values))


def _responses(texts: list[str]) -> list[object]:
    """The decoded responses: a string is the text between its quotes (the lane takes none
    with an escape), any other value is decoded as `records.record_of` does."""
    values: list[object] = list(map(_INNER, texts))
    firsts = "".join(map(_FIRST, texts))
    if firsts.count('"') != len(texts):
        for match in _NOT_STRING(firsts):
            at = match.start()
            values[at] = _SCAN(texts[at], 0)[0]
    return values
