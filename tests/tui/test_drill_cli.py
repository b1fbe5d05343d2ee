"""`quiz drill/practice/exam` options of issue 19: refused filters, --shuffle, --minutes, --include-cards."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.core.config import Options

BANK = """\
deck: the-argument
tags: [Putin, history]
questions:
  - {id: a, prompt: p, choices: [x, y], answer: x}
"""


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "the-argument.yaml").write_text(BANK)
    return folder


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[Options]:
    """The options the TUI would have started with (the TUI itself is not run)."""
    seen: list[Options] = []

    def fake_run(options: Options, library: object, settings: object = None) -> int:
        seen.append(options)
        return 0

    monkeypatch.setattr("quiz.tui.app.run", fake_run)
    # Under pytest stdin is no terminal, which would choose the line mode instead.
    monkeypatch.setattr("quiz.cli.drill.fallback_reason", lambda *streams: None)
    return seen


def test_an_unknown_tag_is_refused_with_did_you_mean(tmp_path: Path, banks: Path, started: list[Options]) -> None:
    code, _, err = run("--questions", str(banks), "--scores", str(tmp_path / "s"), "practice", "--tag", "Putn")
    assert code == 2
    assert "no tag 'Putn' (did you mean 'Putin'?); tags are: history, Putin" in err
    assert started == []


def test_an_unknown_deck_says_did_you_mean(tmp_path: Path, banks: Path, started: list[Options]) -> None:
    code, _, err = run("--questions", str(banks), "--scores", str(tmp_path / "s"), "drill", "--deck", "the-argumnt")
    assert code == 2 and "no deck 'the-argumnt' (did you mean 'the-argument'?)" in err


def test_tags_are_accepted_in_any_case(tmp_path: Path, banks: Path, started: list[Options]) -> None:
    code, _, err = run("--questions", str(banks), "--scores", str(tmp_path / "s"), "practice", "--tag", "PUTIN")
    assert code == 0, err
    assert started[0].tags == ("PUTIN",)


def test_practice_shuffle_and_exam_options_reach_the_tui(
    tmp_path: Path, banks: Path, started: list[Options], capsys: pytest.CaptureFixture[str]
) -> None:
    scores = str(tmp_path / "s")
    assert run("--questions", str(banks), "--scores", scores, "practice", "--deck", "the-argument", "--shuffle")[0] == 0
    assert started[-1].shuffle is True
    assert run("--questions", str(banks), "--scores", scores, "exam", "--minutes", "15", "--include-cards")[0] == 0
    assert started[-1].minutes == 15 and started[-1].include_cards is True
    assert run("--questions", str(banks), "--scores", scores, "exam")[0] == 0
    assert started[-1].minutes is None and started[-1].include_cards is False
    code, _, _ = run("--questions", str(banks), "--scores", scores, "exam", "--minutes", "0")
    assert code == 2 and "'0' must be 1 or more" in capsys.readouterr().err  # argparse writes to sys.stderr
