"""History and class-report figures, from hand-written logs and a fixed clock."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from quiz.core.class_logs import find_learner_logs
from quiz.core.days import Days
from quiz.core.history import (
    HEATMAP_DAYS,
    LearnerHistory,
    build_history,
    load_history,
    response_text,
)
from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.scheduling import Scheduler
from quiz.core.store import iter_records

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # a Tuesday


def choice(deck: str, qid: str, tags: tuple[str, ...] = ()) -> ChoiceQuestion:
    return ChoiceQuestion(deck=deck, id=qid, prompt=f"Prompt {qid}?", choices=("A", "B", "C"), answer="A", tags=tags)


def library() -> Library:
    geo = Bank(
        deck="geo",
        title="Geography",
        questions=(
            choice("geo", "q1", ("europe",)),
            choice("geo", "q2", ("europe",)),
            choice("geo", "q3"),
            choice("geo", "q4", ("asia",)),
        ),
    )
    return Library((geo,))


def answer(
    key: str,
    when: datetime,
    correct: bool,
    *,
    response: Any = None,
    rating: int | None = None,
    elapsed: float | None = 3.0,
    session: str = "s1",
    mode: str = "drill",
    qtype: str = "choice",
    rid: str | None = None,
) -> dict[str, Any]:
    """One answer record exactly as the architecture's record format lays it out."""
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": rid or uuid.uuid4().hex,
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
        "type": qtype,
        "response": response if response is not None else ("A" if correct else "B"),
        "correct": correct,
        "rating": rating if rating is not None else (3 if correct else 1),
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": elapsed,
        "session": session,
        "mode": mode,
    }


def amend(kind: str, ref: str, key: str, when: datetime, rating: int | None = None) -> dict[str, Any]:
    record: dict[str, Any] = {
        "v": 1,
        "app": "0.1.0",
        "kind": kind,
        "id": uuid.uuid4().hex,
        "ref": ref,
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
    }
    if rating is not None:
        record["rating"] = rating
    record["session"] = "s1"
    return record


