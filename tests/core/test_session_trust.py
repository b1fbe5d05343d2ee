"""A drill a learner trusts, through `Session` without Textual (issue 19).

Refused non-numbers, "I don't know", "I was right", honest counters, daily limits
per deck or global, case-insensitive tags, shuffled practice and exams.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from fsrs import Rating

from quiz.core.exam import ExamSession
from quiz.core.grading import NotAnAnswer
from quiz.core.history import load_history
from quiz.core.model import CardQuestion, Library, NumberQuestion, Question, ShortQuestion, TrueFalseQuestion
from quiz.core.replayer import replay
from quiz.core.scheduling import Settings
from quiz.core.session import Session
from quiz.core.store import Store
from tests.core.test_session import PLAIN, T0, Clock, choice, library, numbered


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "scores", "ana")


def records(store: Store) -> list[dict[str, object]]:
    return store.read().records


MONTHS = NumberQuestion(deck="d", id="m", prompt="How long?", answer=6, unit="months")


# ------------------------------------------------------------------ point 1


def test_a_non_number_is_not_an_answer_and_nothing_is_logged(store: Store) -> None:
    session = Session(library(MONTHS), store, PLAIN, clock=Clock())
    with pytest.raises(NotAnAnswer, match="Type a number of months"):
        session.answer("banana")
    assert records(store) == []
    assert session.current is not None and session.feedback is None  # asked again
    feedback = session.answer("six")
    assert feedback.outcome.correct and feedback.rating == Rating.Good
    assert records(store)[0]["response"] == "six"


# ------------------------------------------------------------------ point 3


def test_i_was_right_regrades_the_answer_and_is_logged_with_a_reason(store: Store) -> None:
    who = ShortQuestion(deck="d", id="w", prompt="Who?", answers=("Boris Yeltsin",))
    session = Session(library(who), store, PLAIN, clock=Clock())
    feedback = session.answer("Yeltsin, Boris")
    assert not feedback.outcome.correct and session.can_override
    regraded = session.override()
    assert regraded.outcome.correct and regraded.overridden and regraded.rating == Rating.Good
    assert not session.can_override
    answer, rerate = records(store)
    assert rerate["kind"] == "rerate" and rerate["ref"] == answer["id"]
    assert rerate["correct"] is True and rerate["reason"] == "i-was-right" and rerate["rating"] == 3
    # Replay, history and summary all count it right.
    assert replay(records(store), session.scheduler)["d/w"].correct == 1
    assert session.summary().right == 1
    history = load_history(store.path.parent.parent, "ana", library(who), now=T0 + timedelta(minutes=1))
    assert history.right == 1 and history.answers == 1
    (entry,) = history.question_history("d/w").answers
    assert entry.correct and entry.overridden and entry.rating == 3


def test_i_was_right_is_only_for_wrong_answers_of_graded_questions(store: Store) -> None:
    card = CardQuestion(deck="d", id="c", prompt="?", answer="!")
    session = Session(library(choice(0), card), store, PLAIN, mode="practice", clock=Clock())
    session.answer("right")
    assert not session.can_override  # already right
    with pytest.raises(RuntimeError):
        session.override()
    session.next()
    session.answer(1)
    assert not session.can_override  # a card's grade is the learner's own


@pytest.mark.parametrize(
    "question",
    [
        choice(0),
        TrueFalseQuestion(deck="d", id="t", prompt="?", answer=True),
        MONTHS,
        CardQuestion(deck="d", id="c", prompt="?", answer="!"),
    ],
    ids=lambda q: q.type,
)
def test_i_dont_know_logs_a_wrong_answer_without_a_guess(store: Store, question: Question) -> None:
    session = Session(library(question), store, PLAIN, clock=Clock())
    feedback = session.reveal()
    assert feedback.revealed and not feedback.outcome.correct and feedback.rating == Rating.Again
    assert feedback.outcome.expected  # the answer is shown
    assert not session.can_override
    (record,) = records(store)
    assert record["response"] is None and record["revealed"] is True and record["correct"] is False
    assert record["rating"] == 1


# ------------------------------------------------------------------ point 4


def test_counts_are_new_learning_review_and_the_limit_is_distinct_questions(store: Store) -> None:
    clock = Clock()
    session = Session(numbered(5), store, PLAIN, limit=2, clock=clock)
    assert session.size == 2
    assert (session.counts.new, session.counts.learning, session.counts.review) == (2, 0, 0)
    feedback = session.answer("wrong")
    assert feedback.comes_back == timedelta(minutes=1)  # the first learning step
    assert (session.counts.new, session.counts.learning) == (1, 1)
    assert session.questions_done == 0
    asked = [session.current.question.key if session.current else ""]
    while session.next() is not None:
        assert session.current is not None
        asked.append(session.current.question.key)
        clock.advance(minutes=11)
        session.answer("right")
    assert set(asked) == {"d/q0", "d/q1"}, "--limit 2 never brings in a third question"
    assert len(asked) > 2, "learning steps come back in the session"
    assert session.questions_done == 2 and session.counts == type(session.counts)(0, 0, 0)


def test_a_review_does_not_come_back(store: Store) -> None:
    session = Session(numbered(1), store, PLAIN, mode="practice", clock=Clock())
    assert session.answer("right").comes_back is None  # practice never requeues


# ------------------------------------------------------------------ point 5


def two_decks() -> Library:
    return library(*(choice(i, "a") for i in range(5)), *(choice(i, "b") for i in range(5)))


def use_up_deck_a(store: Store, settings: Settings, clock: Clock) -> None:
    first = Session(two_decks(), store, settings, decks=["a"], clock=clock)
    while first.current is not None and first.current.question.deck == "a" and first.counts.new:
        first.answer("right")
        first.next()


def test_per_deck_limits_leave_other_decks_their_new_questions(store: Store) -> None:
    clock = Clock()
    settings = Settings(fuzzing=False, new_per_day=3)
    use_up_deck_a(store, settings, clock)
    again = Session(two_decks(), store, settings, decks=["a"], clock=clock)
    assert again.counts.new == 0
    note = again.limit_note()
    assert note is not None
    assert "New questions are limited to 3 a day in each deck (done today: a 3)" in note
    assert "2 more wait for tomorrow" in note
    assert "`quiz practice --deck a`" in note and "raise the daily new-question limit" in note
    other = Session(two_decks(), store, settings, decks=["b"], clock=clock)
    assert other.counts.new == 3  # deck b's own 3 new questions of the day


def test_a_global_limit_is_shared_and_says_so(store: Store) -> None:
    clock = Clock()
    settings = Settings(fuzzing=False, new_per_day=3, limits_per="global")
    use_up_deck_a(store, settings, clock)
    other = Session(two_decks(), store, settings, decks=["b"], clock=clock)
    assert other.counts.new == 0
    note = other.limit_note()
    assert note is not None and "limited to 3 a day across all decks (3 done today)" in note
    assert "--deck b" in note


def test_limits_per_is_checked() -> None:
    with pytest.raises(ValueError, match="limits_per"):
        Settings(limits_per="class")  # type: ignore[arg-type]


# ------------------------------------------------------------------ point 7


def test_tags_match_whatever_their_case(store: Store) -> None:
    lib = library(choice(0, tags=("Putin",)), choice(1, tags=("clinton",)), choice(2))
    session = Session(lib, store, PLAIN, mode="practice", tags=["putin", "CLINTON"], clock=Clock())
    assert [q.key for q in session.questions] == ["d/q0", "d/q1"]


def test_practice_can_be_shuffled(store: Store) -> None:
    plain = Session(numbered(12), store, PLAIN, mode="practice", clock=Clock())
    mixed = Session(numbered(12), store, PLAIN, mode="practice", clock=Clock(), shuffle=True, rng=random.Random(3))
    order = [mixed.current.question.key if mixed.current else ""]
    assert plain.current is not None and plain.current.question.key == "d/q0"
    while mixed.current is not None:
        mixed.answer("right")
        if mixed.next() is not None and mixed.current is not None:
            order.append(mixed.current.question.key)
    assert sorted(order) == sorted(f"d/q{i}" for i in range(12))
    assert order != [f"d/q{i}" for i in range(12)]


# ------------------------------------------------------------------ point 6


def exam_library() -> Library:
    return library(*(choice(i) for i in range(4)), CardQuestion(deck="d", id="card", prompt="?", answer="!"))


def test_exams_leave_out_self_graded_cards_unless_asked(store: Store) -> None:
    exam = ExamSession(exam_library(), store, PLAIN, count=10, clock=Clock())
    assert exam.size == 4 and all(p.question.type != "card" for p in exam.sheet)
    with_cards = ExamSession(exam_library(), store, PLAIN, count=10, include_cards=True, clock=Clock())
    assert with_cards.size == 5


def test_skip_flag_go_back_and_change_an_answer_before_handing_in(store: Store) -> None:
    exam = ExamSession(numbered(3), store, PLAIN, count=3, clock=Clock(), rng=random.Random(1))
    first = exam.sheet[0].question.key
    assert exam.flag() is True
    assert exam.next() is not None and exam.position == 1  # skipped the first
    exam.answer("wrong")
    assert exam.next() is not None and exam.position == 2
    exam.answer("right")
    assert exam.next() is not None and exam.position == 0  # back to the unanswered one
    assert [(r.answered, r.flagged) for r in exam.rows()] == [(False, True), (True, False), (True, False)]
    assert exam.open_indices() == [0]
    exam.answer("right")
    assert exam.next() is None  # every question answered: time for the sheet
    exam.goto(1)
    exam.answer("right")  # changes its answer
    summary = exam.submit()
    assert exam.finished and summary.score == 3 and summary.out_of == 3 and summary.unanswered == 0
    kinds = [r["kind"] for r in records(store)]
    assert kinds == ["answer", "answer", "answer", "answer", "undo"]
    changed, undo = records(store)[3:]
    assert undo["ref"] == records(store)[0]["id"] and changed["correct"] is True
    assert replay(records(store), exam.scheduler)[exam.sheet[1].question.key].answers == 1
    assert first == exam.sheet[0].question.key
    with pytest.raises(RuntimeError):
        exam.answer("right")


def test_a_time_limit_keeps_the_answers_given(store: Store) -> None:
    clock = Clock()
    exam = ExamSession(numbered(3), store, PLAIN, count=3, minutes=10, clock=clock)
    assert exam.time_left(clock()) == timedelta(minutes=10)
    exam.answer("right")
    clock.advance(minutes=11)
    assert exam.time_left(clock()) == timedelta(0)
    summary = exam.submit(timed_out=True)
    assert summary.timed_out and summary.score == 1 and summary.unanswered == 2 and summary.out_of == 3
    assert len(records(store)) == 1


def test_an_exam_refuses_to_reveal(store: Store) -> None:
    exam = ExamSession(numbered(2), store, PLAIN, count=2, clock=Clock())
    with pytest.raises(RuntimeError):
        exam.reveal()
    assert records(store) == []


def test_a_session_over_many_decks_brings_at_most_a_day_s_worth_of_new(store: Store) -> None:
    session = Session(two_decks(), store, Settings(fuzzing=False, new_per_day=3), clock=Clock())
    assert session.counts.new == 3
    # Deck a's other two wait for tomorrow; deck b's are left for another session today.
    assert dict(session.held_back_new) == {"a": 2}
