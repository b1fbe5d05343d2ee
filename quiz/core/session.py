"""A study session: which question comes next, and what an answer does.

The TUI asks `Session.current` for a `Presented` question, hands the learner's
response to `answer()` and shows the `Feedback` it returns; `next()` moves on.
Every answer, re-rating and undo is appended to the learner's log (fsynced)
before the session's own state changes, so if the disk refuses, the exception
reaches the TUI and the answer is not counted.

Modes:

- drill: questions in a learning step that are due, then due reviews (most
  overdue first, at most `reviews_per_day` minus the reviews of learned
  questions already done today), then new questions in bank order (at most
  `new_per_day` minus the questions introduced today: in each deck with
  `Settings.limits_per == "deck"`, and never more than `new_per_day` in one
  session; in all decks together with "global"). New
  questions the limit holds back are counted (`held_back_new`) so the learner
  can be told why a deck with new questions has "nothing due" (`limit_note`). A question still in a
  learning step after its answer (a failed one always is) comes back when that
  step is due, or at the end when nothing else is left; answering it again is a
  real, logged review. Learning steps do not count against either limit.
- practice: every question of the filter once, due or not (bank order, or
  shuffled by the rng with `shuffle=True`). An answer to a question that is due
  (or new) is a real review, scheduled as in a drill; an answer to a question not
  yet due is *cram*: logged with `"mode": "cram"`, counted in history, but it never
  moves the long-term schedule (replay skips it for FSRS, `replayer.Replayer`).
  `cram=True` makes every answer cram (`quiz practice --cram`, before an exam);
  `cram=False` schedules every answer, due or not. A missed cram question comes
  back once more later in the session (`CRAM_AGAIN`), as a learning step would.
- exam: `count` questions drawn by the rng; the TUI shows no feedback until the
  summary, which carries the score and every `Feedback`. Exam answers are real
  reviews (`"mode": "exam"`), scheduled like a drill's: an exam is a genuine test
  of recall, and FSRS handles a review that comes early.

"Today" is the learner's day of the session's start: it begins at
`settings.day_starts_at` o'clock local time (`quiz.core.days`), so the daily
limits and "due today" follow the learner's clock, not UTC. A learned question
(FSRS Review state) due any time before the end of today is due now, as in Anki;
a question in a learning step waits for its exact time.

The queue is built once at start (a deque, plus a heap for questions waiting on
a learning step), so choosing the next question costs O(log n) whatever the size
of the library.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Literal

from fsrs import Rating, State

from quiz import FORMAT_VERSION, __version__
from quiz.core.days import Days
from quiz.core.filters import tag_key
from quiz.core.flags import Flags, flag_record, is_leech
from quiz.core.grading import NotAnAnswer, Outcome, Response, grade, refusal, response_to_json
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Library,
    MatchQuestion,
    MultiQuestion,
    OrderQuestion,
    Question,
    TrueFalseQuestion,
)
from quiz.core.overview_cache import DeckCounts as DeckStats
from quiz.core.overview_cache import overview as overview
from quiz.core.plan import exam_due, new_quota
from quiz.core.replay_cache import replay_log
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Clock, Scheduler, Settings, ensure_utc, rating_for, utc_now
from quiz.core.store import Store

__all__ = [
    "DEFAULT_EXAM_COUNT",
    "UNDO_DEPTH",
    "DeckStats",
    "Feedback",
    "Mode",
    "Presented",
    "QueueCounts",
    "Session",
    "Summary",
    "overview",
]

Mode = Literal["drill", "practice", "exam"]
DEFAULT_EXAM_COUNT = 10
UNDO_DEPTH = 20
"""How many of the session's latest answers can be undone (replay holds back more)."""
HARDEST_SHOWN = 5
REQUEUE_WITHIN = timedelta(hours=1)
"""A learning step at most this long brings its question back in the same session."""
CRAM_AGAIN = timedelta(minutes=10)
"""A missed cram question comes back this long after (or when nothing else is left)."""
OVERRIDE_REASON = "i-was-right"
"""The `reason` of the `rerate` record that `Session.override` appends."""
REVEALED_DETAIL = "Not answered: you asked to see the answer"


