"""The class report's per-learner cache: next week's report reads only the logs that
changed, and gives exactly the report a fresh read gives, mastery included."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.cli.report_render import report_json
from quiz.core import class_logs
from quiz.core.class_learner import ReportFilter
from quiz.core.class_logs import find_learner_logs
from quiz.core.class_report import build_class_report
from quiz.core.scheduling import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_history import NOW, _library, write_log

LEARNERS = 5


@pytest.fixture(scope="module")
def library() -> Any:
    return _library()


@pytest.fixture
def room(tmp_path: Path, library: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    keys = [question.key for question in library.questions][:60]
    for index in range(LEARNERS):
        name = f"learner{index}"
        write_log(tmp_path / "room" / name / "reviews.jsonl", name, 400, keys, seed=10 + index)
    return tmp_path / "room"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The learners whose log was actually read (not taken from the cache)."""
    seen: list[str] = []
    real = class_logs._collect_log

    def spy(sources: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(Path(sources[0]).parent.name)
        return real(sources, *args, **kwargs)

    monkeypatch.setattr(class_logs, "_collect_log", spy)
    return seen


def report(room: Path, library: Any, **options: Any) -> dict[str, Any]:
    logs, _ = find_learner_logs([room])
    data = report_json(build_class_report(logs, library, **{"now": NOW, **options}))
    return json.loads(json.dumps(data))  # type: ignore[no-any-return]


def fresh(room: Path, library: Any, monkeypatch: pytest.MonkeyPatch, **options: Any) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setenv("QUIZ_CACHE", "off")
        return report(room, library, **options)


def test_a_second_report_reads_no_log_and_equals_a_fresh_one_at_any_later_moment(
    room: Path, library: Any, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = report(room, library)
    assert len(reads) == LEARNERS
    assert report(room, library) == first == fresh(room, library, monkeypatch)
    later = NOW + timedelta(days=60)
    warm = report(room, library, now=later)
    assert len(reads) == LEARNERS + LEARNERS  # the fresh one read them all; the warm ones none
    cold = fresh(room, library, monkeypatch, now=later)
    assert warm == cold
    mastery = [learner["mastery"] for learner in first["learners"]]
    assert mastery != [learner["mastery"] for learner in warm["learners"]]  # computed again, not kept


def test_a_new_answer_other_filters_or_other_settings_read_the_logs_again(
    room: Path, library: Any, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report(room, library)
    log = room / "learner2" / "reviews.jsonl"
    line = log.read_text().splitlines()[-1]
    record = json.loads(line) | {"id": "f" * 32, "time": (NOW - timedelta(hours=1)).isoformat(), "correct": False}
    with log.open("a") as handle:
        handle.write(json.dumps(record) + "\n")
    for options, again in (
        ({}, ["learner2"]),
        ({"filters": ReportFilter(since=(NOW - timedelta(days=30)).date())}, [f"learner{n}" for n in range(LEARNERS)]),
        ({"settings": Settings(desired_retention=0.95)}, [f"learner{n}" for n in range(LEARNERS)]),
    ):
        reads.clear()
        warm = report(room, library, **options)
        assert reads == again
        assert warm == fresh(room, library, monkeypatch, **options)


def test_an_earlier_moment_reads_the_logs(room: Path, library: Any, reads: list[str]) -> None:
    report(room, library)
    reads.clear()
    report(room, library, now=NOW - timedelta(days=1))
    assert len(reads) == LEARNERS


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: "not json",
        lambda entry: "[]",
        lambda entry: json.dumps({**entry, "live": [-1] * len(entry["live"])}),
        lambda entry: json.dumps({**entry, "right": [n + 1 for n in entry["live"]]}),
        lambda entry: json.dumps({**entry, "elapsed": entry["elapsed"][1:]}),
        lambda entry: json.dumps({**entry, "first": [9] * len(entry["first"])}),
        lambda entry: json.dumps({**entry, "memories": [["k", 1, 99, None, 1.0, 5.0, 0, 0]]}),
        lambda entry: json.dumps({**entry, "memories": [["k", 1, 2, None, 1.0, 5.0, 10**30, 0]]}),
        lambda entry: json.dumps({**entry, "last": "yesterday"}),
        lambda entry: json.dumps({**entry, "now": None}),
    ],
)
def test_a_damaged_entry_is_a_miss(
    room: Path, library: Any, reads: list[str], monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    report(room, library)
    entries = sorted((room.parent / "cache" / "report").glob("*.json"))
    assert len(entries) == LEARNERS
    for entry in entries:
        entry.write_text(damage(json.loads(entry.read_text())))
    reads.clear()
    warm = report(room, library)
    assert len(reads) == LEARNERS
    assert warm == fresh(room, library, monkeypatch)


def test_an_entry_cut_short_is_a_miss(
    room: Path, library: Any, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are not fsynced: a crash may leave one cut anywhere, or empty."""
    report(room, library)
    entries = sorted((room.parent / "cache" / "report").glob("*.json"))
    assert len(entries) == LEARNERS
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) * number // LEARNERS])
    reads.clear()
    warm = report(room, library)
    assert len(reads) == LEARNERS
    assert warm == fresh(room, library, monkeypatch)
    assert not list((room.parent / "cache" / "report").glob(".tmp-*"))
