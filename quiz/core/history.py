"""Aggregates of a learner's review log: the history screen and `quiz history`.

The class report (`quiz report`) is built in `quiz.core.class_report` from the same pass.

Everything here is computed in one streaming pass over the log: each record goes
to `quiz.core.replayer.Replayer` (the FSRS card states, so nothing disagrees with a
session) and to a column store of the answers (plain `array`s, no object per
record) from which the figures are drawn. The clock is always a parameter.
`load_history` (and `quiz.core.class_report`) resume that pass from a
`quiz.core.replay_cache` snapshot of the log when one fits, so only the lines
written since go through FSRS; the figures are exactly those of a full pass.

Definitions, so the figures can be checked by hand:

- An *answer* is an `answer` record not cancelled by an `undo`; a `rerate`
  changes its rating; one with `"correct": true` is the learner's "I was right"
  (issue 19): the answer counts as right from then on and is remembered as an
  *override*, which the class report counts apart. An undo or rerate finds its answer
  among the latest held-back answers of the question, exactly as
  `replayer.Replayer` does (`replayer.PENDING_PER_KEY`).
- Days and ISO weeks are the learner's: a day starts at `day_starts_at`
  o'clock local time (`quiz.core.days`), as the daily limits do.
- *Predicted recall* of a question is FSRS retrievability at `now` (0 before the
  first answer). A question is *mastered* when it is at least the desired
  retention (0.9 by default); a group's *mastery* is the share of its questions
  mastered, new questions included.
- *new*: never answered. *learning*: FSRS state Learning or Relearning, or Review
  with stability under `MATURE_STABILITY_DAYS` (21 days, Anki's "mature"
  threshold). *mature*: Review with stability of 21 days or more.
- The *forecast* counts, for each of the next `FORECAST_DAYS` learner days starting
  today, the answered questions falling due that day; overdue ones count today.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeAlias

from fsrs import State

from quiz.core import replay_cache
from quiz.core.answer_runs import EVERY, AnswerRun
from quiz.core.bank_cache import collection_paused
from quiz.core.days import Days
from quiz.core.flags import Flags, is_leech
from quiz.core.history_columns import AnswerEntry, _Answers
from quiz.core.model import Library, Question
from quiz.core.records import MAX_DEPTH
from quiz.core.replayer import COUNT_BUCKET, QuestionState, Replayer
from quiz.core.scheduling import Card, Scheduler, Settings, ensure_utc
from quiz.core.store import Store

__all__ = [
    "FORECAST_DAYS",
    "HEATMAP_DAYS",
    "MATURE_STABILITY_DAYS",
    "AnswerEntry",
    "DayCount",
    "GroupMastery",
    "LearnerHistory",
    "QuestionHistory",
    "QuestionSummary",
    "SessionSummary",
    "Status",
    "UnknownKeys",
    "WeekAccuracy",
    "build_history",
    "load_history",
    "response_text",
    "status_of",
]

MATURE_STABILITY_DAYS = 21.0
"""FSRS stability (days) from which a Review card counts as mature."""
HEATMAP_DAYS = 182
"""Days in the calendar heatmap: the last six months (26 weeks), today included."""
FORECAST_DAYS = 30

Status: TypeAlias = Literal["new", "learning", "mature"]
_EPOCH = date(1970, 1, 1)
_DAY_SECONDS = COUNT_BUCKET
"""Answers are counted per quarter hour of UTC time, then gathered into the learner's
local days (`quiz.core.days`) when the figures are drawn, so a snapshot serves any zone."""


def status_of(card: Card | None) -> Status:
    """new / learning / mature, as defined in the module docstring."""
    if card is None:
        return "new"
    if card.state == State.Review and (card.stability or 0.0) >= MATURE_STABILITY_DAYS:
        return "mature"
    return "learning"


def response_text(value: object) -> str:
    """A stored response as one line of plain text (for tables, CSV and the screen).

    Lists become `a | b`, mappings `left → right | ...`. Iterative, and nesting
    beyond `records.MAX_DEPTH` is shown as `…`: a log is input from outside, and
    no value in it may exhaust the stack (see `quiz.core.records`).
    """
    if isinstance(value, str):
        return value
    out: list[str] = []
    # A stack of pending work: values to render (with their depth) and literal text.
    stack: list[tuple[object, int] | str] = [(value, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        current, depth = item
        if isinstance(current, str):
            out.append(current)
        elif isinstance(current, bool):
            out.append("true" if current else "false")
        elif current is None:
            pass
        elif isinstance(current, list | tuple | dict):
            if depth >= MAX_DEPTH:
                out.append("…")
                continue
            parts: list[tuple[object, int] | str] = []
            if isinstance(current, dict):
                for index, (left, right) in enumerate(current.items()):
                    if index:
                        parts.append(" | ")
                    parts.extend([(left, depth + 1), " → ", (right, depth + 1)])
            else:
                for index, element in enumerate(current):
                    if index:
                        parts.append(" | ")
                    parts.append((element, depth + 1))
            stack.extend(reversed(parts))
        else:
            out.append(str(current))
    return "".join(out)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DayCount:
    """Answers (and right ones) on one learner day; in the forecast, questions due."""

    day: date
    count: int
    right: int = 0


@dataclass(frozen=True)
class WeekAccuracy:
    """One ISO week with answers."""

    year: int
    week: int
    start: date
    """The Monday of the week."""
    answers: int
    right: int

    @property
    def label(self) -> str:
        """`2026-W07`."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def accuracy(self) -> float:
        """Share right (the week has answers, so never a division by zero)."""
        return self.right / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class GroupMastery:
    """A deck or a tag: how much of it is known now."""

    kind: Literal["deck", "tag"]
    name: str
    title: str
    total: int
    mastered: int
    new: int
    learning: int
    mature: int

    @property
    def mastery(self) -> float:
        """Share of the group's questions whose predicted recall reaches the retention."""
        return self.mastered / self.total if self.total else 0.0


