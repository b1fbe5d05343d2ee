"""The review log: names, durable appends, torn lines, concurrent writers, replay."""

from __future__ import annotations

import errno
import json
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from fsrs import Rating, State

from quiz.core.replayer import Replayer, replay
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.store import LearnerError, Store, StoreError, iter_records, validate_learner

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def answer(n: int, key: str = "d/q", rating: int = 3, when: datetime = T0, correct: bool = True) -> dict[str, Any]:
    """An answer record as the session writes it."""
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": f"a{n}",
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
        "type": "choice",
        "response": "Zoë",
        "correct": correct,
        "rating": rating,
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": 1.5,
        "session": "s1",
        "mode": "drill",
    }


def follow_up(kind: str, ref: str, key: str = "d/q", rating: int | None = None) -> dict[str, Any]:
    """A rerate or undo record referring to answer `ref`."""
    record: dict[str, Any] = {
        "v": 1,
        "app": "0.1.0",
        "kind": kind,
        "id": f"{kind}-{ref}",
        "ref": ref,
        "time": T0.isoformat(),
        "learner": "ana",
        "key": key,
    }
    if rating is not None:
        record["rating"] = rating
    record["session"] = "s1"
    return record


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "empty"),
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("/", "path separator"),
        (".", "names a folder"),
        ("..", "names a folder"),
        (" ana", "space"),
        ("ana\t", "space"),
        ("an\x07a", "control character"),
        ("an\x00a", "control character"),
        ("an\u200ba", "control character"),
        ("x" * 65, "most is 64"),
    ],
)
def test_unsafe_learner_names_are_refused(name: str, problem: str) -> None:
    with pytest.raises(LearnerError, match=problem):
        validate_learner(name)
    with pytest.raises(ValueError):
        Store(Path("scores"), name)


@pytest.mark.parametrize("name", ["ana", "Ana María", "李雷", "a.b", "x" * 64, "team-3_b"])
def test_ordinary_learner_names_are_accepted(name: str) -> None:
    assert validate_learner(name) == name


def test_append_writes_one_compact_line_and_creates_folders(tmp_path: Path) -> None:
    store = Store(tmp_path / "deep" / "scores", "ana")
    record = answer(1)
    store.append(record)
    raw = store.path.read_bytes()
    assert store.path == tmp_path / "deep" / "scores" / "ana" / "reviews.jsonl"
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    assert '"response":"Zoë"' in raw.decode("utf-8"), "non-ASCII kept, no spaces"
    assert list(json.loads(raw)) == list(record), "keys keep their order"
    assert store.read().records == [record]
    assert store.lock_path.exists()


def test_missing_log_reads_as_empty(tmp_path: Path) -> None:
    log = Store(tmp_path, "ana").read()
    assert log.records == [] and log.warnings == []


