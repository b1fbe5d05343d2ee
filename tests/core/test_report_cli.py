"""`quiz report` on the command line: which logs and banks, the filters, the table, JSON,
the CSV folder and the HTML page (rendered in Debian's headless Chromium)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from quiz.cli import main
from tests.core.test_class_report import NOW, T, answer, write_log, write_small_class

BANK = """\
deck: t
title: Test
questions:
  - id: q1
    prompt: Capital of France?
    choices: [Paris, Lyon, Nice, Lille]
    answer: Paris
    tags: [geo]
  - id: q2
    type: multi
    prompt: Tick a and b
    choices: [a, b, c]
    answers: [a, b]
  - id: q3
    type: cloze
    text: The {{Seine}} flows through Paris.
    tags: [geo]
  - id: q4
    type: card
    prompt: Say hello in French
    answer: Bonjour
  - id: q5
    prompt: Nobody asked
    choices: [x, y]
    answer: x
"""


@pytest.fixture
def room(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small class of test_class_report, its bank in `tmp_path/banks`, the clock fixed."""
    monkeypatch.delenv("QUIZ_QUESTIONS", raising=False)
    monkeypatch.setenv("QUIZ_CACHE", "off")
    monkeypatch.setattr("quiz.cli.report_run.utc_now", lambda: NOW)
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "t.yaml").write_text(BANK, encoding="utf-8")
    write_small_class(tmp_path / "room")
    return tmp_path / "room"


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def banks(room: Path) -> str:
    return str(room.parent / "banks")


def test_table_shows_questions_choices_grid_learners_and_legend(room: Path) -> None:
    code, out, err = run("--questions", banks(room), "report", str(room))
    assert code == 0, err
    assert "4 learners, 4 questions answered (1 never answered)" in out
    q1 = next(line for line in out.splitlines() if line.startswith("Q1 "))
    assert "1 (25%)" in q1 and "n/a (fewer than 10 learners)" in q1
    assert "The ___ flows through Paris." in out
    grid = out[out.index("First attempts, learner by question") :]
    ana = next(line for line in grid.splitlines() if line.startswith("ana"))
    cai = next(line for line in grid.splitlines() if line.startswith("cai"))
    assert ana.split()[1:] == ["✗", "✓", "✓", "1"]
    assert cai.split()[1:] == ["!", "✓", "·", "4"]
    assert "Mastery: share of the questions in scope whose predicted recall (FSRS) is at least 90% now" in out
    assert "1 answer to 1 question no longer in the banks" in out


def test_a_wide_grid_is_cut_into_blocks_of_columns(tmp_path: Path) -> None:
    """30 questions: columns 1-25, then 26-30 under their own header, so a terminal
    never has to wrap a row."""
    bank = "deck: w\ntitle: Wide\nquestions:\n" + "".join(
        f"  - id: q{n}\n    prompt: Q {n}\n    choices: [r, x]\n    answer: r\n" for n in range(1, 31)
    )
    (tmp_path / "w.yaml").write_text(bank, encoding="utf-8")
    records = [answer(f"w/q{n}", T, n % 2 == 1, "r" if n % 2 == 1 else "x") for n in range(1, 31)]
    write_log(tmp_path / "room" / "ana" / "reviews.jsonl", records)
    code, out, _ = run("--questions", str(tmp_path / "w.yaml"), "report", str(tmp_path / "room"))
    assert code == 0
    grid = out[out.index("First attempts") : out.index("Learners\n")].strip().splitlines()
    headers = [line for line in grid if line.startswith("Learner")]
    rows = [line.split()[1:] for line in grid if line.startswith("ana")]
    assert [h.split()[1:] for h in headers] == [[str(n) for n in range(1, 26)], [str(n) for n in range(26, 31)]]
    assert rows == [["✓", "✗"] * 12 + ["✓"], ["✗", "✓", "✗", "✓", "✗"]]


