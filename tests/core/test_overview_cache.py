"""The cached home overview (`quiz.core.overview_cache`): a hit gives exactly the counts a
replay gives, and anything the counts depend on (an answer, another device's file, a
bank, a setting, the day, a question coming due) makes it a miss; a malformed entry is
a miss, never an error."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core import overview_cache
from quiz.core.bank import load_paths
from quiz.core.model import Library
from quiz.core.overview_cache import DeckCounts, Entry
from quiz.core.replay_cache import replay_log
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import overview
from quiz.core.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""A Monday, 09:00 UTC (tests run with TZ=UTC; the learner's day starts at 04:00)."""


def bank_text(deck: str, count: int, title: str | None = None) -> str:
    lines = [f"deck: {deck}", f"title: {title or deck.title()}", "questions:"]
    for n in range(1, count + 1):
        lines += [f"  - id: q{n}", "    type: truefalse", f"    prompt: Statement {n} of {deck}?", "    answer: true"]
    return "\n".join(lines) + "\n"


def answer(n: int, key: str, when: datetime, *, correct: bool = True, device: str = "laptop") -> dict[str, Any]:
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": f"{device}-{n}",
        "time": when.isoformat(timespec="microseconds"),
        "learner": "ana",
        "key": key,
        "type": "truefalse",
        "response": correct,
        "correct": correct,
        "rating": 3 if correct else 1,
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": 2.0,
        "session": "s1",
        "mode": "drill",
    }


