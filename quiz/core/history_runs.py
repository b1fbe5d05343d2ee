"""A run of answer lines (`quiz.core.answer_runs.AnswerRun`) into the history's column store.

`_Answers.feed` takes one record dict at a time: on a million-answer log that was
most of a cold history's time, a dozen dict lookups and appends per answer. A run
already holds its answers as columns of texts, so `feed_run` builds each column of
the store from them at once, with C-level `map`s, `bytes.translate` and slices;
what Python does per session it does once per stretch of one session.

Each question's rows (`_Answers.key_rows`) and latest held-back answers
(`key_recent`) are not kept up per run: a run of a few hundred answers touches
nearly as many questions, so that would be Python per answer again. They follow
from `row_key` and the pending ids, and `settle` brings them up to date in one
grouping of every pending row when they are read (a question's history, a
snapshot), when an answer comes as a dict, or when `PENDING_ROWS` are pending; a
rerate or undo brings only its own question's held-back answers up to date
(`hold`, up to `HOLD_SCAN` rows). A class report that writes no snapshot reads
neither, so never groups at all. The store
ends up exactly as if `feed` had taken `run.records()` one by one
(`tests/core/test_history_runs.py` compares every column on generated logs).
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import compress, count, filterfalse
from operator import itemgetter, ne
from typing import TYPE_CHECKING

from quiz.core.answer_runs import AnswerRun
from quiz.core.records import _SCAN
from quiz.core.replayer import COUNT_BUCKET, PENDING_PER_KEY

if TYPE_CHECKING:
    from quiz.core.history_columns import _Answers

__all__ = ["HOLD_SCAN", "PENDING_ROWS", "feed_run", "hold", "settle"]

PENDING_ROWS = 1 << 16
"""Rows whose grouping by question may wait (their ids are held meanwhile)."""
HOLD_SCAN = 1 << 13
"""Pending rows a rerate or undo looks through for its question's; past that, `settle`."""

_LIVE, _CORRECT, _HINTED, _TYPO, _RATING_SHIFT = 1, 2, 4, 8, 4
"""As `quiz.core.history_columns` packs an answer's bits (the tests hold both to it)."""
_CORRECT_OF_LENGTH = bytes(_CORRECT if length == 4 else 0 for length in range(256))
"""The length of a `correct` text ("true" 4, "false" 5) -> its bit; likewise below."""
_HINTED_OF_LENGTH = bytes(_HINTED if length == 4 else 0 for length in range(256))
_TYPO_OF_LENGTH = bytes(_TYPO if length == 4 else 0 for length in range(256))
_RATING_OF_DIGIT = bytes(_LIVE | (int(chr(char)) << _RATING_SHIFT) if chr(char) in "1234" else 0 for char in range(256))
"""A rating's digit (ASCII) -> the live bit and the rating."""
_RIGHT_OF = bytes(1 if bits & _CORRECT else 0 for bits in range(256))
_FIRST = itemgetter(0)
_INNER = itemgetter(slice(1, -1))
"""A JSON string without escapes (the lane's) -> its value: the text between its quotes."""
_NOT_STRING = re.compile('[^"]').finditer
"""Where, in the first characters of the responses, one is not a string."""


def feed_run(answers: _Answers, run: AnswerRun) -> None:
    """`answers.feed` of every record of `run`, in order, built column by column."""
    import numpy as np

    size = len(run.rows)
    if not size:
        return
    if not run.lane.every:  # not the history's lane: its records, one at a time
        for record in run.records():
            answers.feed(record)
        return
    columns = dict(zip(run.lane.names, zip(*run.rows, strict=True), strict=False))  # and a last group

    codes = _key_codes(answers, columns["key"])
    types, modes = columns["type"], columns["mode"]
    if types.count(types[0]) == size and modes.count(modes[0]) == size:  # the usual run: one of each
        pair = (types[0], modes[0])
        tm = answers.tm_index.get(pair)
        tms = bytes((answers._new_pair(pair) if tm is None else tm,)) * size
    else:
        tms = bytes(_codes(answers, list(zip(types, modes, strict=True))))

    # Seconds as `feed` has them (micros / 1e6 is `fromisoformat(time).timestamp()`: both are
    # the correctly rounded quotient), and their quarter hours (numpy's `//` is Python's).
    seconds = np.array(run.times, dtype=np.int64) / 1e6
    times: list[float] = seconds.tolist()
    days: list[int] = np.floor_divide(seconds, float(COUNT_BUCKET)).astype(np.int64).tolist()
    bits = _bits(columns, size)
    correct = bits.translate(_RIGHT_OF)
    right = sum(correct)

    # Sessions: a session's answers come together, so per stretch of one session, not per answer.
    session_index, tm_pairs = answers.session_index, answers.tm_pairs
    sess_start, sess_end = answers.sess_start, answers.sess_end
    sess_answers, sess_right = answers.sess_answers, answers.sess_right
    session_codes: list[int] = []
    sessions = columns["session"]
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

    _count(answers.day_answers, Counter(days))
    if right:
        _count(answers.day_right, Counter(compress(days, correct)))
    answers.total += size
    answers.right += right

    answers.row_key.extend(codes)
    answers.time.frombytes(seconds.tobytes())
    answers.bits += bits
    elapsed = "\n".join(columns["elapsed"]).replace("null", "nan").split("\n")
    answers.elapsed.extend(map(float, elapsed))
    answers.session.extend(session_codes)
    answers.tm += tms
    answers.response += _responses(columns["response"])
    answers._pending_ids += columns["id"]
    if len(answers._pending_ids) >= PENDING_ROWS:
        settle(answers)


