"""Install anywhere: the package layout, where files live, the portable lock, names
every platform can store. The built wheel itself is tested by `.ci/run` (installed
outside the checkout and run from an empty folder)."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.core import config, paths
from quiz.core.lock import LockTimeout, locked
from quiz.core.store import LearnerError, Store, StoreError, validate_learner

ROOT = Path(__file__).resolve().parents[2]


def run(*argv: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(settings["packages"])
    found = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in (ROOT / "quiz").rglob("*")
        if folder.is_dir() and (folder / "__init__.py").is_file()
    }
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
    assert settings["package-dir"]["quiz.questions"] == "questions"
    assert "*.yaml" in settings["package-data"]["quiz.questions"]


def test_the_distribution_name_is_not_the_graphql_client() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["name"] == config.DISTRIBUTION == "quiz-drill"
    assert project["scripts"]["quiz"] == "quiz.cli:main"
    assert (ROOT / "LICENSE").is_file() and "MIT" in (ROOT / "LICENSE").read_text()
    assert project["urls"]


def test_run_from_this_checkout_the_banks_and_scores_are_the_repositorys() -> None:
    assert config.source_checkout() == ROOT
    assert config.bundled_questions_dir() == ROOT / "questions"
    located = config.locate_scores(None, {})
    assert located == config.Located(ROOT / "scores", "checkout")


def test_installed_the_scores_go_to_the_platform_data_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(config, "source_checkout", lambda: None)
    env = {"XDG_DATA_HOME": str(tmp_path)}
    assert config.locate_scores(None, env) == config.Located(tmp_path / "quiz" / "scores", "platform default")
    assert config.locate_scores(None, {**env, "QUIZ_SCORES": "/x"}).rule == "environment"
    assert config.locate_scores("/y", {**env, "QUIZ_SCORES": "/x"}) == config.Located(Path("/y"), "flag", "--scores")
    assert config.locate_questions(None, {}).rule == "bundled"


def test_the_platform_folders_follow_the_environment(tmp_path: Path) -> None:
    assert paths.config_dir({"QUIZ_CONFIG": str(tmp_path)}) == tmp_path
    assert paths.cache_dir({"QUIZ_CACHE": "off"}) is None
    if os.name != "nt":
        assert paths.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "quiz"
        assert paths.data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "quiz"


def test_where_says_which_rule_chose_each_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZ_SCORES", raising=False)
    code, out, _ = run("--learner", "ana", "where")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert set(lines) == {"banks", "scores", "log", "parameters", "settings", "preferences", "config", "cache"}
    assert str(ROOT / "scores" / "ana" / "parameters.") in lines["parameters"]
    assert lines["settings"].split()[1].endswith("settings.toml")
    assert str(ROOT / "scores") in lines["scores"] and "[checkout]" in lines["scores"]
    assert str(ROOT / "scores" / "ana") in lines["log"]
    code, out, _ = run("--scores", str(tmp_path), "--learner", "ana", "where", "--json")
    data = json.loads(out)
    assert data["scores"] == {"path": str(tmp_path), "rule": "flag (--scores)"}
    assert data["banks"][0]["path"] == str(ROOT / "questions")
    monkeypatch.setenv("QUIZ_SCORES", str(tmp_path / "env"))
    data = json.loads(run("where", "--json")[1])
    assert data["scores"]["rule"] == "environment (QUIZ_SCORES)"


def test_an_old_scores_folder_here_is_mentioned_once_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUIZ_SCORES", raising=False)
    monkeypatch.setattr(config, "source_checkout", lambda: None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    old = tmp_path / "here" / "scores" / "ana"
    old.mkdir(parents=True)
    (old / "reviews.jsonl").write_text("")
    monkeypatch.chdir(tmp_path / "here")
    first = run("--learner", "ana", "history", "--json")
    assert first[0] == 0
    assert f"quiz --scores {old.parent.resolve()}" in first[2] and "Nothing was moved" in first[2]
    second = run("--learner", "ana", "history", "--json")
    assert "quiz --scores" not in second[2]
    assert (old / "reviews.jsonl").exists()
    assert not (tmp_path / "data" / "quiz" / "scores" / "ana").exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("CON", "device name"),
        ("con.txt", "device name"),
        ("Lpt1", "device name"),
        ("a:b", "Windows cannot store"),
        ('say"hi"', "Windows cannot store"),
        ("ana.", "ends with a dot"),
        ("😀" * 17, "bytes long"),
    ],
)
def test_names_some_platform_cannot_store_are_refused(name: str, problem: str) -> None:
    with pytest.raises(LearnerError, match=problem):
        validate_learner(name)


@pytest.mark.parametrize("name", ["Zoë", "ana.b", "console", "com10", "😀" * 16])
def test_names_every_platform_stores_are_accepted(name: str) -> None:
    assert validate_learner(name) == name


def test_the_lock_file_is_private(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.append({"v": 1, "kind": "answer", "id": "a"})
    assert stat.S_IMODE(store.lock_path.stat().st_mode) == 0o600
    # An older, world-readable lock file is narrowed on the next append.
    store.lock_path.chmod(0o644)
    store.append({"v": 1, "kind": "answer", "id": "b"})
    assert stat.S_IMODE(store.lock_path.stat().st_mode) == 0o600


def _hold(path: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event) -> None:
    with locked(Path(path)):
        ready.set()
        release.wait(30)


def test_a_held_lock_ends_in_a_clear_message_and_nothing_is_written(tmp_path: Path) -> None:
    store = Store(tmp_path, "ana")
    store.folder.mkdir(parents=True)
    context = multiprocessing.get_context("fork")  # the child keeps this process's lock backend
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold, args=(str(store.lock_path), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        store.lock_timeout = 0.3
        started = time.monotonic()
        with pytest.raises(StoreError, match="another quiz"):
            store.append({"v": 1, "kind": "answer", "id": "a"})
        assert time.monotonic() - started >= 0.3
        assert not store.path.exists() or store.path.read_text() == ""
        with pytest.raises(LockTimeout), locked(store.lock_path, timeout=0.05):
            pass
    finally:
        release.set()
        holder.join(30)
    store.append({"v": 1, "kind": "answer", "id": "a"})  # free again: the answer goes in
    assert store.path.read_text().count("\n") == 1


def test_nothing_posix_only_is_imported_at_import_time() -> None:
    code = (
        "import sys; sys.modules['fcntl'] = None; sys.modules['termios'] = None; sys.modules['pwd'] = None\n"
        "import quiz.cli, quiz.core.store, quiz.core.lock, quiz.cli.where, quiz.cli.history\n"
        "import importlib, pkgutil, quiz.core\n"
        "for m in pkgutil.iter_modules(quiz.core.__path__): importlib.import_module('quiz.core.' + m.name)\n"
        "print(quiz.core.lock.backend())\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() in ("none", "msvcrt")


def test_the_windows_lock_path_runs_the_store_and_config_tests(tmp_path: Path) -> None:
    """The store's, install's and replay's tests again, with fcntl unimportable and
    Windows' msvcrt.locking emulated: quiz's Windows branch takes every lock."""
    probe = (
        "import quiz.core.lock as l, quiz.core.store as s, pathlib, tempfile\n"
        "d = pathlib.Path(tempfile.mkdtemp())\n"
        "s.Store(d, 'ana').append({'v': 1})\n"
        "print(l.backend())\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", "import tests.windows_emulation\n" + probe], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "msvcrt"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.windows_emulation",
            "-p",
            "no:cacheprovider",
            "tests/core/test_store.py",
            "tests/core/test_replay_cache.py",
            "tests/core/test_install.py",
            "-k",
            "not windows_lock_path",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


def test_decks_lists_the_bundled_decks_with_their_counts(tmp_path: Path) -> None:
    code, out, _ = run("--scores", str(tmp_path), "--learner", "ana", "decks", "--json")
    assert code == 0
    rows = {row["deck"]: row for row in json.loads(out)}
    assert set(rows) == {"after-2000", "clinton-putin-call", "context-1999-2000", "the-argument", None}
    assert rows[None]["questions"] == sum(row["questions"] for deck, row in rows.items() if deck)
    assert all(row["new"] == row["questions"] for row in rows.values())
    code, out, _ = run("--scores", str(tmp_path), "--learner", "ana", "decks")
    assert code == 0 and out.splitlines()[0].split() == ["Deck", "Title", "Questions", "New", "Due", "Learned"]


def test_windows_line_endings_are_read_and_unix_ones_written(tmp_path: Path) -> None:
    from quiz.core.bank import load_paths

    bank = tmp_path / "b.yaml"
    bank.write_bytes(
        b"deck: d\r\nquestions:\r\n  - id: q\r\n    type: truefalse\r\n    prompt: P?\r\n    answer: true\r\n"
    )
    library, problems = load_paths([bank])
    assert not problems and [q.key for q in library.questions] == ["d/q"]
    store = Store(tmp_path / "s", "ana")
    store.folder.mkdir(parents=True)
    line = json.dumps({"v": 1, "kind": "answer", "id": "a", "time": "2026-01-05T09:00:00+00:00", "key": "d/q"})
    store.path.write_bytes((line[:-1] + ', "rating": 3, "correct": true}\r\n').encode())
    store.append({"v": 1, "kind": "answer", "id": "b", "time": "2026-01-05T09:01:00+00:00", "key": "d/q"})
    raw = store.path.read_bytes()
    assert raw.endswith(b"}\n") and raw.count(b"\r\n") == 1
    records = store.read()
    assert [r["id"] for r in records.records][:1] == ["a"] and not any("line 1" in w for w in records.warnings)