@dataclass(frozen=True)
class SessionSummary:
    """One past session, from its answers' records."""

    session: str
    start: datetime
    end: datetime
    answers: int
    right: int
    mode: str


@dataclass(frozen=True)
class QuestionSummary:
    """One answered question in the list of the history screen."""

    key: str
    prompt: str | None
    """None when the question is no longer in the banks."""
    answers: int
    right: int
    last: datetime | None
    recall: float
    status: Status
    due: datetime | None
    leech: bool = False
    """Missed `leech_threshold` times or more (`quiz.core.flags`)."""
    suspended: bool = False
    """Left out of every session until unsuspended."""


@dataclass(frozen=True)
class QuestionHistory:
    """Everything the log says about one question."""

    key: str
    question: Question | None
    answers: tuple[AnswerEntry, ...]
    recall: float
    """Predicted recall now (0 if never answered)."""
    status: Status
    due: datetime | None
    stability: float | None


@dataclass(frozen=True)
class UnknownKeys:
    """Answers to questions that are no longer in the loaded banks."""

    answers: int = 0
    questions: int = 0

    def message(self) -> str:
        """The line a report prints, or "" when there are none."""
        if not self.answers:
            return ""
        plural_a = "answer" if self.answers == 1 else "answers"
        plural_q = "question" if self.questions == 1 else "questions"
        return (
            f"{self.answers} {plural_a} to {self.questions} {plural_q} "
            "no longer in the banks (left out of the figures per question)"
        )


# --------------------------------------------------------------------------- the pass