def _key_codes(answers: _Answers, keys: Sequence[str]) -> list[int]:
    """The code of each question key, the new ones numbered in the order they first appear
    (as `_Answers._new_key` numbers them; their rows' lists come with `settle`)."""
    index = answers.key_index
    if index:  # most keys are known, or all
        found = list(map(index.get, keys))
        if None not in found:
            return found  # type: ignore[return-value]  # no None in it
    new = list(filterfalse(index.__contains__, dict.fromkeys(keys)))
    if new:
        index.update(zip(new, count(len(answers.keys)), strict=False))
        answers.keys += new
    return list(map(index.__getitem__, keys))


def _codes(answers: _Answers, pairs: list[tuple[object, object]]) -> list[int]:
    """The code of each (type, mode) pair, the new ones interned in the order they first appear."""
    index = answers.tm_index
    found = list(map(index.get, pairs))
    if None not in found:
        return found  # type: ignore[return-value]  # no None in it
    for pair in dict.fromkeys(pairs):
        if pair not in index:
            answers._new_pair(pair)
    return list(map(index.__getitem__, pairs))


def _bits(columns: dict[str, tuple[str, ...]], size: int) -> bytes:
    """Each answer's bits (live, correct, hinted, typo forgiven, rating), from the texts:
    "true" is 4 characters, "false" 5, a rating one digit."""
    bits = int.from_bytes("".join(columns["rating"]).encode().translate(_RATING_OF_DIGIT), "big")
    bits |= int.from_bytes(bytes(map(len, columns["correct"])).translate(_CORRECT_OF_LENGTH), "big")
    for name, table in (("hinted", _HINTED_OF_LENGTH), ("typo_forgiven", _TYPO_OF_LENGTH)):
        texts = columns[name]
        if texts.count("false") != size:
            bits |= int.from_bytes(bytes(map(len, texts)).translate(table), "big")
    return bits.to_bytes(size, "big")


def _count(counts: dict[int, int], more: Counter[int]) -> None:
    """Add `more` to `counts`: the days new to it come last, in the order `more` has them
    (the order they first appear in), as counting one answer at a time puts them."""
    for day in more.keys() & counts.keys():
        more[day] += counts[day]
    counts.update(more)


def _responses(texts: Sequence[str]) -> list[object]:
    """The decoded responses: a string is the text between its quotes (the lane takes none
    with an escape), any other value is decoded as `records.record_of` does."""
    values: list[object] = list(map(_INNER, texts))
    firsts = "".join(map(_FIRST, texts))
    if firsts.count('"') != len(texts):
        for match in _NOT_STRING(firsts):
            at = match.start()
            values[at] = _SCAN(texts[at], 0)[0]
    return values


def _pad(answers: _Answers) -> None:
    """A (still empty) list of rows and of held-back answers for each new question."""
    missing = len(answers.keys) - len(answers.key_rows)
    if missing:
        answers.key_rows += [array("i") for _ in range(missing)]
        answers.key_recent += [[] for _ in range(missing)]


def settle(answers: _Answers) -> None:
    """Bring `key_rows` and `key_recent` up to date with the rows `feed_run` left pending:
    one stable grouping of them all by question."""
    ids = answers._pending_ids
    if not ids:
        _pad(answers)
        return
    import numpy as np

    first = len(answers.row_key) - len(ids)
    codes = np.frombuffer(answers.row_key[first:], dtype=np.int32)
    by_key = np.argsort(codes, kind="stable")
    rows = by_key + first
    questions, counts = np.unique(codes, return_counts=True)
    ends = np.cumsum(counts)
    rows_of = array("i", rows.astype(np.int32).tobytes())
    row_list: list[int] = rows.tolist()
    ordered_ids = list(map(ids.__getitem__, by_key.tolist()))
    _pad(answers)
    key_rows, key_recent, held = answers.key_rows, answers.key_recent, answers._held
    keep = PENDING_PER_KEY
    for k, start, end in zip(questions.tolist(), (ends - counts).tolist(), ends.tolist(), strict=True):
        key_rows[k] += rows_of[start:end]
        low = max(start, end - keep)
        if k in held:  # its held-back answers are up to date to that row (`hold`)
            low = max(low, bisect_right(row_list, held[k], start, end))
        recent = key_recent[k]
        recent += zip(ordered_ids[low:end], row_list[low:end], strict=True)
        if len(recent) > keep:
            del recent[:-keep]
    answers._pending_ids = []
    held.clear()


def hold(answers: _Answers, k: int) -> None:
    """Bring question `k`'s held-back answers (`key_recent[k]`) up to date, for a rerate or
    an undo; its other pending rows wait for `settle`."""
    ids = answers._pending_ids
    _pad(answers)
    if not ids:
        return
    import numpy as np

    first = len(answers.row_key) - len(ids)
    since = answers._held.get(k, first - 1) - first + 1
    if len(ids) - since > HOLD_SCAN:  # many undos of many questions: group them all at once
        settle(answers)
        return
    where = np.flatnonzero(np.frombuffer(answers.row_key[first + since :], dtype=np.int32) == k) + since
    recent = answers.key_recent[k]
    recent += [(ids[at], first + at) for at in where[-PENDING_PER_KEY:].tolist()]
    if len(recent) > PENDING_PER_KEY:
        del recent[:-PENDING_PER_KEY]
    answers._held[k] = len(answers.row_key) - 1
