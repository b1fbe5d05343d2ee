"""A big class's logs read in worker processes (`quiz.core.class_pool`): the report is the
one a single process gives, the workers' cache entries serve the next report, and a
worker that cannot start or dies costs speed, never a learner."""

from __future__ import annotations

import json
import multiprocessing.spawn
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from quiz.cli.report_render import report_json
from quiz.core import class_logs, class_pool
from quiz.core.class_learner import ReportFilter
from quiz.core.class_logs import find_learner_logs, load_class
from quiz.core.class_report import build_class_report

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from bench_history import NOW, _library, write_log

LEARNERS = 6


@pytest.fixture(scope="module")
def library() -> Any:
    return _library()


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory, library: Any) -> Path:
    folder = tmp_path_factory.mktemp("pool") / "room"
    keys = [question.key for question in library.questions][:80]
    for index in range(LEARNERS):
        name = f"learner{index}"
        write_log(folder / name / "reviews.jsonl", name, 300 + 50 * index, keys, seed=40 + index)
    return folder


def report(room: Path, library: Any, jobs: int, **options: Any) -> dict[str, Any]:
    logs, _ = find_learner_logs([room])
    data = report_json(build_class_report(logs, library, now=NOW, jobs=jobs, **options))
    return json.loads(json.dumps(data))  # type: ignore[no-any-return]


def test_workers_give_the_report_one_process_gives(room: Path, library: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_CACHE", "off")
    alone = report(room, library, 1)
    assert alone["learners"] and all(learner["answers"] for learner in alone["learners"])
    assert report(room, library, 3) == alone
    filters = ReportFilter(modes=frozenset({"drill"}), until=NOW.date())
    assert report(room, library, 2, filters=filters) == report(room, library, 1, filters=filters)


def test_figures_from_workers_share_one_copy_of_each_key(room: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A thousand learners' figures hold one string per question, as when read here."""
    monkeypatch.setenv("QUIZ_CACHE", "off")
    logs, _ = find_learner_logs([room])
    loaded = load_class(logs, now=NOW, jobs=2)
    copies = {id(key) for figures in loaded for key in figures.keys}
    assert len(copies) == len({key for figures in loaded for key in figures.keys})
    assert all(figures.basis is loaded[0].basis for figures in loaded)


def test_the_workers_cache_entries_serve_the_next_report(
    room: Path, library: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    cold = report(room, library, 2)
    assert len(list((tmp_path / "cache" / "report").glob("*.json"))) == LEARNERS

    def refuse(*_args: Any) -> Any:
        raise AssertionError("a log was read although its figures were in the cache")

    monkeypatch.setattr(class_logs, "read_pending", refuse)
    assert report(room, library, 1) == cold


def test_workers_that_cannot_start_leave_the_reading_to_this_process(
    room: Path, library: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that exits at once (here: its interpreter is `false`) breaks the pool;
    every learner is still read, with the figures of a single process."""
    monkeypatch.setenv("QUIZ_CACHE", "off")
    alone = report(room, library, 1)
    with monkeypatch.context() as patch:
        patch.setattr(multiprocessing.spawn, "_python_exe", os.fsencode("/bin/false"))
        assert report(room, library, 2) == alone


def test_a_small_class_is_read_in_this_process_and_a_big_one_on_every_core() -> None:
    small = class_pool.PARALLEL_BYTES - 1
    big = 100 * class_pool.PARALLEL_BYTES
    assert class_pool.workers(small, 30, None) == 1
    assert class_pool.workers(big, 1, None) == 1
    assert class_pool.workers(big, 30, None) == min(class_pool.available_cores(), 30)
    assert class_pool.workers(small, 30, 4) == 4  # asked for
    assert class_pool.workers(big, 3, 8) == 3  # never more than the learners


def test_quiz_report_jobs_through_python_m_quiz(room: Path, tmp_path: Path) -> None:
    """`python -m quiz report --jobs 2` (a spawned worker imports `quiz.__main__` without
    running the app) prints what `--jobs 1` prints; a bad count is refused."""
    env = {"QUIZ_CACHE": "off", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quiz", "report", *args], capture_output=True, text=True, env=env, timeout=300
        )

    one, two = run("--jobs", "1", "--json", str(room)), run("--jobs", "2", "--json", str(room))
    assert one.returncode == two.returncode == 0, two.stderr
    first, second = json.loads(one.stdout), json.loads(two.stdout)
    assert first.pop("now") <= second.pop("now")  # the moment of each run
    assert second == first
    assert "Traceback" not in two.stderr
    bad = run("--jobs", "0", str(room))
    assert bad.returncode == 2
    assert "--jobs" in bad.stderr and "Traceback" not in bad.stderr