def _from_ts(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _day(number: int) -> date:
    return _EPOCH + timedelta(days=number)


def _collect(
    records: Iterable[dict[str, Any]], scheduler: Scheduler
) -> tuple[_Answers, dict[str, QuestionState], Flags]:
    """The single pass: every record to the column store and to the replayer."""
    answers = _Answers()
    replayer = Replayer(scheduler)
    feed_answers = answers.feed
    feed_replay = replayer.feed
    for record in records:
        feed_answers(record)
        feed_replay(record)
    return answers, replayer.finish(), replayer.flags


class _HistoryPass:
    """The same pass over a log file, resumable from a `replay_cache` snapshot."""

    lane = EVERY

    def __init__(self, answers: _Answers, replayer: Replayer) -> None:
        self.answers = answers
        self.replayer = replayer
        feed_answers, feed_replay = answers.feed, replayer.feed
        run_answers, run_replay = answers.feed_run, replayer.feed_run

        def feed(record: dict[str, Any]) -> None:
            feed_answers(record)
            feed_replay(record)

        def feed_run(run: AnswerRun) -> None:
            run_answers(run)
            run_replay(run)

        self.feed = feed
        self.feed_run = feed_run

    def dump(self) -> tuple[dict[str, Any], dict[str, array[Any] | bytearray]]:
        body, sections = self.answers.dump()
        return {"replay": replay_cache.replayer_to_json(self.replayer), "answers": body}, sections


def _collect_log(
    path: Path | Sequence[Path],
    scheduler: Scheduler,
    on_warning: Callable[[str], None],
    now: datetime | None = None,
    *,
    min_new_lines: int | None = None,
) -> tuple[_Answers, dict[str, QuestionState], Flags]:
    """`_collect` over a log file, from a snapshot of it when one fits (see `replay_cache`).

    Without the cyclic garbage collector: the pass makes no cycles, but its
    allocations (a block's matches, the columns) started a collection every few
    hundred, each walking what the pass holds; a tenth of a cold pass's time."""

    def restore(snapshot: replay_cache.Snapshot) -> _HistoryPass:
        body = snapshot.body
        return _HistoryPass(
            _Answers.restore(body["answers"], snapshot.sections),
            replay_cache.replayer_from_json(body["replay"], scheduler, None),
        )

    with collection_paused():
        work = replay_cache.run_pass(
            path,
            "history",
            scheduler,
            lambda: _HistoryPass(_Answers(), Replayer(scheduler)),
            restore,
            on_warning,
            now=now,
            min_new_lines=min_new_lines,
        )
    return work.answers, work.replayer.finish(), work.replayer.flags


# --------------------------------------------------------------------------- one learner


@dataclass(frozen=True)
class LearnerHistory:
    """All the figures of one learner's history at `now`."""

    learner: str
    now: datetime
    desired_retention: float
    answers: int
    right: int
    days: tuple[DayCount, ...]
    """The heatmap: every learner day of the last `HEATMAP_DAYS`, oldest first, today last."""
    weeks: tuple[WeekAccuracy, ...]
    """Every ISO week with answers, oldest first."""
    decks: tuple[GroupMastery, ...]
    tags: tuple[GroupMastery, ...]
    forecast: tuple[DayCount, ...]
    """Questions due on each of the next `FORECAST_DAYS` days, today (with overdue) first."""
    sessions: tuple[SessionSummary, ...]
    """Oldest first."""
    questions: tuple[QuestionSummary, ...]
    """Every answered question: the library's in bank order, then unknown keys sorted."""
    unknown: UnknownKeys
    warnings: tuple[str, ...] = ()
    _answers: _Answers = field(default_factory=_Answers, repr=False, compare=False)
    _states: Mapping[str, QuestionState] = field(default_factory=dict, repr=False, compare=False)
    _by_key: Mapping[str, Question] = field(default_factory=dict, repr=False, compare=False)
    _scheduler: Scheduler = field(default_factory=Scheduler, repr=False, compare=False)

    @property
    def accuracy(self) -> float:
        """Share of all answers that were right."""
        return self.right / self.answers if self.answers else 0.0

    @property
    def mastery(self) -> float:
        """Share of all the library's questions mastered now."""
        total = sum(group.total for group in self.decks)
        mastered = sum(group.mastered for group in self.decks)
        return mastered / total if total else 0.0

    @property
    def groups(self) -> tuple[GroupMastery, ...]:
        """Decks, then tags."""
        return self.decks + self.tags

    def question_history(self, key: str) -> QuestionHistory:
        """The full answer history of any question (none yet is fine) and its recall now."""
        question = self._by_key.get(key)
        k = self._answers.key_index.get(key)
        entries = () if k is None else tuple(map(self._answers.entry, self._answers.live_rows(k)))
        state = self._states.get(key)
        card = state.card if state is not None else None
        return QuestionHistory(
            key=key,
            question=question,
            answers=entries,
            recall=self._scheduler.retrievability(card, self.now) if card is not None else 0.0,
            status=status_of(card),
            due=card.due if card is not None else None,
            stability=card.stability if card is not None else None,
        )

    def iter_answers(self) -> Iterator[tuple[str, AnswerEntry]]:
        """Every effective answer in log order, with its question key (for CSV export)."""
        answers = self._answers
        keys = answers.keys
        for row in range(len(answers)):
            if answers.live(row):
                yield keys[answers.row_key[row]], answers.entry(row)


def build_history(
    records: Iterable[dict[str, Any]],
    library: Library,
    *,
    now: datetime,
    learner: str = "",
    settings: Settings | None = None,
    warnings: Sequence[str] = (),
    days: Days | None = None,
) -> LearnerHistory:
    """Every figure of the history from a stream of records (see the module docstring).

    `days` overrides the learner's days (default: `settings.days`, the machine's zone)."""
    now = ensure_utc(now)
    scheduler = Scheduler(settings)
    answers, states, flags = _collect(records, scheduler)
    return _history(answers, states, library, scheduler, now, learner, tuple(warnings), days, flags)


def history_of_logs(
    paths: Sequence[Path],
    library: Library,
    *,
    now: datetime,
    learner: str = "",
    settings: Settings | None = None,
) -> LearnerHistory:
    """The history of a learner's log files wherever they are (a teacher's copy of a
    learner's folder): the same figures as `load_history`, from the snapshot cache."""
    scheduler = Scheduler(settings)
    warnings: list[str] = []
    answers, states, flags = _collect_log(tuple(paths), scheduler, warnings.append, ensure_utc(now))
    return _history(answers, states, library, scheduler, ensure_utc(now), learner, tuple(warnings), None, flags)


def load_history(
    scores_dir: Path,
    learner: str,
    library: Library,
    *,
    now: datetime,
    settings: Settings | None = None,
    days: Days | None = None,
) -> LearnerHistory:
    """The history of `scores_dir/learner/reviews.jsonl` (a missing log is an empty one).

    Raises `store.LearnerError` for an unsafe name, `store.StoreError` when the log
    cannot be read; skipped lines become `warnings`.
    """
    store = Store(scores_dir, learner)
    warnings: list[str] = []
    now = ensure_utc(now)
    scheduler = Scheduler(settings)
    answers, states, flags = _collect_log(store.logs(), scheduler, warnings.append, now)
    return _history(answers, states, library, scheduler, now, learner, tuple(warnings), days, flags)


def _history(
    answers: _Answers,
    states: dict[str, QuestionState],
    library: Library,
    scheduler: Scheduler,
    now: datetime,
    learner: str,
    warnings: tuple[str, ...],
    local_days: Days | None = None,
    flags: Flags | None = None,
) -> LearnerHistory:
    learner_days = scheduler.settings.days if local_days is None else local_days
    flags = Flags() if flags is None else flags
    threshold = scheduler.settings.leech_threshold
    today = learner_days.day_of(now)
    today_number = (today - _EPOCH).days
    first = today_number - HEATMAP_DAYS + 1
    # Quarter-hour counts gathered into the learner's days (numbered from the epoch).
    bucket_day = learner_days.bucket_days(answers.day_answers, _DAY_SECONDS)
    day_answers: dict[int, int] = {}
    day_right: dict[int, int] = {}
    for source, target in ((answers.day_answers, day_answers), (answers.day_right, day_right)):
        for bucket, count in source.items():
            number = (bucket_day[bucket] - _EPOCH).days if bucket in bucket_day else bucket * _DAY_SECONDS // 86400
            target[number] = target.get(number, 0) + count
    days = tuple(DayCount(_day(n), day_answers.get(n, 0), day_right.get(n, 0)) for n in range(first, today_number + 1))

    week_totals: dict[tuple[int, int], list[int]] = {}
    for number, count in day_answers.items():
        if count <= 0:
            continue
        year, week, _ = _day(number).isocalendar()
        totals = week_totals.setdefault((year, week), [0, 0])
        totals[0] += count
        totals[1] += day_right.get(number, 0)
    weeks = tuple(
        WeekAccuracy(year, week, date.fromisocalendar(year, week, 1), totals[0], totals[1])
        for (year, week), totals in sorted(week_totals.items())
    )

    by_key = library.by_key()
    recall: dict[str, float] = {}
    forecast = [0] * FORECAST_DAYS
    for key, known in states.items():
        card = known.card
        recall[key] = scheduler.retrievability(card, now)
        if key in by_key:
            offset = max(0, (learner_days.day_of(card.due) - today).days)
            if offset < FORECAST_DAYS:
                forecast[offset] += 1

    retention = scheduler.settings.desired_retention
    decks: dict[str, list[int]] = {}
    tags: dict[str, list[int]] = {}
    titles: dict[str, str] = {}
    for bank in library.banks:
        titles.setdefault(bank.deck, bank.title)
        for question in bank.questions:
            found = states.get(question.key)
            status = status_of(found.card if found is not None else None)
            slot = {"new": 2, "learning": 3, "mature": 4}[status]
            mastered = 1 if recall.get(question.key, 0.0) >= retention else 0
            for totals in [decks.setdefault(question.deck, [0, 0, 0, 0, 0])] + [
                tags.setdefault(tag, [0, 0, 0, 0, 0]) for tag in question.tags
            ]:
                totals[0] += 1
                totals[1] += mastered
                totals[slot] += 1

    def group(kind: Literal["deck", "tag"], name: str, totals: list[int]) -> GroupMastery:
        title = titles.get(name, name) if kind == "deck" else name
        return GroupMastery(kind, name, title, *totals)

    sessions = sorted(
        (
            SessionSummary(
                session=answers.sessions[s],
                start=_from_ts(answers.sess_start[s]),
                end=_from_ts(answers.sess_end[s]),
                answers=answers.sess_answers[s],
                right=answers.sess_right[s],
                mode=answers.sess_mode[s],
            )
            for s in range(len(answers.sessions))
            if answers.sess_answers[s] > 0
        ),
        key=lambda summary: summary.start,
    )

    summaries: list[QuestionSummary] = []
    unknown_answers = 0
    unknown_keys: list[str] = []

    def summary(key: str, question: Question | None, state: QuestionState) -> QuestionSummary:
        return QuestionSummary(
            key=key,
            prompt=question.prompt if question is not None else None,
            answers=state.answers,
            right=state.correct,
            last=state.last,
            recall=recall[key],
            status=status_of(state.card),
            due=state.card.due,
            leech=is_leech(state.answers - state.correct, threshold),
            suspended=flags.is_suspended(key),
        )

    for question in library.questions:
        answered = states.get(question.key)
        if answered is not None and answered.answers:
            summaries.append(summary(question.key, question, answered))
    for key in sorted(states):
        if key not in by_key and states[key].answers:
            unknown_keys.append(key)
            unknown_answers += states[key].answers
            summaries.append(summary(key, None, states[key]))

    return LearnerHistory(
        learner=learner,
        now=now,
        desired_retention=retention,
        answers=answers.total,
        right=answers.right,
        days=days,
        weeks=weeks,
        decks=tuple(group("deck", name, totals) for name, totals in decks.items()),
        tags=tuple(group("tag", name, tags[name]) for name in sorted(tags)),
        forecast=tuple(DayCount(today + timedelta(days=offset), count) for offset, count in enumerate(forecast)),
        sessions=tuple(sessions),
        questions=tuple(summaries),
        unknown=UnknownKeys(unknown_answers, len(unknown_keys)),
        warnings=warnings,
        _answers=answers,
        _states=states,
        _by_key=by_key,
        _scheduler=scheduler,
    )
