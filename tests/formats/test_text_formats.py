"""Aiken, CSV/TSV and Anki plain text: fixtures written by hand from each format's
documentation, and malformed input reported at its exact line."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.core.grading import grade
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats import aiken, anki, csv_format

from .helpers import FIXTURES, load, run


def _import(tmp_path: Path, name: str, *extra: str) -> tuple[int, str, dict[str, object]]:
    out = tmp_path / "out"
    code, _, err = run("import", str(FIXTURES / name), "-o", str(out), *extra)
    return code, err, {q.id: q for q in load(out).questions}


def test_aiken_fixture(tmp_path: Path) -> None:
    code, err, qs = _import(tmp_path, "moodle-docs.aiken")
    assert code == 0 and "imported 2 of 2 questions" in err
    first = qs["what-is-the-correct-answer-to"]
    assert isinstance(first, ChoiceQuestion) and first.answer == "Must be this one!" and len(first.choices) == 4
    second = qs["which-lms-has-the-most-quiz"]
    assert isinstance(second, ChoiceQuestion) and second.answer == "Moodle" and len(second.choices) == 6


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("Q?\nA. one\nB. two\nANSWER: C\n", "a.txt:4:9: expected one of the option letters A, B"),
        ("Q?\nA. one\nC. two\nANSWER: A\n", "a.txt:3:1: expected option 'B.' next"),
        (
            "Q?\nA. one\nB. two\n\nNext question?\nA. x\nB. y\nANSWER: A\n",
            "a.txt:5:1: expected option 'C. ...' or 'ANSWER: X'",
        ),
        (
            "Fine?\nA. yes\nB. no\nANSWER: A\n\nNo answer line?\nA. one\nB. two\n",
            "a.txt:6:1: the question has no 'ANSWER: X' line",
        ),
    ],
)
def test_aiken_malformed(text: str, where: str) -> None:
    errors = [str(r) for r in aiken.parse(text, "a.txt").reports]
    assert errors and errors[0].startswith(where), errors


def test_csv_fixture_with_bom_semicolons_letters_and_quotes(tmp_path: Path) -> None:
    code, err, qs = _import(tmp_path, "spreadsheet.csv")
    assert code == 0 and "imported 5 of 5 questions" in err
    choice = qs["capital-of-france"]
    assert isinstance(choice, ChoiceQuestion) and choice.answer == "Paris" and choice.tags == ("geo", "europe")
    multi = qs["which-are-rivers-tick-all"]
    assert isinstance(multi, MultiQuestion) and multi.answers == frozenset({"Seine", "Loire"})
    assert isinstance(qs["the-seine-flows-into-the-sea"], TrueFalseQuestion)
    short = qs["who-wrote-les-miserables"]
    assert isinstance(short, ShortQuestion) and short.prompt == 'Who wrote "Les Misérables"?'
    assert isinstance(qs["height-of-the-eiffel-tower-m"], NumberQuestion)


def test_tsv_fixture_with_types_and_multiline_cells(tmp_path: Path) -> None:
    code, _, qs = _import(tmp_path, "questions.tsv")
    assert code == 0
    assert isinstance(qs["cloze-def"], CardQuestion)
    order = qs["order-1"]
    assert isinstance(order, OrderQuestion) and order.items == ("one", "two", "three")
    match = qs["match-1"]
    assert isinstance(match, MatchQuestion) and match.pairs == (("a", "1"), ("b", "2"))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            'question,answer\nOK?,yes\n"Unclosed,answer\n',
            "c.csv:3: CSV syntax error: unexpected end of data (a quote opened",
        ),
        ('question,answer\nOK?,"a"b\n', "c.csv:2: CSV syntax error"),
        ("question,answer,choices\nQ1?,D,A;B;C\n", "c.csv:2: skipped: the answer 'D' is not one of the choices"),
        ("question,answer\nFine?,x\nToo many,a,b\n", "c.csv:3: the row has 3 cells"),
        ("prompt;type;answer\n\nBad type?;essay;x\n", "c.csv:3: skipped: unknown type 'essay'"),
        ("front,back\n", ""),
    ],
)
def test_csv_malformed(text: str, where: str) -> None:
    reports = [str(r) for r in csv_format.parse(text, "c.csv").reports]
    if where:
        assert any(r.startswith(where) for r in reports), reports
    else:
        assert not reports


def test_csv_without_a_question_column_cannot_be_read(tmp_path: Path) -> None:
    source = tmp_path / "nope.csv"
    source.write_text("name,value\nx,1\n", encoding="utf-8")
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2 and f"{source}:1:1: no 'question' column in the header row (found: name, value)" in err


def test_csv_not_utf8_cannot_be_read(tmp_path: Path) -> None:
    source = tmp_path / "latin1.csv"
    source.write_bytes("question,answer\nCaf\xe9?,oui\n".encode("latin-1"))
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2 and f"{source}:2:4: not UTF-8 text" in err


def test_anki_fixture_headers_html_tags_and_cloze(tmp_path: Path) -> None:
    code, err, qs = _import(tmp_path, "anki-notes.txt")
    assert code == 1 and "anki-notes.txt:5: the cloze hint 'river' is not kept" in err
    card = qs["capital-of-france"]
    assert (
        isinstance(card, CardQuestion) and card.prompt == "Capital of France?" and card.answer == "Paris\n(since 987)"
    )
    assert card.tags == ("geo", "europe")
    cloze = qs["paris-is-on-the-seine"]
    assert isinstance(cloze, ClozeQuestion) and cloze.text == "{{Paris}} is on the {{Seine}}."
    assert qs["a-quoted-front"].prompt == 'A "quoted" front'  # type: ignore[attr-defined]


def test_anki_as_short(tmp_path: Path) -> None:
    _, _, qs = _import(tmp_path, "anki-notes.txt", "--as", "short")
    short = qs["a-quoted-front"]
    assert isinstance(short, ShortQuestion) and grade(short, "Back").correct


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("#separator:Nonsense\nfront\tback\n", "n.txt:1:1: '#separator:Nonsense' is not one character"),
        (
            "#separator:tab\n#html:false\nfront\tback\nonly a front\t\n",
            "n.txt:4: skipped: the back of the note is empty",
        ),
        ("#separator:tab\n#tags column:x\nfront\tback\n", "n.txt:1:1: '#tags column:' must be a column number"),
        ("#separator:tab\n#colour:red\nfront\tback\n", "n.txt:2: the header '#colour:' is not read"),
    ],
)
def test_anki_malformed(text: str, where: str) -> None:
    reports = [str(r) for r in anki.parse(text, "n.txt").reports]
    assert any(r.startswith(where) for r in reports), reports


def test_anki_deck_and_notetype_columns(tmp_path: Path) -> None:
    source = tmp_path / "export.txt"
    source.write_text(
        "#separator:tab\n#html:false\n#notetype column:1\n#deck column:2\n#tags column:5\n"
        "Basic\tFrench::Words\tchat\tcat\tanimals\n"
        "Basic (type in the answer)\tFrench::Words\tchien\tdog\t\n"
        "Basic\tGerman\tHund\tdog\t\n",
        encoding="utf-8",
    )
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 0, err
    library = load(tmp_path / "out")
    decks = {bank.deck: [q.type for q in bank.questions] for bank in library.banks}
    assert decks == {"french-words": ["card", "short"], "german": ["card"]}
    assert library.banks[0].title == "French::Words" and library.questions[0].tags == ("animals",)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("notes.txt", "#separator:tab\nfront\tback\n", "anki-txt"),
        ("notes.txt", "Q?\nA. one\nB. two\nANSWER: A\n", "aiken"),
        ("notes.txt", "::t:: Q? {=a ~b}\n", "gift"),
        ("export", "<?xml version='1.0'?><quiz/>", "moodle-xml"),
        ("sheet.txt", "question;answer\nQ?;a\n", "csv"),
        ("words.txt", "just words\n", None),
    ],
)
def test_format_is_guessed_from_extension_and_content(name: str, text: str, expected: str | None) -> None:
    from quiz.formats import detect

    assert detect(name, text) == expected


def test_hostile_text_in_a_report_cannot_drive_the_terminal(tmp_path: Path) -> None:
    source = tmp_path / "evil.csv"
    source.write_text('question,answer,choices\n"Q\x1b]0;pwned\x07?",Z\x1b[2J,"a;b"\n', encoding="utf-8")
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 1 and "\x1b" not in err and "\x07" not in err and "skipped: the answer 'Z\\x1b[2J'" in err
