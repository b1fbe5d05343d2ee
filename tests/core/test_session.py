"""Sessions as a learner meets them: order, limits, comebacks, undo, modes, summaries."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from fsrs import Rating, State

from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    Library,
    MatchQuestion,
    OrderQuestion,
    Question,
)
from quiz.core.replayer import replay
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import Session, overview
from quiz.core.store import Store, StoreError, iter_records

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PLAIN = Settings(fuzzing=False)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def choice(i: int, deck: str = "d", tags: tuple[str, ...] = ()) -> ChoiceQuestion:
    return ChoiceQuestion(
        deck=deck, id=f"q{i}", prompt=f"Question {i}?", choices=("right", "wrong"), answer="right",
        tags=tags,
    )  # fmt: skip


def library(*questions: Question) -> Library:
    decks: dict[str, list[Question]] = {}
    for question in questions:
        decks.setdefault(question.deck, []).append(question)
    return Library(tuple(Bank(deck=d, title=d.upper(), questions=tuple(qs)) for d, qs in decks.items()))


def numbered(n: int, deck: str = "d") -> Library:
    return library(*(choice(i, deck) for i in range(n)))


def log_answer(store: Store, key: str, rating: int, when: datetime) -> None:
    """An answer written straight into the log, as an earlier session would have."""
    store.append(
        {
            "v": 1,
            "kind": "answer",
            "id": uuid.uuid4().hex,
            "time": when.isoformat(timespec="microseconds"),
            "learner": store.learner,
            "key": key,
            "type": "choice",
            "response": "right",
            "correct": rating > 1,
            "rating": rating,
        }
    )


def keys_in_order(session: Session) -> list[str]:
    """Answer everything right, in order, returning the keys as presented."""
    seen = []
    while session.current is not None:
        seen.append(session.current.question.key)
        session.answer("right")
        session.next()
    return seen


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "scores", "ana")


def test_new_questions_follow_bank_order_and_the_daily_limit(store: Store) -> None:
    clock = Clock()
    settings = Settings(fuzzing=False, new_per_day=3)
    first = Session(numbered(10), store, settings, clock=clock)
    assert first.size == 3
    assert first.progress == (0, 3)
    for expected in ("d/q0", "d/q1"):
        assert first.current is not None and first.current.question.key == expected
        first.answer("right")
        first.next()
    # The learner quits and comes back an hour later, the same day.
    clock.advance(hours=1)
    second = Session(numbered(10), store, settings, clock=clock)
    assert second.new_today == 2
    # q0 and q1 are due for their second learning step; one new question is left today.
    assert set(keys_in_order(second)) == {"d/q0", "d/q1", "d/q2"}
    clock.advance(days=1)
    third = Session(numbered(10), store, settings, clock=clock)
    assert keys_in_order(third)[:3] == ["d/q3", "d/q4", "d/q5"]


def test_due_reviews_come_first_most_overdue_first(store: Store) -> None:
    # Learned on different days, in reverse bank order: q4 is the most overdue.
    for day, i in enumerate((4, 3, 2, 1, 0)):
        log_answer(store, f"d/q{i}", int(Rating.Easy), T0 + timedelta(days=day))
    clock = Clock(T0 + timedelta(days=40))
    session = Session(numbered(7), store, PLAIN, clock=clock)
    order = keys_in_order(session)
    assert order[:5] == ["d/q4", "d/q3", "d/q2", "d/q1", "d/q0"]
    assert set(order[5:]) == {"d/q5", "d/q6"}


def test_reviews_per_day_cap_holds_across_sessions(store: Store) -> None:
    for i in range(5):
        log_answer(store, f"d/q{i}", int(Rating.Easy), T0 + timedelta(minutes=i))
    clock = Clock(T0 + timedelta(days=40))
    settings = Settings(fuzzing=False, reviews_per_day=3, new_per_day=0)
    first = Session(numbered(5), store, settings, clock=clock)
    assert first.size == 3
    assert first.current is not None and first.current.question.key == "d/q0"
    first.answer("right")
    first.next()
    clock.advance(minutes=30)
    second = Session(numbered(5), store, settings, clock=clock)
    assert second.reviews_today == 1
    assert second.size == 2
    assert keys_in_order(second) == ["d/q1", "d/q2"]


def test_a_failed_question_comes_back_and_is_logged_again(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(3), store, PLAIN, clock=clock)
    assert session.current is not None
    failed = session.current.question.key
    feedback = session.answer("wrong")
    assert feedback.rating == Rating.Again and not feedback.outcome.correct
    assert feedback.due == T0 + timedelta(minutes=1)
    session.next()
    assert session.progress == (1, 3), "the failed question is counted as remaining"
    order = [failed]
    while session.current is not None:
        order.append(session.current.question.key)
        session.answer("right")
        clock.advance(seconds=20)
        session.next()
    # q1 and q2 come first (the step is not due yet); q0 comes back, and again until it
    # leaves the learning steps; q1 and q2 come back once each for their second step.
    assert order[:4] == ["d/q0", "d/q1", "d/q2", "d/q0"]
    answers = [r for r in iter_records(store.path) if r["key"] == failed]
    assert len(answers) == order.count(failed)
    assert answers[0]["correct"] is False and answers[1]["correct"] is True
    assert all(state.card.state == State.Review for state in session.states.values())


def test_a_forgotten_review_is_relearned_in_the_same_session(store: Store) -> None:
    log_answer(store, "d/q0", int(Rating.Easy), T0 - timedelta(days=30))
    clock = Clock()
    session = Session(numbered(2), store, PLAIN, clock=clock)
    assert session.current is not None and session.current.question.key == "d/q0"
    before = session.states["d/q0"].card
    lapse = session.answer("wrong")
    after = session.states["d/q0"].card
    assert (before.state, after.state) == (State.Review, State.Relearning)
    assert lapse.due == T0 + timedelta(minutes=10)
    session.next()
    assert session.current is not None and session.current.question.key == "d/q1"
    clock.advance(minutes=11)
    session.answer("right")
    session.next()
    assert session.current is not None and session.current.question.key == "d/q0"
    session.answer("right")
    assert session.states["d/q0"].card.state == State.Review
    assert session.states["d/q0"].answers == 3


def test_a_due_learning_step_jumps_the_queue(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(4), store, PLAIN, clock=clock)
    session.answer("wrong")  # q0: Again, due in 1 minute
    session.next()
    assert session.current is not None and session.current.question.key == "d/q1"
    clock.advance(minutes=2)
    session.answer("right")
    session.next()
    assert session.current is not None and session.current.question.key == "d/q0"


def test_undo_puts_the_question_back_and_the_log_agrees(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(3), store, PLAIN, clock=clock)
    presented = session.current
    session.answer("wrong")
    assert session.progress == (1, 2)
    assert session.undo() is presented
    assert session.current is presented, "same display order as before"
    assert session.feedback is None
    assert session.progress == (0, 3)
    assert "d/q0" not in session.states
    assert "d/q0" not in replay(iter_records(store.path), Scheduler(PLAIN))
    kinds = [r["kind"] for r in iter_records(store.path)]
    assert kinds == ["answer", "undo"]


def test_undo_after_moving_on(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(3), store, PLAIN, clock=clock)
    session.answer("right")
    session.next()
    assert session.current is not None and session.current.question.key == "d/q1"
    back = session.undo()
    assert back is not None and back.question.key == "d/q0" and back.number == 1
    session.answer("wrong")
    session.next()
    assert session.current is not None and session.current.question.key == "d/q1"
    live = session.states
    replayed = replay(iter_records(store.path), Scheduler(PLAIN))
    assert replayed["d/q0"].card == live["d/q0"].card
    assert replayed["d/q0"].correct == 0 and replayed["d/q0"].answers == 1


def test_undo_cancels_the_comeback_it_caused(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(1), store, PLAIN, clock=clock)
    session.answer("wrong")
    session.next()  # nothing else is left: q0 comes straight back
    assert session.current is not None and session.current.number == 2
    session.undo()
    session.answer("right")
    session.next()
    assert session.current is not None and session.current.number == 2
    session.answer("right")
    session.next()
    assert session.current is None, "q0 graduated; no stale comeback left behind"


def test_rerate_changes_the_rating_for_good(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(2), store, PLAIN, clock=clock)
    feedback = session.answer("right")
    assert feedback.rating == Rating.Good
    eased = session.rerate(Rating.Easy)
    assert eased.rating == Rating.Easy
    assert eased.due is not None and feedback.due is not None and eased.due > feedback.due
    assert session.states["d/q0"].card.state == State.Review
    session.next()
    guessed = session.answer("right")
    session.rerate(Rating.Hard)
    session.next()
    replayed = replay(iter_records(store.path), Scheduler(PLAIN))
    assert replayed["d/q0"].card == session.states["d/q0"].card
    assert replayed["d/q1"].card == session.states["d/q1"].card
    assert session.summary().feedbacks[0].rating == Rating.Easy
    assert guessed.rating == Rating.Good
    assert session.summary().feedbacks[1].rating == Rating.Hard
    with pytest.raises(RuntimeError):
        session.rerate(Rating.Easy)


def test_replay_equals_the_live_state_after_a_session_with_fuzz(store: Store) -> None:
    clock = Clock()
    settings = Settings(fuzzing=True)
    for i in range(6):
        log_answer(store, f"d/q{i}", int(Rating.Good), T0 - timedelta(days=30 - i))
        log_answer(store, f"d/q{i}", int(Rating.Good), T0 - timedelta(days=29 - i))
    rng = random.Random(7)
    session = Session(numbered(12), store, settings, clock=clock, rng=rng)
    steps = 0
    while session.current is not None and steps < 60:
        steps += 1
        session.answer("right" if rng.random() < 0.6 else "wrong")
        if steps % 5 == 0:
            session.rerate(Rating.Easy)
        if steps % 7 == 0:
            session.undo()
            continue
        clock.advance(seconds=45)
        session.next()
    replayed = replay(iter_records(store.path), Scheduler(settings))
    assert replayed == session.states


def test_history_of_a_removed_question_is_kept(store: Store) -> None:
    log_answer(store, "gone/q9", int(Rating.Good), T0 - timedelta(days=2))
    session = Session(numbered(2), store, PLAIN, clock=Clock())
    assert "gone/q9" in session.states
    keys_in_order(session)
    replayed = replay(iter_records(store.path), Scheduler(PLAIN))
    assert replayed["gone/q9"].answers == 1
    assert "gone/q9" not in {q.key for q in session.questions}


def test_a_store_error_reaches_the_caller_and_the_answer_does_not_count(store: Store) -> None:
    session = Session(numbered(2), store, PLAIN, clock=Clock())
    presented = session.current
    full = StoreError("Could not save your answer to x: disk full")
    with mock.patch.object(store, "append", side_effect=full), pytest.raises(StoreError):
        session.answer("right")
    assert session.current is presented and session.feedback is None
    assert session.progress == (0, 2)
    assert session.states == {}
    assert session.answer("right").outcome.correct
    assert session.progress == (1, 1)


def test_a_torn_log_still_starts_a_session_with_a_warning(store: Store) -> None:
    log_answer(store, "d/q0", int(Rating.Good), T0 - timedelta(days=1))
    with open(store.path, "ab") as handle:
        handle.write(b'{"v":1,"kind":"ans')
    session = Session(numbered(2), store, PLAIN, clock=Clock())
    assert len(session.warnings) == 1 and "incomplete" in session.warnings[0]
    session.answer("right")
    assert len(list(iter_records(store.path))) == 2


def test_filters_by_deck_and_tag(store: Store) -> None:
    lib = library(choice(0, "a", ("war",)), choice(1, "a"), choice(2, "b", ("war", "peace")), choice(3, "c"))
    by_deck = Session(lib, store, PLAIN, clock=Clock(), decks=["a", "c"])
    assert [q.key for q in by_deck.questions] == ["a/q0", "a/q1", "c/q3"]
    by_tag = Session(lib, store, PLAIN, clock=Clock(), tags=["war"])
    assert [q.key for q in by_tag.questions] == ["a/q0", "b/q2"]
    both = Session(lib, store, PLAIN, clock=Clock(), decks=["b"], tags=["war"])
    assert [q.key for q in both.questions] == ["b/q2"]
    assert Session(lib, store, PLAIN, clock=Clock(), decks=()).size == 4


def test_practice_asks_everything_even_if_not_due(store: Store) -> None:
    for i in range(3):
        log_answer(store, f"d/q{i}", int(Rating.Easy), T0 - timedelta(hours=1))
    settings = Settings(fuzzing=False, new_per_day=0)
    assert Session(numbered(5), store, settings, clock=Clock()).size == 0
    practice = Session(numbered(5), store, settings, mode="practice", clock=Clock())
    assert keys_in_order(practice) == [f"d/q{i}" for i in range(5)]
    # The three not yet due are cram (the schedule stays); the two new ones are introduced.
    modes = [r.get("mode") for r in iter_records(store.path)][3:]
    assert modes == ["cram", "cram", "cram", "practice", "practice"]
    shuffled = Session(
        numbered(30), store, settings, mode="practice", clock=Clock(), rng=random.Random(3),
        shuffle=True,
    )  # fmt: skip
    order = keys_in_order(shuffled)
    assert sorted(order) == sorted(f"d/q{i}" for i in range(30))
    assert order != [f"d/q{i}" for i in range(30)]


def test_exam_draws_count_questions_and_scores_them(store: Store) -> None:
    exam = Session(numbered(20), store, PLAIN, mode="exam", count=4, clock=Clock(),
                   rng=random.Random(1))  # fmt: skip
    assert exam.is_exam
    assert exam.progress == (0, 4)
    answers = ["right", "wrong", "right", "right"]
    keys = []
    for response in answers:
        assert exam.current is not None
        keys.append(exam.current.question.key)
        exam.answer(response)
        exam.next()
    assert exam.current is None, "a missed exam question does not come back"
    assert len(set(keys)) == 4
    summary = exam.summary()
    assert (summary.score, summary.out_of) == (3, 4)
    assert [f.question.key for f in summary.feedbacks] == keys
    assert [f.outcome.correct for f in summary.feedbacks] == [True, False, True, True]
    records = list(iter_records(store.path))
    assert {r["mode"] for r in records} == {"exam"}
    default = Session(numbered(20), store, PLAIN, mode="exam", clock=Clock())
    assert default.size == 10


def test_display_order_is_shuffled_as_the_bank_allows(store: Store) -> None:
    order = OrderQuestion(deck="d", id="o", prompt="Order", items=("a", "b", "c"))
    fixed = ChoiceQuestion(deck="d", id="f", prompt="?", choices=("1", "2", "3", "4"), answer="1", shuffle=False)
    mixed = ChoiceQuestion(deck="d", id="m", prompt="?", choices=tuple("abcdefgh"), answer="a")
    match = MatchQuestion(deck="d", id="p", prompt="Pair", pairs=tuple((str(i), f"r{i}") for i in range(6)))
    lib = library(order, fixed, mixed, match)
    seen_items = set()
    for seed in range(40):
        session = Session(lib, store, PLAIN, mode="practice", clock=Clock(), rng=random.Random(seed))
        shown = []
        while session.current is not None:
            shown.append(session.current)
            session.answer(_right_response(session.current.question))
            session.next()
        by_id = {p.question.id: p for p in shown}
        assert by_id["o"].items != order.items and sorted(by_id["o"].items) == ["a", "b", "c"]
        seen_items.add(by_id["o"].items)
        assert by_id["f"].choices == fixed.choices
        assert sorted(by_id["m"].choices) == sorted(mixed.choices)
        assert sorted(by_id["p"].rights) == sorted(r for _, r in match.pairs)
        assert [p.number for p in shown] == [1, 2, 3, 4]
    assert len(seen_items) > 1


def _right_response(question: Question) -> Any:
    if isinstance(question, OrderQuestion):
        return question.items
    if isinstance(question, MatchQuestion):
        return dict(question.pairs)
    assert isinstance(question, ChoiceQuestion)
    return question.answer


def test_card_questions_use_the_self_grade(store: Store) -> None:
    card = CardQuestion(deck="d", id="k", prompt="Capital of Peru?", answer="Lima")
    session = Session(library(card), store, PLAIN, clock=Clock())
    feedback = session.answer(4)
    assert feedback.rating == Rating.Easy
    assert session.states["d/k"].card.state == State.Review


def test_summary_reports_accuracy_misses_and_tomorrow(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(3), store, PLAIN, clock=clock)
    session.answer("wrong", elapsed=3.0)
    session.next()
    session.answer("right", elapsed=2.0, hinted=True)
    session.next()
    session.answer("right", elapsed=1.0)
    session.next()
    summary = session.summary()
    assert (summary.answered, summary.right) == (3, 2)
    assert summary.accuracy == pytest.approx(2 / 3)
    assert summary.time_spent == timedelta(seconds=6)
    assert [(q.key, n) for q, n in summary.hardest] == [("d/q0", 1)]
    assert summary.due_tomorrow == 3, "all three are still in learning steps"
    assert summary.score is None
    assert session.summary().feedbacks[1].rating == Rating.Hard


def test_overview_counts_per_deck_and_in_total(store: Store) -> None:
    lib = library(choice(0, "a"), choice(1, "a"), choice(2, "b"))
    log_answer(store, "a/q0", int(Rating.Easy), T0 - timedelta(days=60))
    log_answer(store, "b/q2", int(Rating.Again), T0 - timedelta(days=60))
    states = replay(iter_records(store.path), Scheduler(PLAIN))
    rows = overview(lib, states, PLAIN, T0)
    assert [(r.deck, r.title, r.total, r.new, r.due, r.learned, r.is_total) for r in rows] == [
        ("a", "A", 2, 1, 1, 1, False),
        ("b", "B", 1, 0, 1, 0, False),
        ("", "All decks", 3, 1, 2, 1, True),
    ]


def test_answering_out_of_turn_is_a_programming_error(store: Store) -> None:
    session = Session(numbered(1), store, PLAIN, clock=Clock())
    with pytest.raises(RuntimeError):
        session.next()
    with pytest.raises(RuntimeError):
        session.undo()
    session.answer("right")
    with pytest.raises(RuntimeError):
        session.answer("right")


def test_a_naive_clock_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        Session(numbered(1), store, PLAIN, clock=lambda: datetime(2026, 1, 1))


def test_skip_logs_nothing_and_does_not_ask_again(store: Store) -> None:
    session = Session(numbered(3), store, PLAIN, clock=Clock())
    nxt = session.skip()
    assert nxt is not None and nxt.question.key == "d/q1"
    assert session.progress == (0, 2)
    assert not store.path.exists() or list(iter_records(store.path)) == []
    session.answer("right")
    with pytest.raises(RuntimeError):
        session.skip()  # answered: move on with next()
    session.next()
    comeback = session.skip()  # q2 skipped; q1's learning step is all that is left
    assert comeback is not None and comeback.question.key == "d/q1"
    assert session.skip() is None and session.finished
    assert [f.question.key for f in session.summary().feedbacks] == ["d/q1"]
    assert "d/q0" not in session.states and "d/q2" not in session.states


def test_skipped_exam_question_counts_as_not_scored(store: Store) -> None:
    session = Session(numbered(3), store, PLAIN, mode="exam", count=2, clock=Clock(), rng=random.Random(1))
    session.skip()
    session.answer("right")
    session.next()
    summary = session.summary()
    assert (summary.score, summary.out_of) == (1, 2)
