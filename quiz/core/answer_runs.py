"""The block lane of a log reader: a block of lines at once, answers in the app's form as columns.

A cold read of a big log spent most of its time in Python per line: a split, a
call of the fast lane's regular expression, a dict of sixteen fields, the time
parsed once to check it and again by the replayer. Here one `findall` over a
decoded block matches every line in C (a line in the app's own form gives the
texts of the fields its consumer needs, its `Lane`; any other line its whole
text), and the times of a block are
checked and turned into microseconds at once with numpy. A consumer that knows
the columns (`quiz.core.replayer.Replayer.feed_run`, the history's column store)
takes an `AnswerRun` whole; `AnswerRun.records()` are the very dicts
`records.parse_line` gives for its lines.

The lane is stricter than `records`' fast lane: times in UTC with microseconds,
as the app writes them, and `elapsed` a plain decimal below `MAX_ELAPSED`. A line
it does not take, or whose time fails the check of its column, goes to
`records.parse_line` like any other; so what a reader yields never depends on the
lane (`tests/core/test_answer_runs.py` checks it on generated logs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property
from itertools import compress, count
from operator import itemgetter
from typing import Any

from quiz.core.records import ANSWER_GROUPS, CLOCK_SKEW, answer_pattern, parse_line, record_of

__all__ = ["EVERY", "MIN_LINES", "SCHEDULE", "AnswerRun", "Lane", "split_lines"]

MIN_LINES = 256
"""Lines a block needs to take the lane (numpy's import and per-call costs are then
small); a short log, as at a new learner's start, is read line by line."""

_TIME_TEXT = r'"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00)"'
_TIME_LENGTH = 32
_ELAPSED = r"(null|(?:0|[1-9][0-9]{0,6})(?:\.[0-9]{1,30})?)"
"""`null` or 0 to 9,999,999.9...: always within `records.MAX_ELAPSED`."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25)
"""Where the digits of `YYYY-MM-DDTHH:MM:SS.ffffff+00:00` are."""


class Lane:
    """Which fields the runs of a block lane carry: fewer groups, a faster `findall`.

    `id` and `time` are always among them (the one tells a matched line, the other
    is checked for every line). With every field, `AnswerRun.records()` is built
    from the groups; otherwise from the lines themselves (`records.parse_line`).
    """

    def __init__(self, fields: Collection[str]) -> None:
        captured = {"id", "time", *fields}
        self.names = tuple(name for name in ANSWER_GROUPS if name in captured or name == "revealed")
        self.index = {name: at for at, name in enumerate(self.names)}
        self.every = len(self.names) == len(ANSWER_GROUPS)
        self._fields = captured

    @cached_property
    def findall(self) -> Callable[[str], list[tuple[str, ...]]]:
        """The lane's `findall`: compiled on first use (a short log never needs it)."""
        pattern = answer_pattern(self._fields, time=_TIME_TEXT, elapsed=_ELAPSED)
        return re.compile("^(?:" + pattern + r"[ \t\r]*$|(.*)$)", re.MULTILINE).findall


EVERY = Lane(ANSWER_GROUPS)
"""Every field: what the history's column store takes."""
SCHEDULE = Lane(("key", "correct", "rating", "mode"))
"""What the replayer takes (with `id` and `time`)."""


class AnswerRun:
    """Consecutive usable answer lines in the app's own form: per line the texts of its
    lane's fields (`rows`, `column`) and its time in microseconds since the epoch (`times`)."""

    __slots__ = ("lane", "lines", "now", "rows", "times")

    def __init__(
        self, lane: Lane, rows: Sequence[tuple[str, ...]], times: list[int], lines: list[bytes], now: datetime
    ) -> None:
        self.lane = lane
        self.rows = rows
        self.times = times
        self.lines = lines
        """The lines themselves, without their newlines."""
        self.now = now

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        """One field's texts, line by line ("key", "id", "mode"... of the run's lane)."""
        return list(map(itemgetter(self.lane.index[name]), self.rows))

    def records(self) -> list[dict[str, Any]]:
        """The records of the lines, as `records.parse_line` gives them."""
        if self.lane.every:
            return list(map(record_of, self.rows))  # type: ignore[arg-type]  # never None: `_ELAPSED` is in range
        now = self.now
        return [parse_line(line, now) for line in self.lines]