def write_log(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return path


def history_of(tmp_path: Path, records: list[dict[str, Any]], days: Days | None = None) -> LearnerHistory:
    path = write_log(tmp_path / "ana" / "reviews.jsonl", records)
    return build_history(iter_records(path), library(), now=NOW, learner="ana", days=days)


DAY = timedelta(days=1)


def test_heatmap_counts_answers_per_learner_day(tmp_path: Path) -> None:
    march2 = datetime(2026, 3, 2, 9, tzinfo=UTC)
    # 01:30 UTC on the 4th, written with a New York offset: the zone it was written in does not matter
    late_on_march3_elsewhere = datetime(2026, 3, 4, 1, 30, tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    records = [
        answer("geo/q1", march2, True),
        answer("geo/q2", march2 + timedelta(hours=3), False),
        answer("geo/q3", march2 + timedelta(hours=14, minutes=59), True),  # 23:59 UTC
        answer("geo/q1", late_on_march3_elsewhere, True),
        answer("geo/q1", NOW - 300 * DAY, True),  # older than the heatmap
    ]
    # Midnight UTC days: the 01:30 answer is on the 4th.
    history = history_of(tmp_path, records, Days(0, UTC))
    assert len(history.days) == HEATMAP_DAYS
    assert history.days[-1].day == date(2026, 3, 10)
    by_day = {cell.day: cell for cell in history.days}
    assert (by_day[date(2026, 3, 2)].count, by_day[date(2026, 3, 2)].right) == (3, 2)
    assert by_day[date(2026, 3, 3)].count == 0
    assert by_day[date(2026, 3, 4)].count == 1
    assert sum(cell.count for cell in history.days) == 4
    assert history.answers == 5
    # The default day starts at 4 am local time (UTC here): 01:30 still belongs to the 3rd.
    by_day = {cell.day: cell for cell in history_of(tmp_path, records).days}
    assert (by_day[date(2026, 3, 3)].count, by_day[date(2026, 3, 4)].count) == (1, 0)
    # A learner in New York whose day starts at midnight: 23:59 UTC is 18:59 on the 2nd, 01:30 UTC is the 3rd.
    by_day = {cell.day: cell for cell in history_of(tmp_path, records, Days(0, ZoneInfo("America/New_York"))).days}
    assert (by_day[date(2026, 3, 2)].count, by_day[date(2026, 3, 3)].count, by_day[date(2026, 3, 4)].count) == (3, 1, 0)


def test_accuracy_per_iso_week(tmp_path: Path) -> None:
    sunday = datetime(2026, 3, 8, 20, tzinfo=UTC)  # ISO week 10
    monday = datetime(2026, 3, 9, 8, tzinfo=UTC)  # ISO week 11
    records = [
        answer("geo/q1", sunday, True),
        answer("geo/q2", sunday, False),
        answer("geo/q3", sunday, True),
        answer("geo/q4", sunday, True),
        answer("geo/q1", monday, False),
    ]
    weeks = history_of(tmp_path, records).weeks
    assert [(w.label, w.answers, w.right) for w in weeks] == [
        ("2026-W10", 4, 3),
        ("2026-W11", 1, 0),
    ]
    assert weeks[0].accuracy == 0.75
    assert weeks[0].start == date(2026, 3, 2)


def mature_run(key: str) -> list[dict[str, Any]]:
    """Good answers spaced far apart: FSRS stability grows past 21 days."""
    offsets = (200, 197, 185, 150, 90)
    return [answer(key, NOW - days * DAY, True, session=f"m{days}") for days in offsets]


def test_mastery_and_new_learning_mature(tmp_path: Path) -> None:
    records = [
        *mature_run("geo/q1"),
        answer("geo/q2", NOW - 3 * DAY, False),  # Again: learning, recall long gone
    ]
    history = history_of(tmp_path, records)
    scheduler = Scheduler()
    q1 = history.question_history("geo/q1")
    q2 = history.question_history("geo/q2")
    # The figures rest on these FSRS facts; check them rather than trust them.
    assert q1.stability is not None and q1.stability >= 21
    assert q1.recall >= 0.9 > q2.recall
    assert q1.recall == pytest.approx(scheduler.retrievability(history._states["geo/q1"].card, NOW))

    deck = history.decks[0]
    assert (deck.name, deck.title, deck.total) == ("geo", "Geography", 4)
    assert (deck.new, deck.learning, deck.mature) == (2, 1, 1)
    assert deck.mastered == 1
    assert deck.mastery == 0.25

    tags = {group.name: group for group in history.tags}
    assert list(tags) == ["asia", "europe"]
    assert (tags["europe"].total, tags["europe"].mastery) == (2, 0.5)
    assert (tags["asia"].new, tags["asia"].mastery) == (1, 0.0)
    assert history.mastery == 0.25


def test_forecast_counts_due_days_with_overdue_today(tmp_path: Path) -> None:
    records = [
        answer("geo/q2", NOW - 3 * DAY, False),  # due minutes later: overdue now
        answer("geo/q3", NOW - timedelta(hours=1), True, rating=4),  # Easy: due in days
    ]
    history = history_of(tmp_path, records)
    assert len(history.forecast) == 30
    assert history.forecast[0].day == NOW.date()
    assert history.forecast[0].count == 1
    due_q3 = history.question_history("geo/q3").due
    assert due_q3 is not None
    offset = (due_q3.date() - NOW.date()).days
    assert 1 <= offset < 30
    assert history.forecast[offset].count == 1
    assert sum(day.count for day in history.forecast) == 2


def test_sessions_listed_with_start_end_answers_right_mode(tmp_path: Path) -> None:
    start = NOW - 2 * DAY
    records = [
        answer("geo/q1", start, True, session="aaa"),
        answer("geo/q2", start + timedelta(minutes=5), False, session="aaa"),
        answer("geo/q3", start + timedelta(minutes=9), True, session="aaa"),
        answer("geo/q1", NOW - DAY, True, session="bbb", mode="exam"),
    ]
    sessions = history_of(tmp_path, records).sessions
    assert [(s.session, s.answers, s.right, s.mode) for s in sessions] == [
        ("aaa", 3, 2, "drill"),
        ("bbb", 1, 1, "exam"),
    ]
    assert sessions[0].start == start
    assert sessions[0].end == start + timedelta(minutes=9)


def test_undo_and_rerate_as_the_replay_sees_them(tmp_path: Path) -> None:
    first = answer("geo/q1", NOW - DAY, False, response="C", rid="a1")
    undone = answer("geo/q1", NOW - DAY + timedelta(minutes=1), True, rid="a2")
    rerated = answer("geo/q1", NOW - DAY + timedelta(minutes=2), True, rid="a3")
    records = [
        first,
        undone,
        amend("undo", "a2", "geo/q1", NOW - DAY + timedelta(minutes=1, seconds=5)),
        rerated,
        amend("rerate", "a3", "geo/q1", NOW - DAY + timedelta(minutes=2, seconds=5), rating=4),
    ]
    history = history_of(tmp_path, records)
    assert history.answers == 2
    assert history.right == 1
    assert history.sessions[0].answers == 2
    detail = history.question_history("geo/q1")
    assert [(e.correct, e.rating, response_text(e.response)) for e in detail.answers] == [
        (False, 1, "C"),
        (True, 4, "A"),
    ]
    assert history.questions[0].answers == 2  # the replay agrees


def test_question_history_in_time_order_and_unanswered_question(tmp_path: Path) -> None:
    later = answer("geo/q1", NOW - DAY, True, elapsed=None)
    earlier = answer("geo/q1", NOW - 2 * DAY, False, elapsed=7.5)
    history = history_of(tmp_path, [later, earlier])  # written out of order
    detail = history.question_history("geo/q1")
    assert [e.time for e in detail.answers] == [NOW - 2 * DAY, NOW - DAY]
    assert [e.elapsed for e in detail.answers] == [7.5, None]
    assert detail.question is not None and detail.question.prompt == "Prompt q1?"
    assert 0 < detail.recall <= 1
    nothing = history.question_history("geo/q4")
    assert (nothing.answers, nothing.recall, nothing.status) == ((), 0.0, "new")


def test_unknown_questions_are_reported_not_fatal(tmp_path: Path) -> None:
    records = [
        answer("geo/q1", NOW - DAY, True),
        answer("gone/x", NOW - DAY, True),
        answer("gone/x", NOW - DAY + timedelta(minutes=1), False),
        answer("gone/y", NOW - DAY, True),
    ]
    history = history_of(tmp_path, records)
    assert history.unknown.answers == 3
    assert history.unknown.questions == 2
    assert history.unknown.message().startswith("3 answers to 2 questions no longer in the banks")
    assert [q.key for q in history.questions] == ["geo/q1", "gone/x", "gone/y"]
    assert history.questions[1].prompt is None
    assert history.answers == 4  # the heatmap still counts them


def test_empty_and_missing_log(tmp_path: Path) -> None:
    history = load_history(tmp_path, "nobody", library(), now=NOW)
    assert history.answers == 0
    assert history.sessions == () and history.questions == () and history.weeks == ()
    assert sum(day.count for day in history.days) == 0
    assert history.decks[0].new == 4
    assert history.mastery == 0.0


def test_torn_line_becomes_a_warning(tmp_path: Path) -> None:
    path = write_log(tmp_path / "ana" / "reviews.jsonl", [answer("geo/q1", NOW - DAY, True)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"v":1,"kind":"answer","id":"tor')
    history = load_history(tmp_path, "ana", library(), now=NOW)
    assert history.answers == 1
    assert len(history.warnings) == 1 and "line 2" in history.warnings[0]


def test_response_text_renders_every_response_shape() -> None:
    assert response_text("Paris") == "Paris"
    assert response_text(True) == "true"
    assert response_text(["b", "a"]) == "b | a"
    assert response_text({"x": "1"}) == "x → 1"
    assert response_text(3) == "3"


# --------------------------------------------------------------------------- class report
# (the figures: tests/core/test_class_report.py)


def test_find_learner_logs_reports_empty_folders(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    logs, problems = find_learner_logs([tmp_path / "empty", tmp_path / "missing"])
    assert logs == []
    assert len(problems) == 2 and "no such folder" in problems[1]


def test_records_that_broke_the_history_are_skipped_with_warnings(tmp_path: Path) -> None:
    path = write_log(
        tmp_path / "ana" / "reviews.jsonl",
        [
            answer("geo/q1", NOW - DAY, True, rid="a1"),
            answer("geo/q1", NOW - DAY, True) | {"time": "9999-12-31T23:59:59+00:00"},
            amend("undo", "a1", "geo/q1", NOW - DAY) | {"ref": ["a1"]},
        ],
    )
    assert path.exists()
    history = load_history(tmp_path, "ana", library(), now=NOW)
    assert history.answers == 1
    assert [w.split(": ", 1)[1][:6] for w in history.warnings] == ["line 2", "line 3"]


def test_an_undo_reaches_only_the_latest_answers_as_in_the_replay(tmp_path: Path) -> None:
    records = [answer("geo/q2", NOW - 40 * DAY + n * DAY / 2, n % 3 != 0, rid=f"r{n}") for n in range(40)]
    records.append(amend("undo", "r2", "geo/q2", NOW - DAY))  # too old: held back no more
    records.append(amend("undo", "r39", "geo/q2", NOW - DAY))
    records.append(amend("rerate", "r38", "geo/q2", NOW - DAY, rating=4))
    history = history_of(tmp_path, records)
    assert history.answers == 39
    assert history.questions[0].answers == 39  # the replay agrees
    ratings = [entry.rating for entry in history.question_history("geo/q2").answers]
    assert len(ratings) == 39 and ratings[-1] == 4
