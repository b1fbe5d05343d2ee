"""Cram: practice that is logged and counted but never moves the long-term schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quiz.core.history import build_history
from quiz.core.replayer import replay
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import Session
from quiz.core.store import Store, iter_records
from tests.core.test_session import Clock, log_answer, numbered

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PLAIN = Settings(fuzzing=False)


def learned(tmp_path: Path, n: int = 4) -> Store:
    """`n` questions answered Easy twice a week ago: learned, due days from now."""
    store = Store(tmp_path, "ana")
    for i in range(n):
        log_answer(store, f"d/q{i}", 4, T0 - timedelta(days=7))
    return store


def dues(store: Store) -> dict[str, datetime]:
    states = replay(iter_records(store.path), Scheduler(PLAIN))
    return {key: state.card.due for key, state in states.items()}


def test_cram_answers_leave_due_dates_unchanged(tmp_path: Path) -> None:
    store = learned(tmp_path)
    before = dues(store)
    assert all(due > T0 for due in before.values())  # none is due: practising them is cram by default
    clock = Clock(T0)
    session = Session(numbered(4), store, PLAIN, mode="practice", clock=clock)
    for i in range(4):
        clock.advance(seconds=30)
        feedback = session.answer("right" if i % 2 else "wrong")
        assert feedback.cram
        assert feedback.due == before[feedback.question.key]  # shown as "schedule unchanged"
        session.next()
    # Still the same due dates: live, and replayed from the log afterwards.
    assert {key: state.card.due for key, state in session.states.items()} == before
    assert dues(store) == before
    records = [r for r in iter_records(store.path) if r["kind"] == "answer"]
    assert [r["mode"] for r in records[4:]] == ["cram"] * 4
    # History counts them.
    history = build_history(iter_records(store.path), numbered(4), now=T0 + timedelta(hours=1), settings=PLAIN)
    assert history.answers == 8
    assert sum(cell.count for cell in history.days) == 8


def test_a_missed_cram_question_comes_back_once(tmp_path: Path) -> None:
    store = learned(tmp_path, 2)
    clock = Clock(T0)
    session = Session(numbered(2), store, PLAIN, mode="practice", clock=clock)
    asked = []
    while session.current is not None:
        asked.append(session.current.question.key)
        session.answer("wrong")
        clock.advance(seconds=10)
        session.next()
    assert asked == ["d/q0", "d/q1", "d/q0", "d/q1"]  # each once more, then done


def test_practice_reschedules_due_and_new_questions_but_crams_the_rest(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    log_answer(store, "d/q0", 3, T0 - timedelta(days=30))  # long overdue
    log_answer(store, "d/q1", 4, T0 - timedelta(hours=2))  # not due for days
    before = dues(store)
    clock = Clock(T0)
    session = Session(numbered(3), store, PLAIN, mode="practice", clock=clock)
    modes = {}
    while session.current is not None:
        feedback = session.answer("right")
        modes[feedback.question.key] = feedback.cram
        session.next()
    assert modes == {"d/q0": False, "d/q1": True, "d/q2": False}
    after = dues(store)
    assert after["d/q0"] != before["d/q0"]  # a real review
    assert after["d/q1"] == before["d/q1"]  # cram
    assert "d/q2" in after  # introduced
    answers = [r for r in iter_records(store.path) if r["kind"] == "answer"][2:]
    assert [r["mode"] for r in answers] == ["practice", "cram", "practice"]


def test_cram_flag_crams_due_questions_too_and_reschedule_crams_none(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    log_answer(store, "d/q0", 3, T0 - timedelta(days=30))  # due
    log_answer(store, "d/q1", 4, T0 - timedelta(hours=2))  # not due
    before = dues(store)
    session = Session(numbered(2), store, PLAIN, mode="practice", clock=Clock(T0), cram=True)
    assert [session.answer("right").cram, session.next() and session.answer("right").cram] == [True, True]
    assert dues(store) == before
    session = Session(numbered(2), store, PLAIN, mode="practice", clock=Clock(T0), cram=False)
    session.answer("right")
    session.next()
    assert not session.answer("right").cram
    assert dues(store)["d/q1"] != before["d/q1"]


def test_undo_and_rerate_of_a_cram_answer(tmp_path: Path) -> None:
    store = learned(tmp_path, 1)
    before = dues(store)
    session = Session(numbered(1), store, PLAIN, mode="practice", clock=Clock(T0), cram=True)
    session.answer("right")
    feedback = session.rerate(4)
    assert feedback.rating == 4 and feedback.cram and feedback.due == before["d/q0"]
    session.undo()
    assert session.current is not None and session.current.question.key == "d/q0"
    assert dues(store) == before
    kinds = [r["kind"] for r in iter_records(store.path)]
    assert kinds[-3:] == ["answer", "rerate", "undo"]


def test_only_practice_can_cram(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="only practice"):
        Session(numbered(1), Store(tmp_path, "ana"), PLAIN, mode="drill", cram=True)


def test_practice_command_line_takes_cram_or_reschedule() -> None:
    from quiz.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["practice", "--deck", "d", "--cram"]).cram is True
    assert parser.parse_args(["practice", "--deck", "d", "--reschedule"]).cram is False
    assert parser.parse_args(["practice", "--deck", "d"]).cram is None
