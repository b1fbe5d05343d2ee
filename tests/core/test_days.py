"""The learner's day: it starts at `day_starts_at` local time, across zones and DST changes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from quiz.core.days import Days
from quiz.core.scheduling import Settings
from quiz.core.session import Session
from quiz.core.store import Store
from tests.core.test_session import log_answer, numbered

LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # UTC-8 in winter, UTC-7 in summer
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14 all year


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def test_utc_minus_8_day_starts_at_4am_local_not_at_utc_midnight() -> None:
    days = Days(4, LOS_ANGELES)
    # 17:00 UTC on 10 Jan is 09:00 in California; 01:00 UTC on the 11th is 17:00 on the 10th there.
    assert days.day_of(utc(2026, 1, 10, 17)) == date(2026, 1, 10)
    assert days.day_of(utc(2026, 1, 11, 1)) == date(2026, 1, 10)
    # 03:59 local on the 11th is still the 10th; 04:00 local is the 11th.
    assert days.day_of(utc(2026, 1, 11, 11, 59)) == date(2026, 1, 10)
    assert days.day_of(utc(2026, 1, 11, 12, 0)) == date(2026, 1, 11)
    assert days.start_of(date(2026, 1, 11)) == utc(2026, 1, 11, 12)


def test_utc_plus_14_day_begins_the_previous_utc_evening() -> None:
    days = Days(4, KIRITIMATI)
    # 04:00 on 10 Jan in Kiritimati is 14:00 UTC on the 9th.
    assert days.start_of(date(2026, 1, 10)) == utc(2026, 1, 9, 14)
    assert days.day_of(utc(2026, 1, 9, 13, 59)) == date(2026, 1, 9)
    assert days.day_of(utc(2026, 1, 9, 14, 0)) == date(2026, 1, 10)
    assert days.day_of(utc(2026, 1, 10, 13, 0)) == date(2026, 1, 10)


def test_days_across_a_dst_change_are_23_and_25_hours_long() -> None:
    days = Days(4, LOS_ANGELES)
    # Clocks go forward at 2 am on 8 March 2026: the learner's 7 March runs from 4 am PST
    # (12:00 UTC) to 4 am PDT on the 8th (11:00 UTC), 23 hours.
    start, end = days.bounds(date(2026, 3, 7))
    assert (start, end) == (utc(2026, 3, 7, 12), utc(2026, 3, 8, 11))
    assert days.day_of(utc(2026, 3, 8, 10, 59)) == date(2026, 3, 7)
    assert days.day_of(utc(2026, 3, 8, 11, 0)) == date(2026, 3, 8)
    # Clocks go back at 2 am on 1 November 2026: the learner's 31 October lasts 25 hours.
    start, end = days.bounds(date(2026, 10, 31))
    assert (start, end) == (utc(2026, 10, 31, 11), utc(2026, 11, 1, 12))
    assert days.day_of(end - timedelta(seconds=1)) == date(2026, 10, 31)


def test_bucket_days_agree_with_day_of_across_dst() -> None:
    days = Days(4, LOS_ANGELES)
    first = int(utc(2026, 3, 6).timestamp()) // 900
    buckets = range(first, first + 4 * 24 * 5)
    mapped = days.bucket_days(buckets, 900)
    for bucket in buckets:
        assert mapped[bucket] == days.day_of(datetime.fromtimestamp(bucket * 900, UTC))


@pytest.fixture
def machine_in_los_angeles() -> Iterator[None]:
    """The machine's own zone is California (what a learner there gets with no setting)."""
    os.environ["TZ"] = "America/Los_Angeles"
    time.tzset()
    yield  # the autouse UTC fixture restores the zone afterwards


@pytest.mark.usefixtures("machine_in_los_angeles")
def test_the_machine_zone_is_used_when_none_is_given() -> None:
    days = Settings().days
    assert days.tz is None
    assert days.day_of(utc(2026, 1, 11, 1)) == date(2026, 1, 10)
    assert days.start_of(date(2026, 3, 7)) == utc(2026, 3, 7, 12)
    assert days.start_of(date(2026, 3, 8)) == utc(2026, 3, 8, 11)  # after the DST change