def write(path: Path, *records: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


class Learner:
    """A learner's folder, the banks, a cache folder: compute as the home screen does."""

    def __init__(self, root: Path) -> None:
        self.banks = root / "banks"
        self.banks.mkdir()
        (self.banks / "alpha.yaml").write_text(bank_text("alpha", 3), encoding="utf-8")
        (self.banks / "beta.yaml").write_text(bank_text("beta", 2), encoding="utf-8")
        self.scores = root / "scores"
        self.cache = root / "cache"
        self.store = Store(self.scores, "ana", device="laptop")
        self.settings = Settings()
        self.library = self.load_library()

    def load_library(self) -> Library:
        library, problems = load_paths([self.banks])
        assert not problems, problems
        return library

    def entry(self) -> Entry:
        return Entry(self.store.folder, self.store.logs(), self.library, self.settings, folder=self.cache)

    def replayed(self, now: datetime) -> list[DeckCounts]:
        """The counts a replay gives now, kept in the cache as the home screen keeps them."""
        entry = self.entry()
        states = replay_log(self.store.logs(), Scheduler(self.settings), now=now, folder=None).states
        stats = overview(self.library, states, self.settings, now)
        entry.save(stats, states, now)
        return [overview_cache.DeckCounts(*(getattr(s, f) for f in FIELDS)) for s in stats]

    def cached(self, now: datetime) -> list[DeckCounts] | None:
        return self.entry().load(now)


FIELDS = ("deck", "title", "description", "total", "new", "due", "learned", "is_total")


@pytest.fixture
def learner(tmp_path: Path) -> Learner:
    person = Learner(tmp_path)
    write(
        person.store.path,
        answer(1, "alpha/q1", T0 - timedelta(days=3)),
        answer(2, "alpha/q1", T0 - timedelta(days=3, minutes=-10)),
        answer(3, "beta/q1", T0 - timedelta(days=1)),
    )
    return person


def test_a_hit_gives_the_replayed_counts(learner: Learner) -> None:
    assert learner.cached(T0) is None  # nothing computed yet
    counts = learner.replayed(T0)
    assert learner.cached(T0) == counts
    assert learner.cached(T0 + timedelta(hours=1)) == counts
    # The counts are the real ones: five questions, two answered, three never.
    assert counts[-1].is_total and counts[-1].total == 5 and counts[-1].new == 3


def test_an_answer_appended_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    write(learner.store.path, answer(4, "alpha/q2", T0 + timedelta(minutes=1)))
    now = T0 + timedelta(minutes=2)
    assert learner.cached(now) is None
    fresh = learner.replayed(now)
    assert fresh[0].new == 1  # alpha/q2 is no longer new
    assert learner.cached(now) == fresh


def test_another_devices_file_is_a_miss_when_it_appears_or_changes(learner: Learner) -> None:
    learner.replayed(T0)
    phone = learner.store.folder / "phone.jsonl"
    write(phone, answer(1, "beta/q2", T0 - timedelta(hours=1), device="phone"))
    assert learner.cached(T0) is None
    learner.replayed(T0)
    assert learner.cached(T0) is not None
    write(phone, answer(2, "alpha/q3", T0 - timedelta(minutes=30), device="phone"))
    assert learner.cached(T0) is None
    assert learner.replayed(T0)[0].new == 1


def test_a_file_rewritten_with_the_same_size_but_a_new_time_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    info = learner.store.path.stat()
    os.utime(learner.store.path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    assert learner.cached(T0) is None


def test_an_edited_bank_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    (learner.banks / "beta.yaml").write_text(bank_text("beta", 3), encoding="utf-8")
    learner.library = learner.load_library()
    assert learner.cached(T0) is None
    assert learner.replayed(T0)[1].total == 3
    (learner.banks / "beta.yaml").write_text(bank_text("beta", 3, title="Renamed"), encoding="utf-8")
    learner.library = learner.load_library()
    assert learner.cached(T0) is None
    (learner.banks / "beta.yaml").unlink()
    learner.library = learner.load_library()
    assert learner.cached(T0) is None


@pytest.mark.parametrize(
    "change",
    [
        {"desired_retention": 0.8},
        {"new_per_day": 5},
        {"reviews_per_day": 10},
        {"day_starts_at": 0},
        {"learning_steps": (timedelta(minutes=5),)},
        {"parameters": tuple(Settings().parameters or ()) or (0.5,) * 21},
        {"exam_date": date(2026, 6, 1)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_changed_setting_is_a_miss(learner: Learner, change: dict[str, Any]) -> None:
    learner.replayed(T0)
    assert learner.cached(T0) is not None
    learner.settings = replace(learner.settings, **change)
    assert learner.cached(T0) is None


def test_the_day_boundary_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    day_end = learner.settings.days.end_of_today(T0)
    assert day_end == datetime(2026, 3, 3, 4, 0, tzinfo=UTC)
    assert learner.cached(day_end - timedelta(seconds=1)) is not None
    assert learner.cached(day_end) is None


def test_a_question_coming_due_in_a_learning_step_is_a_miss(tmp_path: Path) -> None:
    learner = Learner(tmp_path)
    # One first answer: the question waits in its 10-minute learning step.
    write(learner.store.path, answer(1, "alpha/q1", T0))
    before = learner.replayed(T0 + timedelta(minutes=1))
    assert before[0].due == 0
    assert learner.cached(T0 + timedelta(minutes=9)) == before
    later = T0 + timedelta(minutes=10)
    assert learner.cached(later) is None
    assert learner.replayed(later)[0].due == 1  # the miss mattered: the count changed


def test_a_clock_set_back_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    assert learner.cached(T0 - timedelta(minutes=1)) is None


def test_the_key_is_taken_before_the_replay(learner: Learner) -> None:
    """An answer written while the log is replayed leaves the entry stale, not wrong."""
    entry = learner.entry()
    write(learner.store.path, answer(9, "alpha/q3", T0))
    states = replay_log(learner.store.logs(), Scheduler(learner.settings), now=T0, folder=None).states
    entry.save(overview(learner.library, states, learner.settings, T0), states, T0)
    assert learner.cached(T0) is None


def test_learners_have_their_own_entries(learner: Learner) -> None:
    counts = learner.replayed(T0)
    other = Store(learner.scores, "bea", device="laptop")
    entry = Entry(other.folder, other.logs(), learner.library, learner.settings, folder=learner.cache)
    assert entry.path != learner.entry().path
    assert entry.load(T0) is None
    assert learner.cached(T0) == counts


def test_caching_off_reads_and_writes_nothing(learner: Learner) -> None:
    entry = Entry(learner.store.folder, learner.store.logs(), learner.library, learner.settings, folder=None)
    assert overview_cache.cache_dir({"QUIZ_CACHE": "off"}) is None
    assert entry.load(T0) is None
    assert entry.save([], {}, T0) is False
    assert not learner.cache.exists()


def test_an_unwritable_cache_folder_is_ignored(learner: Learner) -> None:
    learner.cache.write_text("a file where the folder should be", encoding="utf-8")
    counts = learner.replayed(T0)  # no error
    assert counts[-1].total == 5
    assert learner.cached(T0) is None


def test_saving_leaves_no_temporary_file(learner: Learner) -> None:
    learner.replayed(T0)
    entry = learner.entry()
    assert entry.path is not None
    assert [path.name for path in entry.path.parent.iterdir()] == [entry.path.name]


def _mutations() -> list[tuple[str, Any]]:
    """Ways an entry can be broken: (name, function from the entry's dict to new bytes)."""

    def dumps(entry: dict[str, Any]) -> bytes:
        return json.dumps(entry).encode()

    def setting(path: tuple[Any, ...], value: Any) -> Any:
        def change(entry: dict[str, Any]) -> bytes:
            target: Any = entry
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
            return dumps(entry)

        return change

    return [
        ("empty", lambda entry: b""),
        ("garbage", lambda entry: b"\xff\xfe\x00not json"),
        ("truncated", lambda entry: dumps(entry)[:40]),
        ("a list", lambda entry: b"[1, 2, 3]"),
        ("deeply nested", lambda entry: b"[" * 100_000 + b"]" * 100_000),
        ("too big", lambda entry: b" " * (overview_cache.MAX_ENTRY_BYTES + 1) + dumps(entry)),
        ("other format", setting(("format",), 99)),
        ("other app version", setting(("app",), "0.0.0")),
        ("no rows", setting(("rows",), None)),
        ("rows a dict", setting(("rows",), {"a": 1})),
        ("a row too short", setting(("rows", 0), ["alpha", "Alpha"])),
        ("a row of wrong types", setting(("rows", 0), [1, 2, 3, 4, 5, 6, 7, 8])),
        ("a negative count", setting(("rows", 0, 4), -1)),
        ("a float count", setting(("rows", 0, 4), 1.0)),
        ("a boolean count", setting(("rows", 0, 4), True)),
        ("more new than total", setting(("rows", 0, 4), 10**6)),
        ("another deck's row", setting(("rows", 0, 0), "gamma")),
        ("total flag wrong", setting(("rows", 0, 7), True)),
        ("one row missing", lambda entry: dumps({**entry, "rows": entry["rows"][1:]})),
        ("a bad time", setting(("valid_until",), "tomorrow")),
        ("a time without zone", setting(("computed_at",), "2026-03-02T09:00:00")),
        ("a number for a time", setting(("day_end",), 12)),
        ("a key of another shape", setting(("key",), [1])),
        ("missing key", lambda entry: dumps({k: v for k, v in entry.items() if k != "valid_until"})),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[name for name, _ in _mutations()])
def test_a_malformed_entry_is_a_miss_then_rewritten(learner: Learner, name: str, mutate: Any) -> None:
    counts = learner.replayed(T0)
    entry = learner.entry()
    assert entry.path is not None
    good = json.loads(entry.path.read_text(encoding="utf-8"))
    entry.path.write_bytes(mutate(good))
    assert learner.cached(T0) is None
    assert learner.replayed(T0) == counts
    assert learner.cached(T0) == counts


def test_an_unreadable_entry_is_a_miss(learner: Learner) -> None:
    learner.replayed(T0)
    entry = learner.entry()
    assert entry.path is not None
    entry.path.unlink()
    entry.path.mkdir()  # a folder where the file should be
    assert learner.cached(T0) is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_in_place_of_the_entry_is_a_miss_without_blocking(learner: Learner) -> None:
    learner.replayed(T0)
    entry = learner.entry()
    assert entry.path is not None
    entry.path.unlink()
    os.mkfifo(entry.path)  # opening it for reading would wait for a writer for ever
    assert learner.cached(T0) is None


def test_counts_and_validity_in_microseconds_are_those_of_the_due_dates(tmp_path: Path) -> None:
    """`overview` and `valid_until` compare the states' due times as the replay keeps them
    (microseconds); they give what comparing `state.due` and `state.fsrs_state` gives,
    also for states whose card was set by a session, at any moment of the day."""
    from fsrs import Rating, State

    learner = Learner(tmp_path)
    keys = [question.key for question in learner.library.questions]
    for n in range(40):
        when = T0 - timedelta(days=9) + timedelta(hours=5 * n)
        write(learner.store.path, answer(n, keys[n % 4], when, correct=n % 3 != 0))
    scheduler = Scheduler(learner.settings)
    states = replay_log(learner.store.logs(), scheduler, now=T0, folder=None).states
    assert {state.fsrs_state for state in states.values()} >= {State.Review}
    reviewed = states[keys[0]]
    reviewed.card = scheduler.review(reviewed.card, Rating.Again, T0 - timedelta(minutes=3))  # as a session does
    for moment in (T0 - timedelta(hours=4), T0, T0 + timedelta(minutes=7), T0 + timedelta(hours=15)):
        day_end = learner.settings.days.end_of_today(moment)
        expected = []
        for bank in learner.library.banks:
            got = [states.get(question.key) for question in bank.questions]
            known = [state for state in got if state is not None]
            learned = [state for state in known if state.fsrs_state == State.Review]
            due = sum(1 for state in learned if state.due < day_end)
            due += sum(1 for state in known if state.fsrs_state != State.Review and state.due <= moment)
            expected.append((len(bank.questions), len(got) - len(known), due, len(learned)))
        rows = overview(learner.library, states, learner.settings, moment)
        assert [(row.total, row.new, row.due, row.learned) for row in rows[:-1]] == expected
        until = min(
            [day_end]
            + [
                state.due
                for state in states.values()
                if state.fsrs_state != State.Review and moment < state.due < day_end
            ]
        )
        assert overview_cache.valid_until(learner.library, states, learner.settings, moment) == until
