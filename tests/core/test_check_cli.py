"""`quiz check`: what a teacher and an editor see, and what it never does."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from quiz.cli import main

GOOD = "questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n"
BAD = "questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    answer: z\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_clean_banks_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text(GOOD)
    code, out, err = run("check", str(tmp_path))
    assert code == 0 and out == "" and err.startswith("OK: 1 files, 1 questions")


def test_problems_exit_one_with_file_line_column(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    (tmp_path / "good.yaml").write_text(GOOD)
    code, out, _ = run("check", str(tmp_path))
    assert code == 1
    assert out == f"{tmp_path / 'bad.yaml'}:5:13: answer 'z' is not one of the choices\n"


def test_json_format_lists_problems(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    code, out, _ = run("check", "--format", "json", str(tmp_path / "bad.yaml"))
    assert code == 1
    assert json.loads(out) == [
        {
            "file": str(tmp_path / "bad.yaml"),
            "line": 5,
            "column": 13,
            "severity": "error",
            "code": None,
            "name": None,
            "message": "answer 'z' is not one of the choices",
        }
    ]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run("check", str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file or folder" in err and "Traceback" not in err


def test_bad_option_is_a_usage_error() -> None:
    assert run("check", "--format", "xml")[0] == 2


def test_global_options_work_after_the_subcommand(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    assert run("check", "--questions", str(tmp_path))[0] == 1
    assert run("--questions", str(tmp_path), "check")[0] == 1


def test_bundled_banks_pass_check() -> None:
    code, out, _ = run("check")
    assert code == 0, out


def test_version_and_help() -> None:
    from quiz import __version__

    assert run("--version")[0] == 0
    assert run("--help")[0] == 0
    proc = subprocess.run([sys.executable, "-m", "quiz", "--version"], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == f"quiz {__version__}"


@pytest.mark.parametrize(
    "argv",
    [["check"], ["schema"], ["--help"], ["history", "--json"], ["report", "--json", "."]],
)
def test_commands_without_a_screen_never_import_textual(argv: list[str], tmp_path: Path) -> None:
    code = (
        "import sys\nfrom quiz.cli import main\n"
        f"status = main({argv!r})\n"
        "assert not [m for m in sys.modules if m == 'textual' or m.startswith('textual.')], 'textual imported'\n"
        "print('status', status)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "QUIZ_SCORES": str(tmp_path / "scores"), "QUIZ_LEARNER": "ana"},
    )
    assert "textual imported" not in proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "status" in proc.stdout


def test_core_never_imports_textual() -> None:
    code = (
        "import importlib, pkgutil, sys\nimport quiz.core\n"
        "for m in pkgutil.iter_modules(quiz.core.__path__):\n"
        "    importlib.import_module('quiz.core.' + m.name)\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print('textual' if bad else 'clean')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "clean"


def test_practice_needs_a_deck_or_a_tag() -> None:
    code, _, err = run("practice")
    assert code == 2 and "--deck" in err


def test_unknown_deck_and_bad_learner_are_usage_errors(tmp_path: Path) -> None:
    code, _, err = run("--scores", str(tmp_path), "drill", "--deck", "nope")
    assert code == 2 and "no deck 'nope'" in err
    code, _, err = run("--scores", str(tmp_path), "--learner", "../evil", "drill")
    assert code == 2 and "Traceback" not in err
    assert not (tmp_path.parent / "evil").exists()


def test_banks_with_problems_stop_the_tui_with_their_lines(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD)
    code, _, err = run("--questions", str(tmp_path), "--scores", str(tmp_path / "s"), "drill")
    assert code == 1 and "bad.yaml:5:13: answer 'z'" in err
