"""True retention and calibration: counted from reviews of learned questions, in the learner's days."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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