def new_asked(tmp_path: Path, at: datetime, days: Days) -> int:
    """Questions the session asks (the three answered ones were rated Easy: not due for days)."""
    store = Store(tmp_path, "ana")
    session = Session(numbered(10), store, Settings(new_per_day=3, fuzzing=False), clock=lambda: at, days=days)
    return session.size


def test_new_per_day_counts_the_learners_day_in_utc_minus_8(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    morning = utc(2026, 1, 10, 17)  # 09:00 in California
    for i in range(3):
        log_answer(store, f"d/q{i}", 4, morning)
    days = Days(4, LOS_ANGELES)
    # 20:00 the same evening in California is 04:00 UTC the next day: still no new questions.
    assert new_asked(tmp_path, utc(2026, 1, 11, 4), days) == 0
    # With UTC days the learner would have been given three more at 4 pm.
    assert new_asked(tmp_path, utc(2026, 1, 11, 4), Days(0, UTC)) == 3
    # 04:00 the next morning in California (12:00 UTC): a new day, three new questions.
    assert new_asked(tmp_path, utc(2026, 1, 11, 12), days) == 3


def test_new_per_day_in_utc_plus_14(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    for i in range(3):
        log_answer(store, f"d/q{i}", 4, utc(2026, 1, 9, 15))  # 05:00 on the 10th in Kiritimati
    days = Days(4, KIRITIMATI)
    assert new_asked(tmp_path, utc(2026, 1, 10, 13, 59), days) == 0  # 03:59 on the 11th there: still the 10th
    assert new_asked(tmp_path, utc(2026, 1, 10, 14, 0), days) == 3  # 04:00 on the 11th


def test_a_review_due_later_today_is_due_now_but_not_one_due_tomorrow(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    settings = Settings(new_per_day=0, fuzzing=False)
    start = utc(2026, 1, 1, 18)  # 10:00 in California
    log_answer(store, "d/q0", 3, start)
    log_answer(store, "d/q0", 3, start + timedelta(minutes=10))
    session = Session(numbered(1), store, settings, clock=lambda: start + timedelta(minutes=11))
    due = session.states["d/q0"].card.due
    days = Days(4, LOS_ANGELES)
    # At 03:00 local on the due day (before the day starts) it is not due; at 04:00 it is.
    due_day = days.day_of(due)
    before = days.start_of(due_day) - timedelta(hours=1)
    assert Session(numbered(1), store, settings, clock=lambda: before, days=days).size == 0
    morning = days.start_of(due_day)
    assert morning < due or due == morning  # due later in the day
    assert Session(numbered(1), store, settings, clock=lambda: morning, days=days).size == 1


def test_quiz_decks_counts_due_by_the_learners_day_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _private_config: Path
) -> None:
    import io
    import json

    from quiz.cli import main
    from quiz.core.replay_cache import replay_log
    from quiz.core.scheduling import Scheduler

    bank = tmp_path / "d.yaml"
    bank.write_text("deck: d\nquestions:\n  - {id: q0, type: short, prompt: Q?, answer: A}\n", encoding="utf-8")
    store = Store(tmp_path / "scores", "ana")
    log_answer(store, "d/q0", 4, utc(2026, 1, 1, 15))  # Easy at 15:00 UTC: due days later, at 15:00
    due = replay_log(store.logs(), Scheduler(Settings()), folder=None).states["d/q0"].card.due
    assert (due.hour, due.minute) == (15, 0)
    monkeypatch.setattr("quiz.core.scheduling.utc_now", lambda: due - timedelta(hours=3))  # 12:00 that day

    def due_now() -> int:
        out, err = io.StringIO(), io.StringIO()
        argv = ["decks", "--json", "--questions", str(bank), "--scores", str(tmp_path / "scores"), "--learner", "ana"]
        assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
        return int(json.loads(out.getvalue())[0]["due"])

    assert due_now() == 1  # the day starts at 4: 15:00 is later today, so due now
    assert main(["config", "day_starts_at", "13"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    assert due_now() == 0  # the learner's day now ends at 13:00: 15:00 is tomorrow
