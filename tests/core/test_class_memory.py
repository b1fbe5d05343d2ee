"""A class report holds one learner's records at a time (issue 15, point 2).

A spy wraps the history pass that `load_class` runs for each learner (the
snapshot-backed `_collect_log`, and `_collect` for a custom record source). It
keeps a weak reference to every learner's column store (`history._Answers`, one
row per answer) and, just before each learner is read, counts how many earlier
column stores, and how many card states (`replayer.QuestionState`), are still alive
after a garbage collection. Holding every learner's log until the report is
assembled, as the report once did, makes those counts grow with each learner.
"""

from __future__ import annotations

import gc
import io
import json
import random
import shutil
import weakref
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.core import class_logs
from quiz.core.bank import bundled_questions_dir, load_paths
from quiz.core.class_logs import find_learner_logs, load_class
from quiz.core.class_report import ReportFilter, assemble, build_class_report
from quiz.core.history import _Answers
from quiz.core.paths import cache_dir
from quiz.core.replayer import QuestionState
from quiz.core.scheduling import Settings
from quiz.core.store import iter_records
from tests.core.test_class_report import NOW, amend, answer, small_library, write_log, write_small_class

LEARNERS = 8
ANSWERS = 300


def live_states() -> int:
    return sum(1 for item in gc.get_objects() if type(item) is QuestionState)


class PassSpy:
    """Wraps `class_logs._collect_log` and `class_logs._collect` (see the module docstring)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.stores: list[weakref.ref[_Answers]] = []
        self.alive_at_read: list[tuple[int, int]] = []
        """(earlier column stores alive, card states alive) just before each learner is read."""
        for name in ("_collect_log", "_collect"):
            monkeypatch.setattr(class_logs, name, self._wrap(getattr(class_logs, name)))

    def _wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def spy(*args: Any, **kwargs: Any) -> Any:
            self.alive_at_read.append(self.alive())
            answers, states, flags = real(*args, **kwargs)
            assert len(answers) > 0 and states  # a real learner's records, not an empty pass
            self.stores.append(weakref.ref(answers))
            return answers, states, flags

        return spy

    def alive(self) -> tuple[int, int]:
        gc.collect()
        return sum(1 for ref in self.stores if ref() is not None), live_states()


def bundled_keys() -> list[str]:
    library, _ = load_paths([bundled_questions_dir()])
    return [question.key for question in library.questions][:40]


def write_class(room: Path, keys: list[str]) -> None:
    """`LEARNERS` learners of `ANSWERS` answers each over `keys`, with a few undos."""
    for number in range(LEARNERS):
        rng = random.Random(number)
        records: list[dict[str, Any]] = []
        when = NOW - timedelta(days=30)
        for index in range(ANSWERS):
            when += timedelta(minutes=rng.randrange(1, 120))
            key = keys[rng.randrange(len(keys))]
            rid = f"l{number}-{index}"
            records.append(answer(key, when, rng.random() < 0.7, "Paris", rid=rid, elapsed=rng.uniform(1, 20)))
            if index % 50 == 49:
                records.append(amend("undo", rid, key, when + timedelta(seconds=2)))
        write_log(room / f"learner{number}" / "reviews.jsonl", records)


@pytest.fixture
def room(tmp_path: Path) -> Path:
    write_class(tmp_path / "room", bundled_keys())
    return tmp_path / "room"


def test_the_report_never_holds_two_learners_records(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library, _ = load_paths([bundled_questions_dir()])
    logs, _ = find_learner_logs([room])
    assert len(logs) == LEARNERS
    for run in ("cold: each log read whole, snapshots written", "warm: each log resumed from its snapshot"):
        figures = cache_dir()
        if figures is not None:
            # The per-learner figures (quiz.core.class_cache) would spare the reads entirely.
            shutil.rmtree(figures / "report", ignore_errors=True)
        spy = PassSpy(monkeypatch)
        report = build_class_report(logs, library, now=NOW)
        assert len(spy.stores) == LEARNERS, run
        assert spy.alive_at_read == [(0, 0)] * LEARNERS, run
        assert spy.alive() == (0, 0), run  # the report keeps figures, not records
        undone = ANSWERS // 50
        assert [learner.answers for learner in report.learners] == [ANSWERS - undone] * LEARNERS
        assert sum(question.learners for question in report.questions) == sum(
            learner.seen for learner in report.learners
        )


def test_a_custom_record_source_is_read_one_learner_at_a_time(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library, _ = load_paths([bundled_questions_dir()])
    logs, _ = find_learner_logs([room])
    spy = PassSpy(monkeypatch)
    through_source = build_class_report(
        logs, library, now=NOW, open_records=lambda path, warn: iter_records(path / "reviews.jsonl", warn)
    )
    assert len(spy.stores) == LEARNERS and spy.alive_at_read == [(0, 0)] * LEARNERS
    assert through_source == build_class_report(logs, library, now=NOW)  # the same figures either way


def test_quiz_report_infers_the_banks_without_holding_the_class(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line reads the keys of every learner before it knows the banks, and
    still holds only one learner's records at a time."""
    monkeypatch.delenv("QUIZ_QUESTIONS", raising=False)
    spy = PassSpy(monkeypatch)
    out, err = io.StringIO(), io.StringIO()
    assert main(["report", str(room), "--json"], out, err) == 0, err.getvalue()
    assert len(spy.stores) == LEARNERS and spy.alive_at_read == [(0, 0)] * LEARNERS
    data = json.loads(out.getvalue())
    assert len(data["learners"]) == LEARNERS
    assert {question["key"] for question in data["questions"]} <= set(bundled_keys())
    assert len(data["questions"]) == len(bundled_keys())  # 2,400 answers over 40 questions: every one answered


def test_figures_read_for_another_moment_or_filter_are_refused(tmp_path: Path) -> None:
    """`load_class` reduces each log for one moment, settings and days; `assemble` must
    not mix them with other ones (mastery and the window would be silently wrong)."""
    write_small_class(tmp_path / "room")
    logs, _ = find_learner_logs([tmp_path / "room"])
    since = ReportFilter(since=date(2026, 3, 9))
    loaded = load_class(logs, now=NOW, filters=since)
    assert assemble(loaded, small_library(), now=NOW, filters=since) == build_class_report(
        logs, small_library(), now=NOW, filters=since
    )
    # The deck and tag filters apply when assembling: the same figures serve any of them.
    geo = ReportFilter(since=date(2026, 3, 9), tags=("geo",))
    assert [q.key for q in assemble(loaded, small_library(), now=NOW, filters=geo).questions] == ["t/q1", "t/q3"]
    for now, filters, settings in (
        (NOW + timedelta(days=1), since, None),
        (NOW, ReportFilter(), None),
        (NOW, since, Settings(desired_retention=0.8)),
    ):
        with pytest.raises(ValueError, match="another moment, settings or filters"):
            assemble(loaded, small_library(), now=now, filters=filters, settings=settings)