def test_json_has_the_same_figures(room: Path) -> None:
    code, out, _ = run("--questions", banks(room), "report", str(room), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["questions"][0]["first_right_share"] == 0.25
    assert data["questions"][0]["discrimination"] is None
    assert data["grid"]["rows"][2] == {"learner": "cai", "cells": ["overridden", "right", "unseen", "4"]}
    assert data["learners"][3]["mastery"] == 0.2
    assert "D" in data["legend"]


def test_csv_folder_four_tables_rounded_as_displayed(room: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    code, out, _ = run("--questions", banks(room), "report", str(room), "--csv", str(folder))
    assert code == 0 and out.count("wrote ") == 4
    questions = list(csv.DictReader((folder / "questions.csv").open(encoding="utf-8")))
    assert questions[1]["key"] == "t/q2" and questions[1]["first_right_pct"] == "67"  # 2 of 3
    assert questions[0]["median_seconds"] == "6.0" and questions[0]["discrimination"] == ""
    learners = list(csv.DictReader((folder / "learners.csv").open(encoding="utf-8")))
    assert [(row["learner"], row["score_pct"], row["mastery_pct"]) for row in learners] == [
        ("ana", "50", "0"),
        ("ben", "50", "0"),
        ("cai", "67", "0"),
        ("dan", "0", "20"),
    ]
    grid = list(csv.reader((folder / "grid.csv").open(encoding="utf-8")))
    assert grid[0] == ["learner", "t/q1", "t/q2", "t/q3", "t/q4"]
    assert grid[4] == ["dan", "wrong", "", "", ""]
    choices = list(csv.DictReader((folder / "choices.csv").open(encoding="utf-8")))
    lyon = next(row for row in choices if row["choice"] == "Lyon")
    assert (lyon["learners"], lyon["share_pct"], lyon["correct"]) == ("2", "50", "false")
    # Nothing is overwritten without being asked.
    code, _, err = run("--questions", banks(room), "report", str(room), "--csv", str(folder))
    assert code == 1 and "exists" in err and "--force" in err
    assert run("--questions", banks(room), "report", str(room), "--csv", str(folder), "--force")[0] == 0


def test_filters_on_the_command_line(room: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run("--questions", banks(room), "report", str(room), "--since", "2026-03-09", "--json")
    assert code == 0 and json.loads(out)["questions"][0]["first_right"] == 2
    code, out, _ = run("--questions", banks(room), "report", str(room), "--mode", "exam", "--json")
    assert [q["key"] for q in json.loads(out)["questions"]] == ["t/q4"]
    code, out, _ = run("--questions", banks(room), "report", str(room), "--tag", "geo")
    assert "Filters: tag geo" in out and "2 questions answered" in out
    code, out, err = run("--questions", banks(room), "report", str(room), "--mode", "cram")
    assert code == 0 and "0 questions answered" in out
    assert "no answer in these logs matches the filters (mode cram)" in err
    code, _, err = run("--questions", banks(room), "report", str(room), "--deck", "nope")
    assert code == 2 and "no deck 'nope'" in err
    code, _, err = run(
        "--questions", banks(room), "report", str(room), "--since", "2026-03-10", "--until", "2026-03-01"
    )
    assert code == 2 and "after --until" in err
    code, _, _ = run("report", str(room), "--since", "yesterday")
    assert code == 2 and "'yesterday' is not a date" in capsys.readouterr().err  # argparse's own stream


def test_scores_and_learner_are_refused(room: Path) -> None:
    for option in ("--scores", "--learner"):
        code, _, err = run(option, "x", "report", str(room))
        assert code == 2 and f"{option} means nothing for `quiz report`" in err
        code, _, err = run("report", option, "x", str(room))
        assert code == 2


def test_banks_inferred_from_the_bundled_keys(room: Path, tmp_path: Path) -> None:
    key = "after-2000/three-inaugurations-same-day"
    write_log(tmp_path / "bundled" / "ana" / "reviews.jsonl", [answer(key, T, True, "7 May")])
    code, out, err = run("report", str(tmp_path / "bundled"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [q["key"] for q in data["questions"]] == [key]
    # Only the answered deck's questions count as never answered.
    code, out, _ = run("report", str(tmp_path / "bundled"))
    assert "1 question answered" in out

    # Keys of banks that are not bundled: say which, and how to name the banks.
    code, out, err = run("report", str(room))
    assert code == 2 and out == ""
    assert "(decks gone, t) not in the bundled banks" in err and "--questions PATH" in err


def test_a_reviews_file_and_a_folder_given_twice(room: Path) -> None:
    code, out, err = run("--questions", banks(room), "report", str(room), str(room / "ana"), "--json")
    assert code == 0
    assert [learner["name"] for learner in json.loads(out)["learners"]] == ["ana", "ben", "cai", "dan"]
    assert "already counted; counted once" in err
    code, out, _ = run("--questions", banks(room), "report", str(room / "ben" / "reviews.jsonl"), "--json")
    assert code == 0 and [learner["name"] for learner in json.loads(out)["learners"]] == ["ben"]


HOSTILE = '<script>alert(1)</script>\x1b]52;c;aGk=\x07 & "quoted"'


def hostile_room(tmp_path: Path) -> Path:
    room = tmp_path / "hostile"
    for n in range(12):
        records = [
            answer("t/q1", T, n % 3 == 0, "Paris" if n % 3 == 0 else HOSTILE),
            answer("t/q2", T, n % 2 == 0, ["a", "b"] if n % 2 == 0 else ["c"], qtype="multi"),
            answer("t/q3", T, n % 4 == 0, ["Seine"] if n % 4 == 0 else [HOSTILE], qtype="cloze"),
            answer("t/q4", T, n % 5 != 0, 1 + n % 4, qtype="card"),
        ]
        write_log(room / f"learner-{n:02d} <b>" / "reviews.jsonl", records)
    return room


def test_html_is_self_contained_and_escaped(room: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    code, out, err = run("--questions", banks(room), "report", str(hostile_room(tmp_path)), "--html", str(page))
    assert code == 0, err
    assert out == f"wrote {page}\n"
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text and "\x1b" not in text and "\x07" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;\\x1b]52;c;aGk=\\x07 &amp; &quot;quoted&quot;" in text
    assert "learner-00 &lt;b&gt;" in text
    for outside in ("src=", "href=", "@import", "url(", "http://", "https://"):
        assert outside not in text
    assert "default-src 'none'" in text
    assert text.count("<svg") >= 4 * 3  # a bar per choice, every question
    assert "@page { size: A4" in text


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    return found


def headless(browser: str, profile: Path, *args: str) -> None:
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.mark.slow
def test_html_renders_in_chromium_and_prints_on_a4(room: Path, tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader

    browser = chromium()
    page = tmp_path / "report.html"
    assert run("--questions", banks(room), "report", str(hostile_room(tmp_path)), "--html", str(page))[0] == 0
    shot, pdf = tmp_path / "shot.png", tmp_path / "report.pdf"
    headless(browser, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,1400", page.as_uri())
    headless(browser, tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())

    image = Image.open(shot).convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])  # text, bars and rules, on a white page
    assert dark > 0.01 * image.width * image.height, "the screenshot is blank"

    reader = PdfReader(pdf)
    assert 1 <= len(reader.pages) <= 12
    for sheet in reader.pages:
        width, height = float(sheet.mediabox.width), float(sheet.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = unicodedata.normalize("NFKC", " ".join(sheet.extract_text() for sheet in reader.pages))  # no ligatures
    # Nothing cut off at the right edge: the last column of every table is printed.
    for last in ("Flags", "Mastery", "learner-11", "Capital of France?"):
        assert last in text
    assert "What the figures mean" in text


def test_the_report_command_imports_textual_only_for_tui(room: Path) -> None:
    code = "import sys, quiz.cli.report_run, quiz.cli.report_html; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    code_, _, err = run("--questions", banks(room), "report", str(room), "--tui", "--json")
    assert code_ == 2 and "--tui and --json" in err


def test_json_and_csv_escape_control_characters(room: Path, tmp_path: Path) -> None:
    """C0, C1 (U+009B, the 8-bit CSI) and bidi overrides from a learner's answer never
    reach a terminal raw; JSON still parses back to the exact text."""
    hostile = "x\x9b2J\u202eevil\x1b]0;title\x07"
    write_log(tmp_path / "h" / "ana" / "reviews.jsonl", [answer("t/q1", T, False, hostile)])
    for n in range(2):
        write_log(tmp_path / "h" / f"b{n}" / "reviews.jsonl", [answer("t/q3", T, False, [hostile], qtype="cloze")])
    code, out, _ = run("--questions", banks(room), "report", str(tmp_path / "h"), "--json")
    assert code == 0
    assert all(char == "\n" or char.isprintable() for char in out)
    responses = json.loads(out)["questions"][1]["choices"]
    assert responses[0]["text"] == hostile
    code, _, _ = run("--questions", banks(room), "report", str(tmp_path / "h"), "--csv", str(tmp_path / "c"))
    choices = (tmp_path / "c" / "choices.csv").read_text(encoding="utf-8")
    assert "x\\x9b2J\\u202eevil\\x1b]0;title\\x07" in choices
    assert all(char == "\n" or char.isprintable() for char in choices)


def test_an_unreadable_log_is_listed_and_the_report_goes_on(room: Path) -> None:
    """A folder where zed's log should be: reading it fails (as root can read any
    file, this is the portable way to an unreadable log)."""
    (room / "zed" / "reviews.jsonl").mkdir(parents=True)
    code, out, err = run("--questions", banks(room), "report", str(room), "--json")
    assert code == 1  # something is wrong, and the report is there all the same
    assert "zed: Could not read" in err and "a folder is in the way" in err
    data = json.loads(out)
    zed = next(learner for learner in data["learners"] if learner["name"] == "zed")
    assert zed["error"] is not None and zed["seen"] == 0
    assert [row["learner"] for row in data["grid"]["rows"]] == ["ana", "ben", "cai", "dan"]  # no row of "not seen"
    assert data["questions"][0]["learners"] == 4 and data["median_score"] == 0.5  # figures as without zed
