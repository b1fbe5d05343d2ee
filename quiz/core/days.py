"""The learner's day: it starts at `day_starts_at` o'clock in the learner's local time.

Anki's rule, and the one a learner expects: a session at 1 am still belongs to
"yesterday" when the day starts at 4, and a learner in California does not start
a new day at 4 pm (which a UTC day would do). Every "today" count, heatmap day,
forecast day and due day goes through one `Days` object, so they all agree.

Times are stored in UTC; only the day arithmetic is local. The zone is the
machine's own (`tz=None`, which follows `TZ` and daylight saving time through the
C library) unless one is given, which tests do. A day across a daylight saving
change is 23 or 25 hours long: `start_of` works in wall-clock time and converts
each boundary to UTC separately, so no hour is lost or counted twice.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

__all__ = ["DEFAULT_DAY_START", "Days"]

DEFAULT_DAY_START = 4
"""Anki's default: the day turns over at 4 am, after any late-night session."""

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Days:
    """Local days that start at `starts_at` o'clock in zone `tz` (None: the machine's zone)."""

    starts_at: int = DEFAULT_DAY_START
    tz: tzinfo | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.starts_at <= 23:
            raise ValueError(f"day_starts_at must be an hour from 0 to 23, not {self.starts_at}")

    def day_of(self, moment: datetime) -> date:
        """The learner's day that `moment` (UTC-aware) falls in."""
        if moment.tzinfo is None:
            raise ValueError("day_of needs a time-zone-aware datetime")
        local = moment.astimezone(self.tz)
        day = local.date()
        return day - _ONE_DAY if local.hour < self.starts_at else day

    def start_of(self, day: date) -> datetime:
        """The UTC moment the learner's `day` begins (`starts_at` o'clock local time)."""
        wall = datetime(day.year, day.month, day.day, self.starts_at)
        if self.tz is None:
            return wall.astimezone(UTC)  # a naive datetime is read as the machine's local time
        return wall.replace(tzinfo=self.tz).astimezone(UTC)

    def bounds(self, day: date) -> tuple[datetime, datetime]:
        """[start, end) of the learner's `day`, in UTC."""
        return self.start_of(day), self.start_of(day + _ONE_DAY)

    def end_of_today(self, now: datetime) -> datetime:
        """When the learner's current day ends: a review due before it is due today."""
        return self.start_of(self.day_of(now) + _ONE_DAY)

    def days_until(self, moment: datetime, now: datetime) -> int:
        """Learner days from today to the day of `moment` (0: today, negative: past)."""
        return (self.day_of(moment) - self.day_of(now)).days

    def bucket_days(self, buckets: Iterable[int], seconds: int) -> dict[int, date]:
        """The day of each time bucket (bucket n covers [n*seconds, (n+1)*seconds) since the epoch).

        One zone conversion per day spanned rather than per bucket: the day starts
        of the whole range are computed once and each bucket is placed by bisection.
        Buckets must not straddle a day start (15-minute buckets never do for zones
        whose offsets are whole quarter hours, which is every zone in use).
        """
        listed = sorted(set(buckets))
        if not listed:
            return {}
        first = self.day_of(datetime.fromtimestamp(listed[0] * seconds, UTC)) - _ONE_DAY
        last = self.day_of(datetime.fromtimestamp(listed[-1] * seconds, UTC)) + _ONE_DAY
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        starts = [self.start_of(day).timestamp() for day in days]
        result: dict[int, date] = {}
        for bucket in listed:
            index = bisect.bisect_right(starts, bucket * seconds) - 1
            result[bucket] = days[max(0, index)]
        return result