@dataclass(frozen=True)
class Presented:
    """A question as shown: options in display order and its place in the session."""

    question: Question
    choices: tuple[str, ...] = ()
    """choice/multi: the choices in display order (shuffled unless `shuffle: false`)."""
    items: tuple[str, ...] = ()
    """order: the items shuffled, never already in the right order."""
    rights: tuple[str, ...] = ()
    """match: the right-hand sides in display order (shuffled unless `shuffle: false`)."""
    number: int = 1
    """1-based position in the session."""


@dataclass(frozen=True)
class Feedback:
    """What an answer did: the verdict, the rating given and the next due date."""

    question: Question
    response: Response
    outcome: Outcome
    rating: Rating
    due: datetime | None
    record_id: str
    cram: bool = False
    """The answer was cram: logged and counted, but the schedule (`due`) did not move."""
    leech: bool = False
    """The question has now been missed `settings.leech_threshold` times or more."""
    comes_back: timedelta | None = None
    """Drill: the question is still in a learning step and comes back in this session
    after this long (as Anki does); None when it is done for now."""
    overridden: bool = False
    """Graded wrong, then counted right because the learner said "I was right"."""
    revealed: bool = False
    """The learner asked to see the answer without giving one ("I don't know")."""


@dataclass(frozen=True)
class Summary:
    """The end-of-session report."""

    mode: Mode
    answered: int
    right: int
    accuracy: float
    """right / answered, 0.0 when nothing was answered."""
    time_spent: timedelta
    """The sum of the answers' `elapsed` when the TUI gave them, else wall-clock time
    from the start to the last answer."""
    hardest: tuple[tuple[Question, int], ...]
    """Questions missed in this session with their number of misses, most first."""
    due_tomorrow: int
    """Questions of the session's filter due by the end of the learner's tomorrow."""
    feedbacks: tuple[Feedback, ...]
    """Every effective answer of the session, in order, with its final rating."""
    score: int | None = None
    """Exam: right answers."""
    out_of: int | None = None
    """Exam: number of questions in the exam."""
    unanswered: int = 0
    """Exam: questions handed in without an answer (they score nothing)."""
    timed_out: bool = False
    """Exam: handed in because the time limit ran out."""


@dataclass(frozen=True)
class QueueCounts:
    """What is left in a session, as Anki counts it: the question on screen (until
    answered) and those still to come, by the state they are in."""

    new: int
    """Never answered before."""
    learning: int
    """In a learning or relearning step, including questions that come back later in
    this session after a wrong (or first) answer."""
    review: int
    """Learned questions due for review."""


@dataclass
class _Answer:
    """One effective answer of this session, with what undo and rerate need."""

    presented: Presented
    previous: QuestionState | None
    """The question's state before this answer (never mutated: states are replaced)."""
    feedback: Feedback
    time: datetime
    elapsed: float | None
    seq: int
    counted_new: bool
    counted_review: bool
    token: int | None = None
    """The heap entry that brings the question back, if it was requeued."""
    cram: bool = False
    flag_id: str | None = None
    """The suspend or bury record logged on this answer's feedback, which undo cancels too."""


def _keep(question: Question, decks: frozenset[str], tags: frozenset[str]) -> bool:
    """Whether `question` passes the filter: one of `decks`, and any one of `tags`
    (`tags` already in `tag_key` form: case does not matter)."""
    if decks and question.deck not in decks:
        return False
    return not tags or any(tag_key(tag) in tags for tag in question.tags)


