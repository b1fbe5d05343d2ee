"""`quiz import` and `quiz export` as a teacher meets them: exit statuses, reports,
no overwriting without --force, and a real .apkg opened as a zip holding SQLite."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from quiz.core.bank import bundled_questions_dir, load_paths

from .helpers import FIXTURES, load, run


def test_clean_import_exits_0_and_writes_a_bank_that_passes_check(tmp_path: Path) -> None:
    out = tmp_path / "france.yaml"
    code, stdout, err = run("import", str(FIXTURES / "moodle-docs.aiken"), "-o", str(out), "--deck", "france")
    assert code == 0 and f"wrote {out} (2 questions)" in stdout and "imported 2 of 2 questions" in err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported by `quiz import` from ") and "# from moodle-docs.aiken:1" in text
    assert run("check", str(out))[0] == 0


def test_skipped_questions_exit_1(tmp_path: Path) -> None:
    code, _, err = run("import", str(FIXTURES / "moodle.xml"), "-o", str(tmp_path))
    assert code == 1 and "2 skipped: 1 essay, 1 description" in err


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    code, _, err = run("import", str(tmp_path / "missing.gift"), "-o", str(tmp_path))
    assert code == 2 and "missing.gift: cannot read the file" in err
    binary = tmp_path / "x.gift"
    binary.write_bytes(b"\x00\x01\x02")
    code, _, err = run("import", str(binary), "-o", str(tmp_path))
    assert code == 2 and "not a text file" in err
    unknown = tmp_path / "notes.dat"
    unknown.write_text("just words\n", encoding="utf-8")
    code, _, err = run("import", str(unknown), "-o", str(tmp_path))
    assert code == 2 and "cannot tell the format; give --format" in err


def test_existing_output_is_never_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("precious\n", encoding="utf-8")
    code, stdout, err = run("import", str(FIXTURES / "moodle-docs.aiken"), "-o", str(out))
    assert code == 2 and "already exists: nothing written (--force overwrites)" in err and stdout == ""
    assert out.read_text(encoding="utf-8") == "precious\n"
    code, _, _ = run("import", str(FIXTURES / "moodle-docs.aiken"), "-o", str(out), "--force")
    assert code == 0 and "deck: mine" not in out.read_text(encoding="utf-8") and load(tmp_path).questions
    assert [p.name for p in tmp_path.iterdir()] == ["mine.yaml"]  # no temporary file left behind


def test_export_refuses_to_overwrite_and_force_replaces(tmp_path: Path) -> None:
    out = tmp_path / "bank.gift"
    out.write_text("keep me\n", encoding="utf-8")
    code, _, err = run("export", "--to", "gift", "--deck", "the-argument", "-o", str(out))
    assert code == 2 and "already exists" in err and out.read_text(encoding="utf-8") == "keep me\n"
    code, _, err = run("export", "--to", "gift", "--deck", "the-argument", "-o", str(out), "--force")
    assert code == 1 and "$CATEGORY: $course$/top/the-argument" in out.read_text(encoding="utf-8")
    assert "exported " in err and " skipped: " in err


def test_export_usage_errors(tmp_path: Path) -> None:
    assert run("export", "--to", "gift", "--deck", "nope", "-o", str(tmp_path / "x"))[0] == 2
    assert run("export", "--to", "apkg", "-o", "-")[0] == 2
    assert run("export", str(tmp_path / "missing"), "--to", "csv")[0] == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("questions: []\n", encoding="utf-8")
    code, _, err = run("export", str(broken), "--to", "csv", "-o", str(tmp_path / "out.csv"))
    assert code == 2 and "nothing exported" in err and not (tmp_path / "out.csv").exists()


def test_csv_export_round_trips_every_type(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    code, _, err = run("export", "--to", "csv", "-o", str(out))
    assert code == 1 and "per-choice feedback is not exported" in err
    code, _, err = run("import", str(out), "-o", str(tmp_path / "back"))
    assert code == 0, err
    original, _ = load_paths([bundled_questions_dir()])
    back = load(tmp_path / "back").by_key()
    assert set(back) == set(original.by_key())
    for key, q in original.by_key().items():
        assert back[key].type == q.type and back[key].prompt == q.prompt, key


def test_export_to_standard_output(tmp_path: Path) -> None:
    code, stdout, _ = run("export", "--to", "moodle-xml", "--deck", "the-argument", "-o", "-")
    assert code == 1 and stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')


def _collection(apkg: Path, tmp_path: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(apkg) as archive:
        assert set(archive.namelist()) == {"collection.anki2", "media"}
        archive.extract("collection.anki2", tmp_path / apkg.stem)
    return sqlite3.connect(tmp_path / apkg.stem / "collection.anki2")


def test_apkg_is_a_zip_holding_an_anki_collection(tmp_path: Path) -> None:
    out = tmp_path / "call.apkg"
    code, _, err = run("export", "--to", "apkg", "--deck", "clinton-putin-call", "-o", str(out))
    assert code == 0, err
    library, _ = load_paths([bundled_questions_dir()])
    bank = library.bank("clinton-putin-call")
    assert bank is not None
    db = _collection(out, tmp_path)
    notes = db.execute("select guid, mid, flds, tags from notes").fetchall()
    assert len(notes) == len(bank.questions) == 68
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    assert bank.title in {d["name"] for d in decks.values()}
    models = json.loads(db.execute("select models from col").fetchone()[0])
    by_id = {int(k): m for k, m in models.items()}
    field_counts = {by_id[mid]["name"]: len(flds.split("\x1f")) for _, mid, flds, _ in notes}
    assert field_counts == {"quiz: basic": 3, "quiz: type the answer": 3, "quiz: choose": 4, "quiz: cloze": 2}
    assert all(" us-russia " in f" {tags.strip()} " for *_, tags in notes)
    assert db.execute("select count(*) from cards").fetchone()[0] >= 68
    db.close()


def test_apkg_note_ids_are_stable_across_exports(tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert run("export", "--to", "apkg", "--deck", "the-argument", "-o", str(first))[0] == 0
    assert run("export", "--to", "apkg", "--deck", "the-argument", "-o", str(second))[0] == 0
    guids = [sorted(r[0] for r in _collection(p, tmp_path).execute("select guid from notes")) for p in (first, second)]
    assert guids[0] == guids[1] and len(set(guids[0])) == 34


def test_import_and_export_never_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom quiz.cli import main\n"
        f"main(['export', '--to', 'apkg', '-o', {str(tmp_path / 'x.apkg')!r}])\n"
        f"main(['import', {str(FIXTURES / 'moodle.xml')!r}, '-o', {str(tmp_path / 'out')!r}])\n"
        "print('textual' in sys.modules or any(m.startswith('textual.') for m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "False"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_fixture_imports_to_a_bank_that_passes_check(fixture: str, tmp_path: Path) -> None:
    code, _, err = run("import", str(FIXTURES / fixture), "-o", str(tmp_path))
    assert code in (0, 1), err
    assert run("check", str(tmp_path))[0] == 0


def test_two_files_of_one_deck_merge_with_unique_ids_and_sources(tmp_path: Path) -> None:
    first, second = tmp_path / "one.gift", tmp_path / "two.gift"
    first.write_text("::q:: A? {=a ~b\n####Why.\\n\\nSource: Book one, page 1\n}\n", encoding="utf-8")
    second.write_text("::q:: B? {=c ~d\n####Why.\\n\\nSource: Book one, page 2\n}\n", encoding="utf-8")
    code, _, err = run("import", str(first), str(second), "--deck", "books", "-o", str(tmp_path / "out"))
    assert code == 0, err
    questions = load(tmp_path / "out").questions
    assert [q.id for q in questions] == ["q", "q-2"]
    assert [q.citation for q in questions] == ["Book one, page 1", "Book one, page 2"]


def test_nothing_is_written_from_a_file_that_breaks_halfway(tmp_path: Path) -> None:
    source = tmp_path / "half.xml"
    source.write_text(
        '<quiz>\n<question type="truefalse"><questiontext><text>Sky is blue.</text></questiontext>'
        '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question>\n'
        '<question type="truefalse">\n',
        encoding="utf-8",
    )
    code, stdout, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2 and f"{source}:4:1: not well-formed XML" in err and stdout == ""
    assert not (tmp_path / "out").exists()


def test_an_unwritable_output_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    code, _, err = run("import", str(FIXTURES / "moodle-docs.aiken"), "-o", str(blocker / "sub"))
    assert code == 2 and "quiz import: cannot write" in err and "Traceback" not in err
    code, _, err = run("export", "--to", "csv", "-o", str(blocker / "x.csv"))
    assert code == 2 and "quiz export: cannot write" in err
