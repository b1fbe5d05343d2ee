"""Exam plans: 200 new questions and an exam 10 days away; a drill with an exam date follows the plan."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

from quiz.cli import main
from quiz.core.days import Days
from quiz.core.plan import REVIEW_ONLY_DAYS, exam_due, make_plan
from quiz.core.scheduling import Scheduler, Settings, State
from quiz.core.session import Session
from quiz.core.store import Store
from tests.core.test_session import Clock, log_answer, numbered

NOW = datetime(2027, 1, 10, 9, tzinfo=UTC)  # a Sunday morning
EXAM = date(2027, 1, 20)  # 10 days away
DAYS = Days(4, UTC)
SETTINGS = Settings(fuzzing=False)


def test_plan_for_200_new_questions_and_an_exam_in_10_days() -> None:
    scheduler = Scheduler(SETTINGS)
    keys = [f"d/q{i}" for i in range(200)]
    plan = make_plan(keys, {}, scheduler, DAYS, NOW, EXAM)
    assert [d.day for d in plan.days] == [date(2027, 1, 10) + timedelta(days=n) for n in range(10)]
    assert sum(d.new for d in plan.days) == 200
    # Everything new is introduced before the last review-only days...
    assert all(d.new == 0 for d in plan.days[-REVIEW_ONLY_DAYS:])
    assert all(d.new > 0 for d in plan.days[:-REVIEW_ONLY_DAYS])
    # ...and every question is at or above desired retention on the exam day.
    assert plan.ready == 200 == plan.questions == plan.unseen
    # 200 over 7 days is 29 a day: more than the default 20 new a day, which the plan flags.
    assert plan.days[0].new == 29 and plan.days[0].over_new
    assert plan.over_limits
    # Each question gets its same-day learning step and at least one review on a later day.
    assert sum(d.reviews for d in plan.days) >= 2 * 200
    assert plan.days[REVIEW_ONLY_DAYS * -1].reviews > 0
    # With higher limits, nothing is flagged.
    relaxed = make_plan(keys, {}, Scheduler(Settings(fuzzing=False, new_per_day=40)), DAYS, NOW, EXAM)
    assert not relaxed.over_limits


def test_a_review_due_after_the_exam_is_brought_before_it(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    for back in (60, 50, 20):
        log_answer(store, "d/q0", 3, NOW - timedelta(days=back))  # learned, next due weeks away
    scheduler = Scheduler(SETTINGS)
    session = Session(numbered(1), store, SETTINGS, clock=Clock(NOW), days=DAYS)
    card = session.states["d/q0"].card
    assert card.state == State.Review and card.due > DAYS.start_of(EXAM)
    window = DAYS.start_of(EXAM - timedelta(days=REVIEW_ONLY_DAYS))
    assert exam_due(card, scheduler, DAYS, EXAM) == window
    # A drill when the review-only days begin asks it; without the exam date it would wait.
    then = window + timedelta(hours=2)
    assert Session(numbered(1), store, SETTINGS, clock=Clock(then), days=DAYS, exam=EXAM).size == 1
    assert Session(numbered(1), store, SETTINGS, clock=Clock(then), days=DAYS).size == 0
    # The day before: not yet.
    assert Session(numbered(1), store, SETTINGS, clock=Clock(then - timedelta(days=1)), days=DAYS, exam=EXAM).size == 0
    # Once reviewed in those days, its next review may fall after the exam.
    log_answer(store, "d/q0", 3, then)
    after = Session(numbered(1), store, SETTINGS, clock=Clock(then), days=DAYS).states["d/q0"].card
    assert exam_due(after, scheduler, DAYS, EXAM) == after.due


def test_a_drill_with_an_exam_introduces_enough_new_questions(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    plain = Session(numbered(200), store, SETTINGS, clock=Clock(NOW), days=DAYS)
    assert plain.size == 20
    planned = Session(numbered(200), store, SETTINGS, clock=Clock(NOW), days=DAYS, exam=EXAM)
    assert planned.size == 29  # the plan's first day


def test_plan_command_prints_the_days_and_warns_over_limits(tmp_path: Path) -> None:
    bank = {
        "deck": "d",
        "questions": [{"id": f"q{i}", "type": "short", "prompt": f"Q{i}?", "answer": "a"} for i in range(50)],
    }
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(bank))
    exam = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    out, err = io.StringIO(), io.StringIO()
    argv = ["plan", "--exam", exam, "--questions", str(tmp_path), "--scores", str(tmp_path / "s"), "--learner", "ana"]
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    text = out.getvalue()
    assert "50 questions, 50 not seen yet" in text
    assert "Warning: the plan asks more than your daily limits" in text
    out = io.StringIO()
    assert main([*argv, "--json"], stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    assert sum(day["new"] for day in data["days"]) == 50 and data["ready"] == 50
    past = io.StringIO()
    code = main(["plan", "--exam", "2000-01-01", "--questions", str(tmp_path)], stdout=io.StringIO(), stderr=past)
    assert code == 2 and "is not after today" in past.getvalue()


def test_the_exam_date_setting_is_followed_and_the_flag_overrides_it(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    settings = replace(SETTINGS, exam_date=EXAM)
    planned = Session(numbered(200), store, settings, clock=Clock(NOW), days=DAYS)
    assert (planned.size, planned.exam_plan) == (29, EXAM)  # as `--exam 2027-01-20` would
    # `--exam` on the command line wins over the setting: a far exam asks no more than the daily limit.
    far = date(2027, 12, 1)
    flagged = Session(numbered(200), store, settings, clock=Clock(NOW), days=DAYS, exam=far)
    assert (flagged.size, flagged.exam_plan) == (20, far)
    # An exam date that has come is no plan: an ordinary drill.
    passed = Session(numbered(200), store, replace(SETTINGS, exam_date=date(2027, 1, 10)), clock=Clock(NOW), days=DAYS)
    assert (passed.size, passed.exam_plan) == (20, None)
    # Practice never follows a plan.
    practice = Session(numbered(5), store, settings, mode="practice", clock=Clock(NOW), days=DAYS, decks=["d"])
    assert practice.exam_plan is None


def test_plan_without_exam_uses_the_exam_date_setting(tmp_path: Path) -> None:
    bank = {
        "deck": "d",
        "questions": [{"id": f"q{i}", "type": "short", "prompt": f"Q{i}?", "answer": "a"} for i in range(9)],
    }
    (tmp_path / "d.yaml").write_text(yaml.safe_dump(bank))
    argv = ["plan", "--json", "--questions", str(tmp_path), "--scores", str(tmp_path / "s"), "--learner", "ana"]
    err = io.StringIO()
    assert main(argv, stdout=io.StringIO(), stderr=err) == 2
    assert (
        "give the exam day with --exam YYYY-MM-DD, or set it once with `quiz config exam_date DATE`" in err.getvalue()
    )
    exam = (datetime.now(UTC) + timedelta(days=6)).date().isoformat()
    assert main(["config", "exam_date", exam], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    out = io.StringIO()
    assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    assert json.loads(out.getvalue())["exam"] == exam
    later = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    out = io.StringIO()
    assert main([*argv, "--exam", later], stdout=out, stderr=err) == 0  # the flag wins
    assert json.loads(out.getvalue())["exam"] == later
