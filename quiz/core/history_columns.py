"""The column store of a learner's answers: one row per answer record, no object per record.

`quiz.core.history` draws every figure of the history screen and `quiz history`
from it, and `quiz.core.class_learner` a learner's class-report figures. It is the
half of the history pass that is not FSRS (`store.Replayer` is the other half).

Records are not taken one at a time: `_Answers.feed` only holds them back, and
every `CHUNK` records (or before an undo or rerate, which must find its answer,
and before anything is read: `settle`) they are taken in bulk, field by field,
through `map` and `array` rather than a Python statement per record per field.
The result is the same as taking them one at a time, in file order
(tests/core/test_history_columns.py holds a record-at-a-time oracle).
"""

from __future__ import annotations

import contextlib
import math
import struct
from array import array
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import compress, groupby, repeat
from operator import floordiv, is_, itemgetter
from typing import Any, cast

from quiz.core import replay_cache
from quiz.core.records import MAX_DEPTH, MAX_ELAPSED, nesting_depth
from quiz.core.store import COUNT_BUCKET, PENDING_PER_KEY

__all__ = ["CHUNK", "AnswerEntry"]

_DAY_SECONDS = COUNT_BUCKET
"""Answers are counted per quarter hour of UTC time, then gathered into the learner's
local days (`quiz.core.days`) when the figures are drawn, so a snapshot serves any zone."""


@dataclass(frozen=True)
class AnswerEntry:
    """One effective answer to a question."""

    time: datetime
    correct: bool
    rating: int
    response: object
    """The response as stored (JSON value); `response_text` renders it."""
    elapsed: float | None
    session: str
    mode: str
    type: str
    hinted: bool
    typo_forgiven: bool
    overridden: bool = False
    """Marked wrong, then regraded right by the learner ("I was right": a `rerate`
    with `"correct": true`); `correct` is then True."""