def split_lines(
    lines: list[bytes], text: str, now: datetime, lane: Lane, broken: Collection[int] = ()
) -> list[tuple[int, int, AnswerRun | None]] | None:
    """The `lines` (`text`: them decoded and joined by newlines) cut into runs of usable
    answers in the app's form and single lines for `records.parse_line`, in order:
    (first line, end line, the run or None), indexes from 0. None when the lane does not
    apply: no line is in the app's form (the findall is then all there was to it).

    `now`: the reader's clock (UTC-aware), as for `records.parse_line`. `broken`: the
    lines that are not UTF-8 (decoded with `surrogateescape` in `text`), for the full path.
    """
    size = len(lines)
    rows = lane.findall(text)
    if len(rows) != size:  # one match a line, always; should that fail, the full path decides
        return None
    ids = list(map(itemgetter(lane.index["id"]), rows))
    if all(ids):
        positions: Sequence[int] = range(size)
        matched: Sequence[tuple[str, ...]] = rows
    else:
        positions = list(compress(count(), ids))
        if not positions:
            return None
        matched = [rows[at] for at in positions]
    limit = (now - _EPOCH) // _MICROSECOND + CLOCK_SKEW // _MICROSECOND
    times, refused = _micros(list(map(itemgetter(lane.index["time"]), matched)), limit)
    usable = [True] * size
    at_line: Sequence[int] = positions
    if len(positions) < size:
        usable = [bool(ident) for ident in ids]
        where = [-1] * size
        for at, line in enumerate(positions):
            where[line] = at
        at_line = where
    for at in refused:
        usable[positions[at]] = False
    for line in broken:
        usable[line] = False
    segments: list[tuple[int, int, AnswerRun | None]] = []
    start = 0
    while start < size:
        if not usable[start]:
            segments.append((start, start + 1, None))
            start += 1
            continue
        try:
            end = usable.index(False, start)
        except ValueError:
            end = size
        first, last = at_line[start], at_line[end - 1] + 1
        run = AnswerRun(lane, rows[start:end], times[first:last], lines[start:end], now)
        segments.append((start, end, run))
        start = end
    return segments


def _micros(texts: list[str], limit: int) -> tuple[list[int], set[int]]:
    """Each time text (`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`) as microseconds since the epoch,
    and the positions of those `records` would refuse: not a day or time of the calendar,
    before 1970, or later than `limit`."""
    import numpy as np

    size = len(texts)
    digits = np.array(texts, dtype=f"<U{_TIME_LENGTH}").view(np.uint32).reshape(size, _TIME_LENGTH)
    d = digits[:, _DIGITS].astype(np.int64) - 48
    year = d[:, 0] * 1000 + d[:, 1] * 100 + d[:, 2] * 10 + d[:, 3]
    month = d[:, 4] * 10 + d[:, 5]
    day = d[:, 6] * 10 + d[:, 7]
    hour = d[:, 8] * 10 + d[:, 9]
    minute = d[:, 10] * 10 + d[:, 11]
    second = d[:, 12] * 10 + d[:, 13]
    micro = d[:, 14:20] @ np.array([100_000, 10_000, 1_000, 100, 10, 1], dtype=np.int64)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = np.array([31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)[np.clip(month, 0, 12)]
    month_days += (month == 2) & leap
    valid = (
        (year >= 1)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= month_days)
        & (hour <= 23)
        & (minute <= 59)
        & (second <= 59)
    )
    # Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    shifted = year - (month <= 2)
    era = shifted // 400
    of_era = shifted - era * 400
    of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    days = era * 146_097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719_468
    micros = ((days * 24 + hour) * 60 + minute) * 60 + second
    micros = micros * 1_000_000 + micro
    valid &= (micros >= 0) & (micros <= limit)
    return micros.tolist(), set(np.flatnonzero(~valid).tolist())
