"""The column store of a learner's answers: one row per answer record, no object per record.

`quiz.core.history` draws every figure of the history screen and `quiz history`
from it, and `quiz.core.class_learner` a learner's class-report figures. It is the
half of the history pass that is not FSRS (`replayer.Replayer` is the other half);
`_Answers.dump` and `restore` carry it to and from a `replay_cache` snapshot.
"""

from __future__ import annotations

import contextlib
import math
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from quiz.core import history_runs, replay_cache
from quiz.core.answer_runs import AnswerRun
from quiz.core.records import MAX_DEPTH, MAX_ELAPSED, nesting_depth
from quiz.core.replayer import COUNT_BUCKET, PENDING_PER_KEY

__all__ = ["AnswerEntry"]

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
_ODD_PAIR = ("?", "?")
_NONE = object()
"""Equal to nothing a record holds: no answer before."""


class _Answers:
    """Every answer record of one log as columns, with the running day/session totals.

    One row per answer record in file order. `bits[row]` packs live (0 once
    undone), correct, hinted, typo forgiven and the rating (after rerates);
    `tm[row]` indexes an interned (question type, mode) pair. Rows of a question
    are listed in `key_rows` so a question's history needs no scan; `key_recent`
    holds (id, row) of each question's latest live answers, the ones a rerate or
    undo may refer to; both lag behind the rows `feed_run` took until
    `history_runs.settle` (as `dump` and the rows of a question do). `dump` and
    `restore` carry all of it to and from a `replay_cache` snapshot.
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
        # The (type, mode) and session of the answer before, and their codes (see `feed`).
        self._last_type: object = _NONE
        self._last_mode: object = _NONE
        self._last_tm = 0
        self._last_session: object = _NONE
        self._last_s = 0
        # What `history_runs.feed_run` left to `history_runs.settle`: the ids of the last rows
        # (not yet in `key_rows` and `key_recent`), and the questions whose held-back answers
        # `history_runs.hold` brought up to date (to which row).
        self._pending_ids: list[str] = []
        self._held: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.bits)

    def feed(self, record: dict[str, Any]) -> None:
        """Take one record (validated by `store.iter_records`) into account.

        The hot path of a million-answer log: few calls, no object per record
        beyond what the JSON parser already made.
        """
        kind = record["kind"]
        key = record["key"]
        if kind != "answer":
            if kind == "rerate" or kind == "undo":
                k = self.key_index.get(key)
                if k is not None:
                    if self._pending_ids:
                        history_runs.hold(self, k)
                    self._amend(k, record, kind == "undo")
            return  # suspend, unsuspend, bury: the replayer's flags (`quiz.core.flags`)
        if self._pending_ids:
            history_runs.settle(self)
        try:
            k = self.key_index[key]
        except KeyError:
            k = self._new_key(key)
        get = record.get
        ts = datetime.fromisoformat(record["time"]).timestamp()
        correct = record["correct"] is True
        qtype, mode = get("type"), get("mode")
        if qtype == self._last_type and mode == self._last_mode:  # as the answer before
            tm = self._last_tm
        else:
            pair = (qtype, mode)
            try:
                tm = self.tm_index[pair]
            except (KeyError, TypeError):
                tm = self._new_pair(pair)
            self._last_type, self._last_mode, self._last_tm = qtype, mode, tm
        session = get("session")
        if session == self._last_session:  # a session's answers come together
            s = self._last_s
        else:
            try:
                s = self.session_index[session]
            except (KeyError, TypeError):
                s = self._new_session(session, ts, self.tm_pairs[tm][1])
            self._last_session, self._last_s = session, s
        if ts < self.sess_start[s]:
            self.sess_start[s] = ts
        elif ts > self.sess_end[s]:
            self.sess_end[s] = ts
        self.sess_answers[s] += 1
        day = int(ts // _DAY_SECONDS)
        day_answers = self.day_answers
        day_answers[day] = day_answers.get(day, 0) + 1
        self.total += 1
        bits = _LIVE | (record["rating"] << _RATING_SHIFT)
        if correct:
            bits |= _CORRECT
            self.sess_right[s] += 1
            day_right = self.day_right
            day_right[day] = day_right.get(day, 0) + 1
            self.right += 1
        if get("hinted") is True:
            bits |= _HINTED
        if get("typo_forgiven") is True:
            bits |= _TYPO
        elapsed: Any = get("elapsed")
        kind_of = type(elapsed)
        row = len(self.bits)
        self.key_rows[k].append(row)
        recent = self.key_recent[k]
        recent.append((record["id"], row))
        if len(recent) > PENDING_PER_KEY:
            del recent[0]
        self.row_key.append(k)
        self.time.append(ts)
        self.bits.append(bits)
        if kind_of is not float:
            elapsed = float(elapsed) if kind_of is int and -_HUGE < elapsed < _HUGE else _NAN
        self.elapsed.append(elapsed)
        self.session.append(s)
        self.tm.append(tm)
        self.response.append(get("response"))

    def feed_run(self, run: AnswerRun) -> None:
        """`feed` of each record of `run` (the block lane, `quiz.core.answer_runs`), built
        from its columns (`quiz.core.history_runs`): no dict per answer. `key_rows` and
        `key_recent` may then lag behind until `settle`."""
        history_runs.feed_run(self, run)

    def _new_key(self, key: str) -> int:
        k = len(self.keys)
        self.key_index[key] = k
        self.keys.append(key)
        self.key_rows.append(array("i"))
        self.key_recent.append([])
        return k

    def _new_pair(self, pair: tuple[object, object]) -> int:
        """Intern a (question type, mode) pair; odd values become "?", as do all pairs
        past the 254th (the 255th code is kept for ("?", "?"): a byte holds a code)."""
        qtype, mode = (value if isinstance(value, str) else "?" for value in pair)
        clean_pair = (qtype, mode)
        if clean_pair in self.tm_pairs:
            index = self.tm_pairs.index(clean_pair)
        elif len(self.tm_pairs) < 254 or (clean_pair == _ODD_PAIR and len(self.tm_pairs) < 255):
            index = len(self.tm_pairs)
            self.tm_pairs.append(clean_pair)
        else:
            index = self._new_pair(_ODD_PAIR)
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
        history_runs.settle(self)
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
        need(isinstance(pairs, list) and (len(pairs) < 255 or (len(pairs) == 255 and ["?", "?"] in pairs)))
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
        history_runs.settle(self)
        rows = list(self.key_rows[k])
        rows.sort(key=self.time.__getitem__)
        return rows

    def live_rows(self, k: int) -> list[int]:
        """The question's effective answers, oldest first."""
        history_runs.settle(self)
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
