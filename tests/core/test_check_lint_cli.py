"""`quiz check --lint` on the command line: exit codes, the three output forms,
and text from banks shown literally."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.cli.check import github_line
from quiz.core.model import Problem

FLAWED = (
    "questions:\n"
    "  - id: a\n"
    "    prompt: Who met Putin?\n"
    "    choices: [Clinton, Blair, All of the above]\n"
    "    answer: Clinton\n"
)
CLEAN = "questions:\n  - {id: a, prompt: Who met Putin first?, choices: [Clinton, Blair, Schroeder], answer: Clinton}\n"
BROKEN = "questions:\n  - {id: a, prompt: p, choices: [x, y], answer: z}\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def bank(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_warnings_are_printed_with_code_and_name_and_exit_zero(tmp_path: Path) -> None:
    path = bank(tmp_path, FLAWED)
    code, out, err = run("check", "--lint", str(path))
    assert code == 0
    assert out == (
        f"{path}:4:31: warning L105 a: option 'All of the above' refers to the other options (and they are "
        "shown shuffled): write a plausible option of its own [all-none-of-the-above]\n"
    )
    assert "1 warning (they fail only with --strict)" in err and not err.startswith("OK")


def test_strict_makes_warnings_fail(tmp_path: Path) -> None:
    path = bank(tmp_path, FLAWED)
    assert run("check", "--lint", "--strict", str(path))[0] == 1
    clean = bank(tmp_path, CLEAN, "clean.yaml")
    code, out, err = run("check", "--lint", "--strict", str(clean))
    assert code == 0 and out == "" and err.startswith("OK: 1 files, 1 questions, 0 problems, 0 warnings")


def test_without_lint_there_are_no_warnings(tmp_path: Path) -> None:
    code, out, _ = run("check", "--strict", str(bank(tmp_path, FLAWED)))
    assert code == 0 and out == ""


def test_errors_fail_with_or_without_strict_and_are_listed_with_warnings(tmp_path: Path) -> None:
    bank(tmp_path, FLAWED)
    bank(tmp_path, BROKEN, "broken.yaml")
    code, out, _ = run("check", "--lint", str(tmp_path))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'bank.yaml'}:4:31: warning L105")
    assert lines[1] == f"{tmp_path / 'broken.yaml'}:2:49: answer 'z' is not one of the choices"


def test_json_has_severity_code_and_name(tmp_path: Path) -> None:
    bank(tmp_path, FLAWED)
    bank(tmp_path, BROKEN, "broken.yaml")
    code, out, _ = run("check", "--lint", "--format", "json", str(tmp_path))
    assert code == 1
    found = json.loads(out)
    assert [(f["severity"], f["code"], f["name"]) for f in found] == [
        ("warning", "L105", "all-none-of-the-above"),
        ("error", None, None),
    ]
    assert found[0]["line"] == 4 and found[0]["column"] == 31 and found[0]["file"] == str(tmp_path / "bank.yaml")


def test_github_format_annotates_warnings_and_errors(tmp_path: Path) -> None:
    bank(tmp_path, FLAWED)
    bank(tmp_path, BROKEN, "broken.yaml")
    code, out, err = run("check", "--lint", "--format", "github", str(tmp_path))
    assert code == 1 and err == ""
    warning, error = out.splitlines()
    assert warning.startswith(
        f"::warning file={tmp_path / 'bank.yaml'},line=4,col=31,title=L105 all-none-of-the-above::a: option 'All of"
    )
    assert (
        error
        == f"::error file={tmp_path / 'broken.yaml'},line=2,col=49,title=quiz check::answer 'z' is not one of the choices"
    )


def test_github_escapes_per_the_toolkit_rules() -> None:
    problem = Problem("C:\\banks\\a,b.yaml", 3, 4, "50% sure\nnext line\r", "warning", "L105", "all-none-of-the-above")
    assert github_line(problem) == (
        "::warning file=C%3A\\banks\\a%2Cb.yaml,line=3,col=4,title=L105 all-none-of-the-above::50%25 sure next line "
    )


@pytest.mark.parametrize("form", ["text", "github"])
def test_bank_text_with_control_characters_is_shown_literally(tmp_path: Path, form: str) -> None:
    hostile = FLAWED.replace("All of the above", '"All of the above\\e[2J\\e]0;owned\\a"').replace(
        "answer: Clinton", "answer: Clinton"
    )
    code, out, _ = run("check", "--lint", "--format", form, str(bank(tmp_path, hostile)))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "All of the above\\x1b[2J\\x1b]0;owned\\x07" in out


def test_json_escapes_control_characters(tmp_path: Path) -> None:
    hostile = FLAWED.replace("All of the above", '"All of the above\\e[2J"')
    _, out, _ = run("check", "--lint", "--format", "json", str(bank(tmp_path, hostile)))
    assert "\x1b" not in out and "\\u001b[2J" in out
    assert "All of the above\x1b[2J" in json.loads(out)[0]["message"]


def test_bundled_banks_pass_lint_strict() -> None:
    code, out, err = run("check", "--lint", "--strict")
    assert code == 0, out + err