_MAX_TS = datetime(9000, 1, 1, tzinfo=UTC).timestamp()
"""Times restored from a snapshot must lie before this, as `records` requires of a log."""
_MAX_DAY = int(_MAX_TS // 86400)
_NAN = float("nan")
_HUGE = 10**300
"""An integer `elapsed` beyond this would overflow a float: it is no time at all."""


_NESTED = (list, dict)
"""The only types a decoded JSON response nests in."""
_LIVE, _CORRECT, _HINTED, _TYPO = 1, 2, 4, 8
_RATING_SHIFT = 4
_RATING_MASK = 0x70
_OVERRIDDEN = 0x80
_BITS = {
    (rating, right): _LIVE | (rating << _RATING_SHIFT) | (_CORRECT if right else 0)
    for rating in (1, 2, 3, 4)
    for right in (False, True)
}
"""An answer's first bits by (rating, correct)."""
CHUNK = 2048
"""Records an `_Answers` holds back before taking them in bulk."""
_FIELDS = (
    *("key", "time", "id", "rating", "correct"),  # required of an answer (`quiz.core.records`)
    *("type", "mode", "session", "elapsed", "response", "hinted", "typo_forgiven"),
)
_REQUIRED = 5
_REQUIRED_FIELDS = itemgetter(*_FIELDS[:_REQUIRED])
_ALL_FIELDS = itemgetter(*_FIELDS)
_FROMISO = datetime.fromisoformat
_TIMESTAMP = datetime.timestamp


def _codes(index: Mapping[Any, int], values: Sequence[Any], missing: Callable[[int], int]) -> list[int]:
    """Each value's code in `index`, in bulk; when some are not in it (new ones, or a
    value that cannot be a key), one at a time, `missing(i)` giving those, in order,
    as a record at a time would."""
    try:
        return list(map(index.__getitem__, values))
    except (KeyError, TypeError):
        pass
    get = index.get
    codes: list[int] = []
    for position, value in enumerate(values):
        try:
            code = get(value)
        except TypeError:
            code = None
        codes.append(missing(position) if code is None else code)
    return codes


def _bits(ratings: Sequence[Any], correct: list[bool], hinted: Sequence[Any], typo: Sequence[Any]) -> list[int]:
    """Each answer's bits: live, correct, hinted, typo forgiven and the rating."""
    bits = list(map(_BITS.get, zip(ratings, correct, strict=True)))
    if None in bits:  # a rating outside 1-4 (only from an unchecked source)
        bits = [
            _LIVE | (rating << _RATING_SHIFT) | (_CORRECT if right else 0)
            for rating, right in zip(ratings, correct, strict=True)
        ]
    for values, flag in ((hinted, _HINTED), (typo, _TYPO)):
        if any(values):  # rare: then checked row by row, `is True` as the records say
            for position, value in enumerate(values):
                if value is True:
                    bits[position] |= flag  # type: ignore[operator]
    return cast(list[int], bits)


def _extend(column: array[Any], values: Sequence[Any]) -> None:
    """`column.extend(values)`, through `struct`, which converts numbers five times
    faster than `array` (every column grows by one value per answer)."""
    column.frombytes(struct.pack(f"{len(values)}{column.typecode}", *values))


def _seconds(value: object) -> float:
    """A record's `elapsed` as a float; NaN when it holds no time."""
    if type(value) is float:
        return value
    if type(value) is int and -_HUGE < value < _HUGE:
        return float(value)
    return _NAN


class _Answers:
    """Every answer record of one log as columns, with the running day/session totals.

    One row per answer record in file order. `bits[row]` packs live (0 once
    undone), correct, hinted, typo forgiven and the rating (after rerates);
    `tm[row]` indexes an interned (question type, mode) pair. Rows of a question
    are listed in `key_rows` so a question's history needs no scan; `key_recent`
    holds (id, row) of each question's latest live answers, the ones a rerate or
    undo may refer to. `dump` and `restore` carry all of it to and from a
    `replay_cache` snapshot.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.key_index: dict[str, int] = {}
        self.key_rows: list[array[int]] = []
        self.key_recent: list[list[tuple[str, int]]] = []
        self.row_key: array[int] = array("i")
        self.time: array[float] = array("d")
        self.bits = bytearray()
        self.elapsed: array[float] = array("d")
        self.session: array[int] = array("i")
        self.tm = bytearray()
        self.tm_index: dict[tuple[object, object], int] = {}
        self.tm_pairs: list[tuple[str, str]] = []
        self.response: list[object] = []
        self.sessions: list[str] = []
        self.session_index: dict[object, int] = {}
        self.sess_start: list[float] = []
        self.sess_end: list[float] = []
        self.sess_answers: list[int] = []
        self.sess_right: list[int] = []
        self.sess_mode: list[str] = []
        self.day_answers: dict[int, int] = {}
        self.day_right: dict[int, int] = {}
        self.total = 0
        self.right = 0
        self._held: list[tuple[Any, ...]] = []
        """The `_FIELDS` of answers fed and not yet taken (`settle`)."""

    def __len__(self) -> int:
        self.settle()
        return len(self.bits)

    def feed(self, record: dict[str, Any]) -> None:
        """Take one record (validated by `store.iter_records`) into account.

        An answer's fields are held back, as one tuple, and taken with others
        (`settle`); an undo or rerate is taken at once, after the answers before it.
        """
        kind = record["kind"]
        if kind == "answer":
            held = self._held
            try:
                held.append(_ALL_FIELDS(record))
            except KeyError:  # an optional field absent (None), or a required one (raised)
                held.append(_REQUIRED_FIELDS(record) + tuple(map(record.get, _FIELDS[_REQUIRED:])))
            if len(held) >= CHUNK:
                self.settle()
            return
        key = record["key"]
        if kind == "rerate" or kind == "undo":
            self.settle()
            k = self.key_index.get(key)
            if k is not None:
                self._amend(k, record, kind == "undo")
        # suspend, unsuspend, bury: the replayer's flags (`quiz.core.flags`)

    def settle(self) -> None:
        """Take every held-back answer, in file order, one field at a time over all of
        them. Called before anything is read (the passes of `quiz.core.history` do)."""
        if not self._held:
            return
        keys, times_text, ids, ratings, right, types, modes, sessions, elapsed, responses, hinted, typo = zip(
            *self._held, strict=True
        )
        self._held.clear()
        rows_key = _codes(self.key_index, keys, lambda index: self._key_code(keys[index]))
        times = list(map(_TIMESTAMP, map(_FROMISO, times_text)))
        correct = list(map(is_, right, repeat(True)))
        pairs = list(zip(types, modes, strict=True))
        pair_codes = _codes(self.tm_index, pairs, lambda index: self._pair_code(pairs[index]))
        session_codes = self._count(sessions, times, correct, pair_codes)
        self._index_rows(rows_key, ids)
        _extend(self.row_key, rows_key)
        _extend(self.time, times)
        self.bits.extend(_bits(ratings, correct, hinted, typo))
        if set(map(type, elapsed)) - {float}:
            elapsed = tuple(map(_seconds, elapsed))
        _extend(self.elapsed, elapsed)
        _extend(self.session, session_codes)
        self.tm.extend(pair_codes)
        self.response.extend(responses)

    def _count(self, sessions: Sequence[Any], times: list[float], correct: list[bool], pairs: list[int]) -> list[int]:
        """The session, day and overall totals of new answers; their sessions' codes."""
        codes: list[int] = []
        position = 0
        sess_start, sess_end = self.sess_start, self.sess_end
        sess_answers, sess_right = self.sess_answers, self.sess_right
        for session, run in groupby(sessions):  # a session's answers mostly come together
            stop = position + len(list(run))
            s = self._session_code(session, times[position], self.tm_pairs[pairs[position]][1])
            codes += repeat(s, stop - position)
            low, high = min(times[position:stop]), max(times[position:stop])
            if low < sess_start[s]:
                sess_start[s] = low
            if high > sess_end[s]:
                sess_end[s] = high
            sess_answers[s] += stop - position
            sess_right[s] += sum(correct[position:stop])
            position = stop
        days = list(map(int, map(floordiv, times, repeat(_DAY_SECONDS))))
        for totals, counted in (
            (self.day_answers, Counter(days)),
            (self.day_right, Counter(compress(days, correct))),
        ):
            for day, number in counted.items():
                totals[day] = totals.get(day, 0) + number
        self.total += len(times)
        self.right += sum(correct)
        return codes

    def _index_rows(self, rows_key: list[int], ids: Sequence[str]) -> None:
        """New rows into `key_rows`, and (id, row) into `key_recent`, kept to its length."""
        key_rows, key_recent = self.key_rows, self.key_recent
        base = len(self.bits)
        rows = zip(ids, range(base, base + len(ids)), strict=True)
        for k, pending in zip(rows_key, rows, strict=True):
            key_rows[k].append(pending[1])
            key_recent[k].append(pending)
        for k in set(rows_key):
            recent = key_recent[k]
            if len(recent) > PENDING_PER_KEY:
                del recent[:-PENDING_PER_KEY]

    def _key_code(self, key: str) -> int:
        k = self.key_index.get(key)
        return self._new_key(key) if k is None else k

    def _pair_code(self, pair: tuple[object, object]) -> int:
        try:
            return self.tm_index[pair]
        except (KeyError, TypeError):
            return self._new_pair(pair)

    def _session_code(self, session: object, ts: float, mode: str) -> int:
        try:
            return self.session_index[session]
        except (KeyError, TypeError):
            return self._new_session(session, ts, mode)

    def _new_key(self, key: str) -> int:
        k = len(self.keys)
        self.key_index[key] = k
        self.keys.append(key)
        self.key_rows.append(array("i"))
        self.key_recent.append([])
        return k

    def _new_pair(self, pair: tuple[object, object]) -> int:
        """Intern a (question type, mode) pair; odd values become "?"."""
        qtype, mode = (value if isinstance(value, str) else "?" for value in pair)
        clean_pair = (qtype, mode)
        if clean_pair in self.tm_pairs:
            index = self.tm_pairs.index(clean_pair)
        elif len(self.tm_pairs) < 255:
            index = len(self.tm_pairs)
            self.tm_pairs.append(clean_pair)
        else:
            return self._new_pair(("?", "?"))
        with contextlib.suppress(TypeError):  # an unhashable value: looked up each time
            self.tm_index[pair] = index
        return index

    def _new_session(self, session: object, ts: float, mode: str) -> int:
        """Start the totals of a session id (a missing or odd id groups as "")."""
        if not isinstance(session, str):
            odd, session = session, ""
            if session in self.session_index:
                s = self.session_index[session]
                with contextlib.suppress(TypeError):  # the odd id's next answers find it at once
                    self.session_index[odd] = s
                return s
        s = len(self.sessions)
        self.session_index[session] = s
        self.sessions.append(session)
        self.sess_start.append(ts)
        self.sess_end.append(ts)
        self.sess_answers.append(0)
        self.sess_right.append(0)
        self.sess_mode.append(mode)
        return s

    def _amend(self, k: int, record: dict[str, Any], undo: bool) -> None:
        """A rerate or undo: find its answer among the question's held-back ones."""
        recent = self.key_recent[k]
        ref = record["ref"]
        for index in range(len(recent) - 1, -1, -1):
            ident, row = recent[index]
            if ident == ref:
                if undo:
                    self._cancel(row)
                    del recent[index]
                else:
                    bits = (self.bits[row] & ~_RATING_MASK & 0xFF) | (record["rating"] << _RATING_SHIFT)
                    if record.get("correct") is True and not bits & _CORRECT:
                        bits |= _CORRECT | _OVERRIDDEN
                        self._count_right(row)
                    self.bits[row] = bits
                return

    def _count_right(self, row: int) -> None:
        """Add a regraded answer ("I was right") to the right totals."""
        day = int(self.time[row] // _DAY_SECONDS)
        self.right += 1
        self.day_right[day] = self.day_right.get(day, 0) + 1
        self.sess_right[self.session[row]] += 1

    def _cancel(self, row: int) -> None:
        """Take an undone answer out of every running total."""
        self.bits[row] &= ~_LIVE & 0xFF
        day = int(self.time[row] // _DAY_SECONDS)
        s = self.session[row]
        self.total -= 1
        self.day_answers[day] -= 1
        self.sess_answers[s] -= 1
        if self.bits[row] & _CORRECT:
            self.right -= 1
            self.day_right[day] -= 1
            self.sess_right[s] -= 1

    def dump(self) -> tuple[dict[str, Any], dict[str, array[Any] | bytearray]]:
        """Everything, as a JSON-able body and binary columns, for `replay_cache`.

        Responses as a table of distinct values and a column of indexes into it: a
        million answers repeat a few texts, and a million decoded strings would be
        most of a restore's memory. The day counts as two columns each (days, counts),
        not JSON pairs (three years of quarter hours are 100,000 lists to decode)."""
        self.settle()
        table, codes = _response_table(self.response)
        body = {
            "keys": self.keys,
            "recent": [[k, [list(item) for item in recent]] for k, recent in enumerate(self.key_recent) if recent],
            "tm_pairs": self.tm_pairs,
            "responses": table,
            "sessions": self.sessions,
            "sess_mode": self.sess_mode,
            "total": self.total,
            "right": self.right,
        }
        flat: array[int] = array("i")
        for rows in self.key_rows:
            flat.extend(rows)
        sections: dict[str, array[Any] | bytearray] = {
            "row_key": self.row_key,
            "time": self.time,
            "bits": self.bits,
            "elapsed": self.elapsed,
            "session": self.session,
            "tm": self.tm,
            "response": codes,
            "key_rows": flat,
            "key_rows_len": array("i", map(len, self.key_rows)),
            "sess_start": array("d", self.sess_start),
            "sess_end": array("d", self.sess_end),
            "sess_answers": array("q", self.sess_answers),
            "sess_right": array("q", self.sess_right),
        }
        for name, counts in (("day_answers", self.day_answers), ("day_right", self.day_right)):
            sections[f"{name}.days"] = array("q", counts.keys())
            sections[f"{name}.counts"] = array("q", counts.values())
        return body, sections

    @classmethod
    def restore(cls, body: Mapping[str, Any], sections: replay_cache.Sections) -> _Answers:
        """The column store `dump` saved; `replay_cache.CacheError` (or another
        ValueError, TypeError...) if any part is missing, mistyped or out of range."""
        section = replay_cache.section
        need = replay_cache.require
        answers = cls()
        keys = body["keys"]
        need(isinstance(keys, list) and all(isinstance(key, str) for key in keys))
        answers.keys = keys
        answers.key_index = {key: k for k, key in enumerate(keys)}
        need(len(answers.key_index) == len(keys))
        answers.bits = replay_cache.byte_section(sections, "bits")
        rows = len(answers.bits)
        answers.tm = replay_cache.byte_section(sections, "tm")
        answers.row_key = section(sections, "row_key", "i")
        answers.time = section(sections, "time", "d")
        answers.elapsed = section(sections, "elapsed", "d")
        answers.session = section(sections, "session", "i")
        table = body["responses"]
        need(isinstance(table, list))
        # Responses are rendered and compared later: no nesting a log line could not hold.
        need(all(nesting_depth(item, MAX_DEPTH) <= MAX_DEPTH for item in table if type(item) in _NESTED))
        codes = section(sections, "response", "i")
        need(not codes or (min(codes) >= 0 and max(codes) < len(table)))
        answers.response = list(map(table.__getitem__, codes))
        del codes
        # Times become datetimes and days later: finite, and from 1970 to the year 9000.
        need(not rows or (math.isfinite(sum(answers.time)) and min(answers.time) >= 0 and max(answers.time) <= _MAX_TS))
        need(not any(value < 0.0 or value > MAX_ELAPSED for value in answers.elapsed))  # NaN: no time recorded
        need(not rows or (min(answers.bits) >> _RATING_SHIFT >= 1 and max(answers.bits) >> _RATING_SHIFT <= 4))
        for column in (answers.tm, answers.row_key, answers.time, answers.elapsed, answers.session, answers.response):
            need(len(column) == rows)
        need(not rows or (min(answers.row_key) >= 0 and max(answers.row_key) < len(keys)))

        flat = section(sections, "key_rows", "i")
        lengths = section(sections, "key_rows_len", "i")
        need(len(lengths) == len(keys) and len(flat) == rows and sum(lengths) == rows)
        need(not rows or (min(flat) >= 0 and max(flat) < rows and min(lengths) >= 0))
        start = 0
        for length in lengths:
            answers.key_rows.append(flat[start : start + length])
            start += length
        answers.key_recent = [[] for _ in keys]
        for item in body["recent"]:
            k, recent = item
            need(type(k) is int and 0 <= k < len(keys) and isinstance(recent, list) and not answers.key_recent[k])
            need(len(recent) <= PENDING_PER_KEY)
            for ident, row in recent:
                need(isinstance(ident, str) and type(row) is int and 0 <= row < rows)
                answers.key_recent[k].append((ident, row))

        pairs = body["tm_pairs"]
        need(isinstance(pairs, list) and len(pairs) <= 255)
        for pair in pairs:
            need(isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str) for part in pair))
            answers.tm_pairs.append((pair[0], pair[1]))
        answers.tm_index = {pair: index for index, pair in enumerate(answers.tm_pairs)}
        need(not rows or max(answers.tm) < len(pairs))

        sessions = body["sessions"]
        need(isinstance(sessions, list) and all(isinstance(name, str) for name in sessions))
        answers.sessions = sessions
        answers.session_index = {name: s for s, name in enumerate(sessions)}
        need(len(answers.session_index) == len(sessions))
        answers.sess_mode = body["sess_mode"]
        need(isinstance(answers.sess_mode, list) and all(isinstance(mode, str) for mode in answers.sess_mode))
        answers.sess_start = section(sections, "sess_start", "d").tolist()
        answers.sess_end = section(sections, "sess_end", "d").tolist()
        answers.sess_answers = section(sections, "sess_answers", "q").tolist()
        answers.sess_right = section(sections, "sess_right", "q").tolist()
        for times in (answers.sess_start, answers.sess_end):
            need(all(0 <= ts <= _MAX_TS for ts in times))
        need(all(count >= 0 for count in answers.sess_answers) and all(count >= 0 for count in answers.sess_right))
        sizes = {len(answers.sess_mode), len(answers.sess_start), len(answers.sess_end), len(answers.sess_answers)}
        need(sizes == {len(sessions)} and len(answers.sess_right) == len(sessions))
        need(not rows or (min(answers.session) >= 0 and max(answers.session) < len(sessions)))

        for name, counts in (("day_answers", answers.day_answers), ("day_right", answers.day_right)):
            days, numbers = section(sections, f"{name}.days", "q"), section(sections, f"{name}.counts", "q")
            need(len(days) == len(numbers))
            need(not days or (min(days) >= 0 and max(days) <= _MAX_DAY and min(numbers) >= 0))
            counts.update(zip(days, numbers, strict=True))
        answers.total, answers.right = body["total"], body["right"]
        need(type(answers.total) is int and type(answers.right) is int and 0 <= answers.right <= answers.total)
        return answers

    def live(self, row: int) -> bool:
        """Whether the answer still counts (not undone)."""
        return bool(self.bits[row] & _LIVE)

    def correct(self, row: int) -> bool:
        """Whether the answer was right."""
        return bool(self.bits[row] & _CORRECT)

    def overridden(self, row: int) -> bool:
        """Whether a wrong answer was regraded right by the learner ("I was right")."""
        return bool(self.bits[row] & _OVERRIDDEN)

    def rating(self, row: int) -> int:
        """The answer's rating after rerates (1 Again .. 4 Easy)."""
        return (self.bits[row] & _RATING_MASK) >> _RATING_SHIFT

    def mode(self, row: int) -> str:
        """The session mode the answer was given in ("drill", "practice", "exam", ...; "?" if odd)."""
        return self.tm_pairs[self.tm[row]][1]

    def all_rows(self, k: int) -> list[int]:
        """Every answer to the question, undone ones included, oldest first."""
        rows = list(self.key_rows[k])
        rows.sort(key=self.time.__getitem__)
        return rows

    def live_rows(self, k: int) -> list[int]:
        """The question's effective answers, oldest first."""
        bits = self.bits
        rows = [row for row in self.key_rows[k] if bits[row] & _LIVE]
        rows.sort(key=self.time.__getitem__)
        return rows

    def entry(self, row: int) -> AnswerEntry:
        """One row as an `AnswerEntry`."""
        elapsed = self.elapsed[row]
        bits = self.bits[row]
        qtype, mode = self.tm_pairs[self.tm[row]]
        return AnswerEntry(
            time=_from_ts(self.time[row]),
            correct=bool(bits & _CORRECT),
            rating=(bits & _RATING_MASK) >> _RATING_SHIFT,
            response=self.response[row],
            elapsed=None if math.isnan(elapsed) else elapsed,
            session=self.sessions[self.session[row]],
            mode=mode,
            type=qtype,
            hinted=bool(bits & _HINTED),
            typo_forgiven=bool(bits & _TYPO),
            overridden=bool(bits & _OVERRIDDEN),
        )


_SHARED = (str, int, float, bool, type(None))
"""Response types whose equal values may be one object (immutable ones)."""


def _response_table(responses: list[object]) -> tuple[list[object], array[int]]:
    """(distinct responses, the index of each answer's in them) for a snapshot.

    Values are the same only if their type and `repr` are (1, 1.0 and True differ,
    as do 0.0 and -0.0); a list or dict is never shared, so no restored answer's
    response is another's object."""
    table: list[object] = []
    seen: dict[object, int] = {}
    codes: array[int] = array("i")
    append = codes.append
    for value in responses:
        kind = type(value)
        if kind is str:
            marker: object = value
        elif kind in _SHARED:
            marker = (kind.__name__, repr(value))
        else:
            append(len(table))
            table.append(value)
            continue
        code = seen.get(marker)
        if code is None:
            code = seen[marker] = len(table)
            table.append(value)
        append(code)
    return table, codes


def _from_ts(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)
