"""True retention and calibration: counted from reviews of learned questions, in the learner's days."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.cli.numbers import calibration_chart, retention_table
from quiz.core.days import Days
from quiz.core.retention import review_stats
from quiz.core.scheduling import Scheduler, Settings
from tests.core.test_optimizer import TRUE_PARAMETERS, synthetic_learner, write_log

DAYS = Days(4, UTC)
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def answer(key: str, when: datetime, rating: int, mode: str = "drill", ident: str | None = None) -> dict[str, Any]:
    return {"v": 1, "kind": "answer", "id": ident or f"{key}-{when.isoformat()}", "time": when.isoformat(),
            "key": key, "rating": rating, "correct": rating > 1, "mode": mode}  # fmt: skip


def test_counts_reviews_of_learned_questions_by_period() -> None:
    records = [
        answer("d/a", NOW - timedelta(days=40), 3),
        answer("d/a", NOW - timedelta(days=40, minutes=-10), 3),  # learning step: not a review of a learned question
        answer("d/a", NOW - timedelta(days=20), 3),  # a passed young review, 20 days ago
        answer("d/a", NOW - timedelta(hours=1), 1),  # failed today
        answer("d/b", NOW - timedelta(days=3), 4),  # Easy: learned at once
        answer("d/b", NOW - timedelta(days=1), 3),  # passed this week
        answer("d/b", NOW - timedelta(hours=2), 3, mode="cram"),  # cram is not a review
    ]
    stats = review_stats(records, Scheduler(Settings(fuzzing=False)), DAYS, NOW)
    rows = {row.period: row for row in stats.retention}
    today, week, month = rows["today"], rows["week"], rows["month"]
    assert today.young_passed + today.mature_passed == 0
    assert today.young_total + today.mature_total == 1
    assert week.young_passed + week.mature_passed == 1 and week.young_total + week.mature_total == 2
    assert month.young_total + month.mature_total == 3
    assert stats.reviews == 3
    assert "0% of 1" in retention_table(stats).splitlines()[1]  # the today row


def test_calibration_is_closer_with_the_learners_true_parameters() -> None:
    records = synthetic_learner(cards=200)
    now = datetime(2026, 8, 1, tzinfo=UTC)

    def error(settings: Settings) -> float:
        stats = review_stats(records, Scheduler(settings), DAYS, now)
        return sum(abs(b.predicted - b.observed) * b.reviews for b in stats.calibration) / stats.reviews

    assert error(Settings(fuzzing=False, parameters=tuple(TRUE_PARAMETERS))) < error(Settings(fuzzing=False))
    chart = calibration_chart(review_stats(records, Scheduler(Settings()), DAYS, now))
    assert "reviews)" in chart and "█" in chart


def test_history_command_prints_both(tmp_path: Path) -> None:
    write_log(tmp_path / "ana", synthetic_learner(cards=20))
    out, err = io.StringIO(), io.StringIO()
    code = main(["history", "--scores", str(tmp_path), "--learner", "ana"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert "True retention" in out.getvalue() and "Calibration" in out.getvalue()


def test_history_json_has_true_retention_calibration_and_the_30_day_forecast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values checked against a log built by hand (see each line's comment)."""
    day = timedelta(days=1)
    records = [
        answer("d/a", NOW - 10 * day, 4, ident="r1"),  # Easy: learned at once (an interval of about 8 days: young)
        answer("d/a", NOW - timedelta(hours=1), 1, ident="r2"),  # today: a young review failed
        answer("d/b", NOW - 3 * day, 4, ident="r3"),
        answer("d/b", NOW - day, 3, ident="r4"),  # this week: a young review passed
        answer("d/b", NOW - timedelta(minutes=20), 1, ident="oops"),
        {"v": 1, "kind": "undo", "id": "u1", "ref": "oops", "time": NOW.isoformat(), "key": "d/b"},  # undone
        answer("d/c", NOW - 400 * day, 4, ident="r5"),
        answer("d/c", NOW - 200 * day, 3, ident="r6"),  # this year: a young review passed (long overdue)
        answer("d/c", NOW - 2 * day, 3, ident="r7"),  # this week: a mature review passed (an interval of months)
        answer("d/c", NOW - timedelta(minutes=30), 1, mode="cram", ident="r8"),  # cram: not a review
    ]
    write_log(tmp_path / "ana", records)
    bank = tmp_path / "d.yaml"
    bank.write_text(
        "deck: d\nquestions:\n"
        + "".join(f"  - {{id: {q}, type: short, prompt: Question {q}?, answer: {q}}}\n" for q in "abc"),
        encoding="utf-8",
    )
    monkeypatch.setattr("quiz.core.scheduling.utc_now", lambda: NOW)
    out, err = io.StringIO(), io.StringIO()
    argv = ["history", "--json", "--scores", str(tmp_path), "--learner", "ana", "--questions", str(bank)]
    code = main(argv, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    data = json.loads(out.getvalue())
    assert data["warnings"] == [] and data["answers"] == 8  # cram counted in history, the undone one not
    periods = {row["period"]: row for row in data["true_retention"]["periods"]}
    assert data["true_retention"]["mature_days"] == 21
    assert [(name, row["days"]) for name, row in periods.items()] == [
        ("today", 1),
        ("week", 7),
        ("month", 30),
        ("year", 365),
    ]

    def figures(row: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int]]:
        return (row["young"]["passed"], row["young"]["reviews"]), (row["mature"]["passed"], row["mature"]["reviews"])

    assert figures(periods["today"]) == ((0, 1), (0, 0))
    assert figures(periods["week"]) == ((1, 2), (1, 1))
    assert figures(periods["month"]) == ((1, 2), (1, 1))
    assert figures(periods["year"]) == ((2, 3), (1, 1))
    assert periods["week"]["all"] == {"passed": 2, "reviews": 3, "retention": pytest.approx(2 / 3)}
    assert periods["today"]["mature"]["retention"] is None  # no reviews: no share, not 0%
    # Calibration: the 4 reviews of learned questions, binned by predicted recall.
    calibration = data["calibration"]
    assert calibration["reviews"] == 4 == sum(b["reviews"] for b in calibration["bins"])
    assert round(sum(b["observed"] * b["reviews"] for b in calibration["bins"])) == 3  # 3 passed
    for b in calibration["bins"]:
        assert b["low"] <= b["predicted"] < b["high"] or b["high"] == 1.0
    # The forecast: 30 learner days from today; d/a, missed an hour ago, is due again today.
    forecast = data["forecast"]
    assert [f["date"] for f in forecast] == [(NOW.date() + n * day).isoformat() for n in range(30)]
    assert forecast[0]["due"] == 1
    # d/c, passed two days ago after a long interval, is due months from now: beyond the forecast.
    assert sum(f["due"] for f in forecast) <= 2