def test_torn_last_line_is_skipped_then_appends_start_a_new_line(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.append(answer(1))
    with open(store.path, "ab") as handle:
        handle.write(json.dumps(answer(2)).encode()[:40])  # a crash mid-write

    log = store.read()
    assert [r["id"] for r in log.records] == ["a1"]
    assert len(log.warnings) == 1
    assert "line 2 is incomplete" in log.warnings[0]
    assert "skipped" in log.warnings[0]

    store.append(answer(3))
    lines = store.path.read_bytes().split(b"\n")
    assert json.loads(lines[2])["id"] == "a3", "the new record starts on its own line"
    log = store.read()
    assert [r["id"] for r in log.records] == ["a1", "a3"]
    assert len(log.warnings) == 1 and "line 2" in log.warnings[0]


def test_bad_lines_anywhere_are_skipped_with_their_number(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.folder.mkdir(parents=True)
    lines = [
        json.dumps(answer(1)),
        "not json at all",
        json.dumps([1, 2]),
        json.dumps({k: v for k, v in answer(4).items() if k != "rating"}),
        json.dumps({**answer(5), "kind": "mystery"}),
        json.dumps({**answer(6), "time": "yesterday"}),
        json.dumps({**answer(7), "rating": 9}),
        "",
        json.dumps(answer(9)),
    ]
    store.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log = store.read()
    assert [r["id"] for r in log.records] == ["a1", "a9"]
    assert [w.split(": ", 1)[1].split(" ", 2)[1] for w in log.warnings] == [
        "2",
        "3",
        "4",
        "5",
        "6",
        "7",
    ]
    assert "'rating'" in log.warnings[2]


def test_iter_records_streams(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    for n in range(3):
        store.append(answer(n))
    stream = iter_records(store.path)
    assert next(stream)["id"] == "a0", "a generator, not a list"
    assert [r["id"] for r in stream] == ["a1", "a2"]


def _write_many(scores: str, worker: int, count: int) -> None:
    """Child process body: append `count` records."""
    store = Store(Path(scores), "ana")
    for n in range(count):
        store.append(answer(worker * 100_000 + n, key=f"d/q{worker}"))


def test_two_processes_never_interleave(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_write_many, args=(str(tmp_path), worker, 1000)) for worker in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    log = Store(tmp_path, "ana").read()
    assert log.warnings == []
    assert len(log.records) == 2000
    assert len({r["id"] for r in log.records}) == 2000


def test_a_file_in_the_way_becomes_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "scores"
    blocker.write_text("not a folder")
    store = Store(blocker, "ana")
    with pytest.raises(StoreError) as caught:
        store.append(answer(1))
    message = str(caught.value)
    assert message.startswith(f"Could not save your answer to {store.path}: ")
    assert "file is in the way" in message


def test_disk_full_becomes_a_store_error_and_nothing_is_written(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.append(answer(1))
    with (
        mock.patch("os.write", side_effect=OSError(errno.ENOSPC, "No space left on device")),
        pytest.raises(StoreError, match="disk full") as caught,
    ):
        store.append(answer(2))
    assert caught.value.errno == errno.ENOSPC
    assert isinstance(caught.value, OSError)
    assert [r["id"] for r in store.read().records] == ["a1"]


def test_short_write_is_reported(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    with (
        mock.patch("os.write", return_value=3),
        pytest.raises(StoreError, match="only 3 of"),
    ):
        store.append(answer(1))


def test_fsync_failure_is_not_swallowed(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    with (
        mock.patch("os.fsync", side_effect=OSError(errno.EIO, "I/O error")),
        pytest.raises(StoreError, match="input/output error"),
    ):
        store.append(answer(1))


def test_unreadable_log_becomes_a_store_error(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.path.mkdir(parents=True)  # a folder where the log should be
    with pytest.raises(StoreError, match="Could not read"):
        store.read()


SCHEDULER = Scheduler(Settings(fuzzing=False))


def test_replay_applies_rerates_and_drops_undos() -> None:
    later = T0 + timedelta(days=3)
    records = [
        answer(1, rating=1, correct=False),
        follow_up("rerate", "a1", rating=4),
        answer(2, when=later, rating=3),
        follow_up("undo", "a2"),
        answer(3, key="d/other"),
        follow_up("undo", "a3", key="d/other"),
        answer(4, key="d/again"),
        follow_up("undo", "a4", key="d/again"),
        answer(5, key="d/again", when=later),
    ]
    states = replay(iter(records), SCHEDULER)
    expected = SCHEDULER.review(SCHEDULER.new_card("d/q", T0), Rating.Easy, T0)
    assert states["d/q"].card == expected
    assert states["d/q"].answers == 1
    assert states["d/q"].correct == 0
    assert states["d/q"].last == T0
    assert "d/other" not in states, "a question whose only answer was undone is new"
    assert states["d/again"].answers == 1 and states["d/again"].first == later


def test_replay_orders_answers_of_a_question_by_time() -> None:
    later = T0 + timedelta(minutes=5)
    in_order = replay([answer(1, rating=1), answer(2, when=later)], SCHEDULER)
    swapped = replay([answer(2, when=later), answer(1, rating=1)], SCHEDULER)
    assert in_order["d/q"].card == swapped["d/q"].card


def test_replay_keeps_long_histories_linear_and_exact() -> None:
    when = T0
    records = []
    card = SCHEDULER.new_card("d/q", T0)
    for n in range(200):
        rating = 1 if n % 7 == 0 else 3
        records.append(answer(n, rating=rating, when=when))
        card = SCHEDULER.review(card, rating, when)
        when = card.due
    state = replay(records, SCHEDULER)["d/q"]
    assert state.card == card
    assert state.answers == 200
    assert state.card.state in (State.Review, State.Relearning)


def test_replayer_counts_the_days_new_questions_and_reviews() -> None:
    yesterday = T0 - timedelta(days=3)
    records = [
        answer(1, key="d/old", when=yesterday, rating=4),
        answer(2, key="d/old", when=T0),  # a review of a learned question
        answer(3, key="d/new", when=T0),  # introduced today
        answer(4, key="d/new", when=T0 + timedelta(minutes=1)),  # a learning step
    ]
    replayer = Replayer(SCHEDULER, day=T0.date())
    replayer.feed_all(records)
    replayer.finish()
    assert replayer.new_on_day == 1
    assert replayer.reviews_on_day == 1


@pytest.mark.parametrize(
    "when",
    [
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:00:00+14:00",
        "1969-12-31T23:59:59+00:00",
        "9001-01-01T00:00:00+00:00",
    ],
)
def test_an_answer_at_an_impossible_time_is_skipped_with_a_warning(tmp_path: Path, when: str) -> None:
    store = Store(tmp_path, "ana")
    store.append(answer(1))
    store.append(answer(2) | {"time": when})
    log = store.read()
    assert [record["id"] for record in log.records] == ["a1"]
    assert len(log.warnings) == 1
    reason = "in the future" if when.startswith("9") else "out of range"
    assert "line 2" in log.warnings[0] and reason in log.warnings[0]
    states = replay(log.records, SCHEDULER)
    assert states["d/q"].answers == 1


def test_the_replayer_survives_a_review_that_overflows() -> None:
    """Records built in memory skip the check; a due date past 9999 must not crash the replay."""
    late = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    states = replay([answer(1), answer(2, when=late, rating=4)], SCHEDULER)
    assert states["d/q"].answers == 1
    assert states["d/q"].last == T0


@pytest.mark.parametrize("ref", [["a1"], 7, None, {"id": "a1"}])
@pytest.mark.parametrize("kind", ["undo", "rerate"])
def test_an_undo_or_rerate_whose_ref_is_not_text_is_skipped(tmp_path: Path, kind: str, ref: object) -> None:
    store = Store(tmp_path, "ana")
    store.append(answer(1))
    store.append(follow_up(kind, "a1", rating=4 if kind == "rerate" else None) | {"ref": ref})
    log = store.read()
    assert [record["id"] for record in log.records] == ["a1"]
    assert len(log.warnings) == 1 and "line 2" in log.warnings[0] and "ref" in log.warnings[0]
    assert replay(log.records, SCHEDULER)["d/q"].answers == 1