class Session:
    """One sitting of drill, practice or exam over a filter of the library."""

    def __init__(
        self,
        library: Library,
        store: Store,
        settings: Settings | None = None,
        *,
        mode: Mode = "drill",
        decks: Iterable[str] | None = None,
        tags: Iterable[str] | None = None,
        limit: int | None = None,
        count: int | None = None,
        clock: Clock = utc_now,
        rng: random.Random | None = None,
        shuffle: bool = False,
        days: Days | None = None,
        cram: bool | None = None,
        exam: date | None = None,
    ) -> None:
        if mode not in ("drill", "practice", "exam"):
            raise ValueError(f"unknown session mode {mode!r}")
        if cram is not None and mode != "practice":
            raise ValueError("only practice can be cram (a drill and an exam are real reviews)")
        self.exam = exam if exam is not None else (settings.exam_date if settings is not None else None)
        """Drill: the exam day to plan for (`quiz.core.plan`): new questions early enough, intervals
        capped. `exam` (`quiz drill --exam`) overrides the learner's `exam_date` setting."""
        self.cram: bool | None = cram
        """Practice: True every answer is cram, False none is, None those not yet due (see the module)."""
        self.library = library
        self.store = store
        self.settings = settings if settings is not None else Settings()
        self.mode: Mode = mode
        self.clock = clock
        self.rng = rng if rng is not None else random.Random()
        self.scheduler = Scheduler(self.settings)
        self.session_id = uuid.uuid4().hex
        self.started = ensure_utc(clock())
        self.days = self.settings.days if days is None else days
        """Where the learner's days begin (local time, `settings.day_starts_at`)."""
        self.today = self.days.day_of(self.started)
        """The learner's day at the start of the session."""
        self.day_end = self.days.start_of(self.today + timedelta(days=1))

        self.warnings: list[str] = []
        """Lines of the log that were skipped (torn or damaged), for the TUI to show."""
        # The replay of the log, from a snapshot of it when one fits (see `replay_cache`).
        replayer = replay_log(
            store.logs(),
            self.scheduler,
            day=self.today,
            days=self.days,
            on_warning=self.warnings.append,
            now=self.started,
        )
        self.states: dict[str, QuestionState] = replayer.states
        """Every question's state, including questions no longer in any bank."""
        self.new_today = replayer.new_on_day
        self.reviews_today = replayer.reviews_on_day
        self.flags: Flags = replayer.flags
        """Suspended and buried questions: left out of the queue (`quiz.core.flags`)."""
        self.new_today_by_deck: Counter[str] = Counter(
            key.split("/", 1)[0]
            for key, state in self.states.items()
            if state.first is not None and self.days.day_of(state.first) == self.today
        )
        """New questions introduced today, per deck (for per-deck daily limits)."""
        self.held_back_new: Counter[str] = Counter()
        """Drill: new questions of the filter, per deck, left out because the day's new
        limit is used up (not because of `limit`)."""

        decks_set = frozenset(decks or ())
        tags_set = frozenset(tag_key(tag) for tag in tags or ())
        seen: set[str] = set()
        kept: list[Question] = []
        flags = self.flags
        for question in library.questions:
            if flags.is_suspended(question.key) or (mode == "drill" and flags.is_buried(question.key, self.started)):
                continue
            if question.key not in seen and _keep(question, decks_set, tags_set):
                seen.add(question.key)
                kept.append(question)
        self.questions: tuple[Question, ...] = tuple(kept)
        """The questions of the filter, in bank order."""

        self._main: deque[Question] = deque(self._initial_queue(limit, count, shuffle))
        self.size = len(self._main)
        """Distinct questions queued at the start: `limit` caps this number, and the
        comebacks of questions in a learning step do not add to it."""
        self._main_counts: Counter[str] = Counter(self._kind(question) for question in self._main)
        self._heap: list[tuple[datetime, int, int]] = []
        self._waiting: dict[int, Question] = {}
        self._tokens = 0
        self._answers: list[_Answer] = []
        self._seq = 0
        self._feedback: Feedback | None = None
        self._current: Presented | None = None
        self._current_token: int | None = None
        self._advance()

    # ------------------------------------------------------------------ queue

    def _initial_queue(self, limit: int | None, count: int | None, shuffle: bool) -> list[Question]:
        """The questions of the session in order, computed once."""
        questions = list(self.questions)
        if self.mode == "exam":
            wanted = DEFAULT_EXAM_COUNT if count is None else max(0, count)
            return self.rng.sample(questions, min(wanted, len(questions)))
        if self.mode == "practice":
            if shuffle:
                self.rng.shuffle(questions)
            return questions if limit is None else questions[: max(0, limit)]
        now = self.started
        # An exam plan sets its own pace for new questions (`quiz.core.plan`), across decks.
        per_deck = self.settings.limits_per == "deck" and not (self.exam is not None and self.exam > self.today)
        new_slots = max(0, self.settings.new_per_day - self.new_today)
        exam = self.exam if self.exam is not None and self.exam > self.today else None
        if exam is not None:
            unseen = sum(1 for question in questions if question.key not in self.states)
            new_slots = max(new_slots, new_quota(unseen + self.new_today, self.today, exam) - self.new_today)
        deck_slots = {
            deck: max(0, self.settings.new_per_day - self.new_today_by_deck[deck])
            for deck in {question.deck for question in questions}
        }
        review_slots = max(0, self.settings.reviews_per_day - self.reviews_today)
        stepping: list[tuple[datetime, int, Question]] = []
        reviews: list[tuple[datetime, int, Question]] = []
        new: list[Question] = []
        for index, question in enumerate(questions):
            state = self.states.get(question.key)
            if state is None:
                if per_deck and deck_slots[question.deck] > 0:
                    # A deck's own allowance, and one session never brings more than a
                    # day's worth of new questions even when it spans many decks.
                    if len(new) < self.settings.new_per_day:
                        deck_slots[question.deck] -= 1
                        new.append(question)
                elif not per_deck and len(new) < new_slots:
                    new.append(question)
                else:
                    self.held_back_new[question.deck] += 1
            elif state.fsrs_state == State.Review:
                due = state.due if exam is None else exam_due(state.card, self.scheduler, self.days, exam)
                if due < self.day_end:
                    reviews.append((due, index, question))
            elif state.due <= now:
                stepping.append((state.due, index, question))
        stepping.sort(key=lambda entry: (entry[0], entry[1]))
        if len(reviews) > review_slots:
            reviews = heapq.nsmallest(review_slots, reviews, key=lambda e: (e[0], e[1]))
        else:
            reviews.sort(key=lambda entry: (entry[0], entry[1]))
        queue = [q for _, _, q in stepping] + [q for _, _, q in reviews] + new
        return queue if limit is None else queue[: max(0, limit)]

    def _pick(self, now: datetime) -> tuple[Question, int | None] | None:
        """The next question: a due learning step, else the queue, else the earliest step.

        With the token of the heap entry it came from, if any.
        """
        heap = self._heap
        while heap and heap[0][2] not in self._waiting:
            heapq.heappop(heap)
        if heap and (heap[0][0] <= now or not self._main):
            token = heapq.heappop(heap)[2]
            return self._waiting.pop(token), token
        if self._main:
            question = self._main.popleft()
            self._main_counts[self._kind(question)] -= 1
            return question, None
        return None

    def _advance(self) -> None:
        """Make the next question current (or finish)."""
        picked = self._pick(ensure_utc(self.clock()))
        if picked is None:
            self._current, self._current_token = None, None
        else:
            self._current = self._present(picked[0])
            self._current_token = picked[1]

    def _present(self, question: Question) -> Presented:
        """`question` with its options put in display order."""
        shuffle = self.rng.shuffle
        choices: tuple[str, ...] = ()
        items: tuple[str, ...] = ()
        rights: tuple[str, ...] = ()
        if isinstance(question, ChoiceQuestion | MultiQuestion):
            listed = list(question.choices)
            if question.shuffle:
                shuffle(listed)
            choices = tuple(listed)
        elif isinstance(question, OrderQuestion):
            listed = list(question.items)
            if len(set(listed)) > 1:
                for _ in range(20):
                    shuffle(listed)
                    if tuple(listed) != question.items:
                        break
                else:
                    listed = listed[1:] + listed[:1]
            items = tuple(listed)
        elif isinstance(question, MatchQuestion):
            listed = [right for _, right in question.pairs]
            if question.shuffle:
                shuffle(listed)
            rights = tuple(listed)
        return Presented(question, choices, items, rights, number=len(self._answers) + 1)

    def _requeue(self, question: Question, due: datetime) -> int:
        """Bring `question` back when `due`; the token identifies the heap entry."""
        self._tokens += 1
        token = self._tokens
        self._waiting[token] = question
        heapq.heappush(self._heap, (due, token, token))
        return token

    # ------------------------------------------------------------------ state

    @property
    def exam_plan(self) -> date | None:
        """The exam day this drill follows the plan of, or None (not a drill, no exam date, or it has come)."""
        if self.mode != "drill" or self.exam is None or self.exam <= self.today:
            return None
        return self.exam

    @property
    def is_exam(self) -> bool:
        """Exams show no feedback until the summary."""
        return self.mode == "exam"

    @property
    def current(self) -> Presented | None:
        """The question on screen (answered or not), or None when the session is over."""
        return self._current

    @property
    def feedback(self) -> Feedback | None:
        """The feedback of the current question once answered, until `next()`."""
        return self._feedback

    @property
    def finished(self) -> bool:
        """Nothing left to ask."""
        return self._current is None

    @property
    def progress(self) -> tuple[int, int]:
        """(answered, remaining): remaining counts the current question until answered."""
        pending = 1 if self._current is not None and self._feedback is None else 0
        return len(self._answers), len(self._main) + len(self._waiting) + pending

    def _kind(self, question: Question) -> str:
        """ "new", "learning" or "review": the question's state as the counts see it."""
        state = self.states.get(question.key)
        if state is None:
            return "new"
        return "review" if state.fsrs_state == State.Review else "learning"

    @property
    def counts(self) -> QueueCounts:
        """New, learning and review questions still to ask (Anki's three numbers)."""
        main = self._main_counts
        learning = len(self._waiting) + main["learning"]
        new, review = main["new"], main["review"]
        if self._current is not None and self._feedback is None:
            kind = "learning" if self._current_token is not None else self._kind(self._current.question)
            new += kind == "new"
            learning += kind == "learning"
            review += kind == "review"
        elif self._feedback is not None and self._feedback.comes_back is not None:
            learning += 1  # the answer on screen is a learning step: it will be back
        return QueueCounts(new=new, learning=learning, review=review)

    @property
    def questions_done(self) -> int:
        """Distinct questions answered this session that are not coming back in it:
        what a progress bar out of `size` should show."""
        answered = {entry.presented.question.key for entry in self._answers}
        pending = {question.key for question in self._waiting.values()}
        if self._current is not None and (self._feedback is None or self._feedback.comes_back is not None):
            pending.add(self._current.question.key)
        return len(answered - pending)

    def limit_note(self) -> str | None:
        """Why new questions of this filter wait for tomorrow, for the learner; None
        when the daily new limit held nothing back."""
        if not self.held_back_new:
            return None
        limit = self.settings.new_per_day
        decks = sorted(self.held_back_new)
        waiting = sum(self.held_back_new.values())
        if self.settings.limits_per == "deck":
            done = ", ".join(f"{deck} {self.new_today_by_deck[deck]}" for deck in decks)
            head = f"New questions are limited to {limit} a day in each deck (done today: {done})"
        else:
            head = f"New questions are limited to {limit} a day across all decks ({self.new_today} done today)"
        target = " ".join(f"--deck {deck}" for deck in decks)
        return (
            f"{head}. {waiting} more wait for tomorrow: `quiz practice {target}` drills them anyway, "
            "or raise the daily new-question limit in the settings."
        )

    @property
    def can_undo(self) -> bool:
        """Whether `undo()` has an answer to cancel."""
        return bool(self._answers) and self._answers[-1].seq > self._seq - UNDO_DEPTH

    @property
    def can_rerate(self) -> bool:
        """Whether `rerate()` applies: feedback is showing for the latest answer."""
        return self._feedback is not None

    # ---------------------------------------------------------------- actions

    def is_cram(self, question: Question, now: datetime | None = None) -> bool:
        """Whether an answer to `question` now would be cram (logged, never scheduled)."""
        if self.mode != "practice" or self.cram is False:
            return False
        if self.cram:
            return True
        state = self.states.get(question.key)
        if state is None:
            return False
        moment = ensure_utc(self.clock()) if now is None else now
        if state.fsrs_state == State.Review:
            return state.due >= self.days.end_of_today(moment)
        return state.due > moment

    def _record(self, kind: str, key: str, when: datetime, **fields: Any) -> dict[str, Any]:
        """A log record with the common fields first, in the documented order."""
        record: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "app": __version__,
            "kind": kind,
            "id": uuid.uuid4().hex,
        }
        if "ref" in fields:
            record["ref"] = fields.pop("ref")
        record["time"] = when.isoformat(timespec="microseconds")
        record["learner"] = self.store.learner
        record["key"] = key
        mode = fields.pop("mode", self.mode)
        record.update(fields)
        record["session"] = self.session_id
        if kind == "answer":
            record["mode"] = mode
        return record

    def answer(self, response: Response, *, hinted: bool = False, elapsed: float | None = None) -> Feedback:
        """Grade `response` to the current question, log it durably, and schedule it.

        A response that is no answer at all (`grading.refusal`: "banana" to a number
        question) raises `NotAnAnswer`, whose message says what is expected; nothing
        is logged and the question stays current.
        """
        presented = self._current
        if presented is None:
            raise RuntimeError("the session is finished; there is no question to answer")
        if self._feedback is not None:
            raise RuntimeError("this question is already answered; call next() first")
        question = presented.question
        reason = refusal(question, response)
        if reason is not None:
            raise NotAnAnswer(reason)
        return self._answer(presented, response, grade(question, response), hinted=hinted, elapsed=elapsed)

    def reveal(self, *, elapsed: float | None = None) -> Feedback:
        """ "I don't know": show the answer of the current question without a guess.

        Logged as a wrong answer (rated Again) whose `response` is null and which
        carries `"revealed": true`; the feedback then shows the right answer. A card
        revealed this way counts as self-graded Again.
        """
        presented = self._current
        if presented is None:
            raise RuntimeError("the session is finished; there is no question to reveal")
        if self._feedback is not None:
            raise RuntimeError("this question is already answered; call next() first")
        question = presented.question
        placeholder = _placeholder(question)
        outcome = replace(grade(question, placeholder), correct=False, detail=REVEALED_DETAIL, forgiven=())
        return self._answer(presented, placeholder, outcome, hinted=False, elapsed=elapsed, revealed=True)

    def _answer(
        self,
        presented: Presented,
        response: Response,
        outcome: Outcome,
        *,
        hinted: bool,
        elapsed: float | None,
        revealed: bool = False,
    ) -> Feedback:
        """Log, schedule and count one graded answer (for `answer` and `reveal`)."""
        question = presented.question
        rating = rating_for(question, outcome, hinted)
        now = ensure_utc(self.clock())
        previous = self.states.get(question.key)
        cram = self.is_cram(question, now)
        card = (
            None
            if cram
            else self.scheduler.review(
                previous.card if previous else self.scheduler.new_card(question.key, now), rating, now
            )
        )
        record = self._record(
            "answer",
            question.key,
            now,
            type=question.type,
            response=None if revealed else response_to_json(question, response),
            correct=outcome.correct,
            rating=int(rating),
            hinted=hinted,
            typo_forgiven=outcome.typo_forgiven,
            elapsed=None if elapsed is None else round(elapsed, 3),
            mode="cram" if cram else self.mode,
            **({"revealed": True} if revealed else {}),
        )
        self.store.append(record)  # may raise StoreError: then nothing has changed

        if card is not None:
            self.states[question.key] = _after(previous, card, outcome.correct, now)
        today = self.days.day_of(now) == self.today and card is not None
        counted_new = previous is None and today
        counted_review = previous is not None and previous.fsrs_state == State.Review and today
        self.new_today += counted_new
        self.reviews_today += counted_review
        due = card.due if card is not None else (previous.due if previous is not None else None)
        state = self.states.get(question.key)
        leech = state is not None and is_leech(state.answers - state.correct, self.settings.leech_threshold)
        feedback = Feedback(
            question,
            response,
            outcome,
            rating,
            due,
            record["id"],
            cram,
            leech,
            comes_back=None if card is None else self._comes_back(card, now),
            revealed=revealed,
        )
        self._seq += 1
        self._answers.append(
            _Answer(presented, previous, feedback, now, elapsed, self._seq, counted_new, counted_review, cram=cram)
        )
        self._feedback = feedback
        return feedback

    def rerate(self, rating: Rating | int) -> Feedback:
        """Change the rating of the answer whose feedback is showing (`e` Easy, `g` Hard)."""
        if self._feedback is None:
            raise RuntimeError("only the answer whose feedback is showing can be re-rated")
        rating = Rating(rating)
        entry = self._answers[-1]
        question = entry.presented.question
        previous = entry.previous
        if entry.cram:
            # Logged so history shows the learner's own rating; the schedule stays put.
            when = ensure_utc(self.clock())
            self.store.append(
                self._record("rerate", question.key, when, ref=entry.feedback.record_id, rating=int(rating))
            )
            entry.feedback = replace(entry.feedback, rating=rating)
            self._feedback = entry.feedback
            return entry.feedback
        base = previous.card if previous else self.scheduler.new_card(question.key, entry.time)
        card = self.scheduler.review(base, rating, entry.time)
        now = ensure_utc(self.clock())
        record = self._record("rerate", question.key, now, ref=entry.feedback.record_id, rating=int(rating))
        self.store.append(record)

        self.states[question.key] = _after(previous, card, entry.feedback.outcome.correct, entry.time)
        entry.feedback = replace(entry.feedback, rating=rating, due=card.due, comes_back=self._comes_back(card, now))
        self._feedback = entry.feedback
        return entry.feedback

    @property
    def can_flag(self) -> bool:
        """Whether `suspend()` or `bury()` applies: feedback showing, nothing flagged on it yet."""
        return self._feedback is not None and self._answers[-1].flag_id is None

    def suspend(self, reason: str | None = None) -> None:
        """Suspend the question whose feedback is showing (logged): no session asks it until
        it is unsuspended. `reason` is informative ("leech"). Call `next()` to move on."""
        self._flag("suspend", **({"reason": reason} if reason else {}))

    def bury(self) -> None:
        """Bury the question whose feedback is showing (logged) until the learner's next day
        begins: it is not asked again today. Call `next()` to move on."""
        self._flag("bury", until=self.days.start_of(self.days.day_of(ensure_utc(self.clock())) + timedelta(days=1)))

    def _flag(self, kind: str, **fields: Any) -> None:
        if not self.can_flag:
            raise RuntimeError("only the question whose feedback is showing can be suspended or buried")
        entry = self._answers[-1]
        key = entry.presented.question.key
        record = flag_record(kind, self.store.learner, key, ensure_utc(self.clock()), self.session_id, **fields)
        self.store.append(record)
        self.flags.feed(record)
        entry.flag_id = record["id"]

    @property
    def can_override(self) -> bool:
        """Whether `override()` applies: the feedback showing is a wrong, typed-or-picked
        answer (not a card's own grade, not a revealed answer, not in an exam)."""
        feedback = self._feedback
        return (
            feedback is not None
            and not self.is_exam
            and not feedback.outcome.correct
            and not feedback.revealed
            and feedback.question.type != "card"
        )

    def override(self, reason: str = OVERRIDE_REASON) -> Feedback:
        """ "I was right": count the answer whose feedback is showing as right (Good).

        Appends a `rerate` record with `"correct": true` and `reason` (see the log
        format in docs/architecture.md); replay, history and the class report then
        count the answer right and mark it overridden. Undo still cancels it.
        """
        if not self.can_override:
            raise RuntimeError("only a wrong answer whose feedback is showing can be counted right")
        entry = self._answers[-1]
        question = entry.presented.question
        previous = entry.previous
        base = previous.card if previous else self.scheduler.new_card(question.key, entry.time)
        card = self.scheduler.review(base, Rating.Good, entry.time)
        now = ensure_utc(self.clock())
        record = self._record(
            "rerate",
            question.key,
            now,
            ref=entry.feedback.record_id,
            rating=int(Rating.Good),
            correct=True,
            reason=reason,
        )
        self.store.append(record)

        self.states[question.key] = _after(previous, card, True, entry.time)
        entry.feedback = replace(
            entry.feedback,
            outcome=replace(entry.feedback.outcome, correct=True),
            rating=Rating.Good,
            due=card.due,
            comes_back=self._comes_back(card, now),
            overridden=True,
        )
        self._feedback = entry.feedback
        return entry.feedback

    def _comes_back(self, card: Any, now: datetime) -> timedelta | None:
        """How soon a drilled question in a learning step is asked again this session."""
        if self.mode != "drill" or card.state == State.Review:
            return None
        wait = card.due - now
        return max(wait, timedelta(0)) if wait <= REQUEUE_WITHIN else None

    def next(self) -> Presented | None:
        """Leave the feedback and show the next question (None when the session is over).

        A question suspended or buried on its feedback does not come back."""
        if self._feedback is None:
            if self._current is None:
                return None
            raise RuntimeError("answer the current question before moving on")
        entry = self._answers[-1]
        if entry.flag_id is not None:
            self._feedback = None
            self._advance()
            return self._current
        if entry.cram:
            if not entry.feedback.outcome.correct and not any(
                a.presented.question.key == entry.presented.question.key and a.token is not None for a in self._answers
            ):
                entry.token = self._requeue(entry.presented.question, entry.time + CRAM_AGAIN)
            self._feedback = None
            self._advance()
            return self._current
        state = self.states[entry.presented.question.key]
        if self.mode == "drill" and state.fsrs_state != State.Review and state.due - entry.time <= REQUEUE_WITHIN:
            entry.token = self._requeue(entry.presented.question, state.due)
        self._feedback = None
        self._advance()
        return self._current

    def skip(self) -> Presented | None:
        """Pass over the unanswered current question: nothing is logged, its schedule is
        untouched, and it is not asked again in this session."""
        if self._current is None or self._feedback is not None:
            raise RuntimeError("only a question not answered yet can be skipped")
        self._advance()
        return self._current

    def undo(self) -> Presented | None:
        """Cancel the latest answer (logged as an `undo`) and show its question again."""
        if not self.can_undo:
            raise RuntimeError("there is no answer to undo")
        entry = self._answers[-1]
        question = entry.presented.question
        now = ensure_utc(self.clock())
        if entry.flag_id is not None:
            # A suspend or bury given on this answer's feedback goes with it.
            undo_flag = self._record("undo", question.key, now, ref=entry.flag_id)
            self.store.append(undo_flag)
            self.flags.feed(undo_flag)
            entry.flag_id = None
        self.store.append(self._record("undo", question.key, now, ref=entry.feedback.record_id))

        self._answers.pop()
        # A cram answer never changed the state, so only a real one is taken back.
        if not entry.cram:
            if entry.previous is None:
                del self.states[question.key]
            else:
                self.states[question.key] = entry.previous
        self.new_today -= entry.counted_new
        self.reviews_today -= entry.counted_review
        if entry.token is not None:
            self._waiting.pop(entry.token, None)
        if (
            self._feedback is None
            and self._current is not None
            and (self._current_token is None or self._current_token != entry.token)
        ):
            # Shown but not answered yet: it comes next again. (Unless it is the
            # very comeback the undone answer caused, which is cancelled with it.)
            self._main.appendleft(self._current.question)
            self._main_counts[self._kind(self._current.question)] += 1
        self._feedback = None
        self._current = entry.presented
        self._current_token = None
        return self._current

    # ---------------------------------------------------------------- summary

    def summary(self) -> Summary:
        """Figures for the end screen (can be asked at any time)."""
        feedbacks = tuple(entry.feedback for entry in self._answers)
        answered = len(feedbacks)
        right = sum(1 for f in feedbacks if f.outcome.correct)
        elapsed = [entry.elapsed for entry in self._answers if entry.elapsed is not None]
        if elapsed:
            spent = timedelta(seconds=sum(elapsed))
        elif self._answers:
            spent = self._answers[-1].time - self.started
        else:
            spent = timedelta(0)
        misses = Counter(f.question.key for f in feedbacks if not f.outcome.correct)
        by_key = {f.question.key: f.question for f in feedbacks}
        hardest = tuple((by_key[key], n) for key, n in misses.most_common(HARDEST_SHOWN))
        horizon = self.days.start_of(self.today + timedelta(days=2))
        due_tomorrow = 0
        for question in self.questions:
            state = self.states.get(question.key)
            if state is not None and state.due < horizon:
                due_tomorrow += 1
        exam = self.mode == "exam"
        return Summary(
            mode=self.mode,
            answered=answered,
            right=right,
            accuracy=right / answered if answered else 0.0,
            time_spent=spent,
            hardest=hardest,
            due_tomorrow=due_tomorrow,
            feedbacks=feedbacks,
            score=right if exam else None,
            out_of=self.size if exam else None,
        )


def _placeholder(question: Question) -> Response:
    """A response of the right shape that gives nothing away (for `Session.reveal`)."""
    if isinstance(question, CardQuestion):
        return 1
    if isinstance(question, TrueFalseQuestion):
        return not question.answer
    if isinstance(question, MultiQuestion):
        return frozenset()
    if isinstance(question, ClozeQuestion):
        return ("",) * len(question.gaps)
    if isinstance(question, OrderQuestion):
        return ()
    if isinstance(question, MatchQuestion):
        return {}
    return ""


def _after(previous: QuestionState | None, card: Any, correct: bool, when: datetime) -> QuestionState:
    """A new state after one answer; `previous` is left as it was (undo restores it)."""
    if previous is None:
        return QuestionState(card, 1, int(correct is True), when, when)
    return QuestionState(
        card,
        previous.answers + 1,
        previous.correct + int(correct is True),
        when,
        previous.first,
    )
