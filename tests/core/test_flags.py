"""Leeches, suspend, bury and undo: records in the log, honoured by the next session and by history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.core.days import Days
from quiz.core.flags import flag_record
from quiz.core.history import build_history
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import Session
from quiz.core.store import Store, iter_records
from tests.core.test_session import Clock, log_answer, numbered

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SETTINGS = Settings(fuzzing=False, leech_threshold=3)
DAYS = Days(4, UTC)


def session(store: Store, at: datetime, mode: str = "drill", n: int = 3) -> Session:
    return Session(numbered(n), store, SETTINGS, mode=mode, clock=Clock(at), days=DAYS)  # type: ignore[arg-type]


def asked(store: Store, at: datetime, mode: str = "drill", n: int = 3) -> list[str]:
    s = session(store, at, mode, n)
    keys = []
    while s.current is not None:
        keys.append(s.current.question.key)
        s.answer("right")
        s.next()
    return keys


def test_a_question_missed_threshold_times_is_a_leech(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    log_answer(store, "d/q0", 1, T0 - timedelta(days=3))
    log_answer(store, "d/q0", 1, T0 - timedelta(days=2))
    s = session(store, T0, n=1)
    first = s.answer("wrong")  # the third miss
    assert first.leech
    history = build_history(iter_records(store.path), numbered(1), now=T0 + timedelta(hours=1), settings=SETTINGS)
    assert [q.key for q in history.questions if q.leech] == ["d/q0"]
    # Threshold 0: never a leech.
    history = build_history(
        iter_records(store.path), numbered(1), now=T0 + timedelta(hours=1), settings=Settings(leech_threshold=0)
    )
    assert not any(q.leech for q in history.questions)


def test_suspend_leaves_a_question_out_until_unsuspended(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    s = session(store, T0)
    assert s.current is not None and s.current.question.key == "d/q0"
    s.answer("wrong")
    s.suspend(reason="leech")
    assert s.next() is not None and s.current is not None and s.current.question.key == "d/q1"
    while s.current is not None:
        s.answer("right")
        s.next()
    record = next(r for r in iter_records(store.path) if r["kind"] == "suspend")
    assert (record["key"], record["reason"]) == ("d/q0", "leech")
    # Days later: never asked, in drill, practice or exam.
    later = T0 + timedelta(days=30)
    assert "d/q0" not in asked(store, later)
    assert "d/q0" not in asked(store, later, "practice")
    history = build_history(iter_records(store.path), numbered(3), now=later, settings=SETTINGS, days=DAYS)
    assert [q.key for q in history.questions if q.suspended] == ["d/q0"]
    # Unsuspended (as the history screen does): back in the drill.
    store.append(flag_record("unsuspend", "ana", "d/q0", later))
    assert "d/q0" in asked(store, later)


def test_bury_leaves_a_question_out_until_the_next_day(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    s = session(store, T0)
    s.answer("wrong")  # d/q0 would come back in a minute
    s.bury()
    s.next()
    while s.current is not None:
        assert s.current.question.key != "d/q0"
        s.answer("right")
        s.next()
    bury = next(r for r in iter_records(store.path) if r["kind"] == "bury")
    assert datetime.fromisoformat(bury["until"]) == datetime(2026, 3, 3, 4, tzinfo=UTC)
    # Later the same day: still buried; after 4 am the next day, due again.
    assert "d/q0" not in asked(store, T0 + timedelta(hours=5))
    assert "d/q0" in asked(store, datetime(2026, 3, 3, 4, 0, tzinfo=UTC))


def test_undo_after_suspend_cancels_both(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    s = session(store, T0)
    s.answer("wrong")
    s.suspend()
    s.next()
    presented = s.undo()
    assert presented is not None and presented.question.key == "d/q0"
    assert not s.flags.is_suspended("d/q0")
    kinds = [r["kind"] for r in iter_records(store.path)]
    assert kinds == ["answer", "suspend", "undo", "undo"]
    # A fresh replay agrees: nothing suspended, no answer.
    replayer = Replayer(Scheduler(SETTINGS))
    replayer.feed_all(iter_records(store.path))
    assert replayer.finish() == {}
    assert not replayer.flags.suspended
    assert asked(store, T0 + timedelta(minutes=5))[0] == "d/q0"


def test_flags_survive_a_replay_snapshot(tmp_path: Path) -> None:
    from quiz.core import replay_cache

    store = Store(tmp_path, "ana")
    for i in range(3):
        log_answer(store, f"d/q{i}", 3, T0)
    store.append(flag_record("suspend", "ana", "d/q1", T0))
    store.append(flag_record("bury", "ana", "d/q2", T0, until=T0 + timedelta(days=1)))
    cache = tmp_path / "cache"
    replay_cache.MIN_NEW_LINES, old = 0, replay_cache.MIN_NEW_LINES
    try:
        replay_cache.replay_log(store.path, Scheduler(SETTINGS), folder=cache)
        restored = replay_cache.replay_log(store.path, Scheduler(SETTINGS), folder=cache)
    finally:
        replay_cache.MIN_NEW_LINES = old
    assert list((cache / "replay").iterdir())
    assert restored.flags.is_suspended("d/q1")
    assert restored.flags.is_buried("d/q2", T0 + timedelta(hours=1))
    assert not restored.flags.is_buried("d/q2", T0 + timedelta(days=2))


def test_a_leech_is_flagged_in_the_class_report(tmp_path: Path) -> None:
    from quiz.core.class_report import build_class_report

    for name, misses in (("ana", 3), ("bo", 1)):
        store = Store(tmp_path / "scores", name)
        for n in range(misses):
            log_answer(store, "d/q0", 1, T0 + timedelta(days=n))
    logs = [(name, tmp_path / "scores" / name) for name in ("ana", "bo")]
    report = build_class_report(logs, numbered(1), now=T0 + timedelta(days=5), settings=SETTINGS)
    (question,) = report.questions
    assert "a leech for 1 learner" in question.flags
