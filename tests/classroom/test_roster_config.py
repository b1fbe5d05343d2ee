"""`quiz config roster PATH`: a teacher's roster for this installation, checked before
it is kept, shown in `quiz config`, forgotten with an empty value or --reset."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.core.class_roster import configured_roster
from quiz.core.prefs import load_prefs, prefs_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_a_roster_is_checked_kept_shown_and_forgotten(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = tmp_path / "class" / "roster.csv"
    roster.parent.mkdir()
    roster.write_text("learner,url,email\nana,file:///srv/ana.git,ana@school.example\nben,file:///srv/ben.git,\n")
    assert run("config", "roster") == (0, "no roster configured\n", "")
    monkeypatch.chdir(roster.parent)  # a relative path is kept as an absolute one
    code, out, err = run("config", "roster", "roster.csv")
    assert code == 0, err
    assert out == f"roster = {roster} (2 learners); press C on the home screen for the class screen\n"
    assert configured_roster(load_prefs(prefs_path())) == roster
    assert run("config", "roster") == (0, f"{roster}\n", "")
    code, out, _ = run("config")
    assert [line.split() for line in out.splitlines() if line.startswith("roster ")] == [["roster", str(roster)]]
    # The theme and other preferences survive.
    data = json.loads(prefs_path().read_text())
    data["theme"] = "nord"
    prefs_path().write_text(json.dumps(data))
    code, out, _ = run("config", "roster", "")
    assert code == 0 and "roster forgotten" in out
    assert load_prefs(prefs_path()) == {"theme": "nord"}
    assert [line.split() for line in run("config")[1].splitlines() if line.startswith("roster ")] == [
        ["roster", "(none)"]
    ]
    assert run("config", "roster", str(roster))[0] == 0
    assert run("config", "--reset", "roster")[0] == 0
    assert configured_roster(load_prefs(prefs_path())) is None


def test_a_roster_that_cannot_be_used_is_refused_and_the_old_one_kept(tmp_path: Path) -> None:
    good = tmp_path / "roster.csv"
    good.write_text("learner,url\nana,file:///srv/ana.git\n")
    assert run("config", "roster", str(good))[0] == 0
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("name,address\nana,x\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("learner,url\n")
    for path, reason in (
        (tmp_path / "missing.csv", "no such file"),
        (bad_header, "the header needs the columns learner and url"),
        (empty, "the roster lists nobody"),
        (tmp_path, "is a folder"),
    ):
        code, out, err = run("config", "roster", str(path))
        assert code == 1 and out == "", err
        assert err.startswith("quiz config: roster not changed:") and reason in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert configured_roster(load_prefs(prefs_path())) == good
