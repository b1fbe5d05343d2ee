"""Moodle XML import from a fixture written by hand from Moodle's documentation, and
hostile XML: entity bombs and external entities refused, huge files bounded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from quiz.core.grading import grade
from quiz.core.model import (
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats import moodle_xml

from .helpers import FIXTURES, load, run


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("xml")
    code, _, err = run("import", str(FIXTURES / "moodle.xml"), "-o", str(out))
    library = load(out)
    return {"code": code, "err": err, "q": {q.id: q for q in library.questions}, "library": library}


def test_fixture_summary_and_category_deck(imported: dict[str, object]) -> None:
    assert imported["code"] == 1
    err = str(imported["err"])
    assert "moodle.xml:141: skipped: an essay cannot be graded automatically (essay)" in err
    assert "moodle.xml:149: skipped: a description is not a question (description)" in err
    assert "imported 7 of 9 questions; 2 skipped" in err
    bank = imported["library"].banks[0]  # type: ignore[attr-defined]
    assert bank.deck == "capitals" and bank.title == "Geography/Capitals"


def test_multichoice_single_html_feedback_and_tags(imported: dict[str, object]) -> None:
    q = imported["q"]["capital-of-france"]  # type: ignore[index]
    assert isinstance(q, ChoiceQuestion)
    assert q.prompt == "What is the capital of France?" and q.answer == "Paris"
    assert q.feedback == {"Paris": "Correct!", "Lyon": "Lyon is the third city."}
    assert q.explanation == "Paris has been the capital since 987." and "europe" in q.tags


def test_multichoice_multiple(imported: dict[str, object]) -> None:
    q = imported["q"]["rivers-of-paris"]  # type: ignore[index]
    assert isinstance(q, MultiQuestion) and q.answers == frozenset({"Seine", "Bièvre"}) and not q.shuffle


def test_truefalse_shortanswer_numerical_matching(imported: dict[str, object]) -> None:
    qs = imported["q"]
    tf = qs["paris-is-in-europe"]  # type: ignore[index]
    assert (
        isinstance(tf, TrueFalseQuestion)
        and tf.answer is True
        and "If answered false: It is in Europe." in tf.explanation
    )
    short = qs["capital-of-italy"]  # type: ignore[index]
    assert isinstance(short, ShortQuestion) and short.answers == ("Rome", "Roma") and short.hint == "The eternal city."
    number = qs["height-of-the-tower"]  # type: ignore[index]
    assert isinstance(number, NumberQuestion) and (number.answer, number.tolerance, number.unit) == (330, 5, "m")
    assert grade(number, "334 m").correct and not grade(number, "340").correct
    match = qs["countries-and-capitals"]  # type: ignore[index]
    assert isinstance(match, MatchQuestion) and ("Japan", "Tokyo") in match.pairs


def test_cloze_parts(imported: dict[str, object]) -> None:
    q = imported["q"]["seine-cloze"]  # type: ignore[index]
    assert isinstance(q, ClozeQuestion)
    assert (
        q.text
        == "The river through Paris is the {{Seine|La Seine}}; it is {{777}} km long and flows into the {{English Channel}}."
    )
    assert grade(q, ("la seine", "777", "English Channel")).correct
    assert "moodle.xml:133: a drop-down gap becomes a typed gap" in str(imported["err"])


BOMB = """<?xml version="1.0"?>
<!DOCTYPE quiz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="shortanswer"><questiontext><text>&lol9;</text></questiontext>
<answer fraction="100"><text>x</text></answer></question></quiz>
"""


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "bomb.xml"
    source.write_text(BOMB, encoding="utf-8")
    code, out, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2
    assert f"{source}:3:1: refused: the file declares an entity (<!ENTITY>)" in err
    assert not (tmp_path / "out").exists() and out == ""


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    source = tmp_path / "xxe.xml"
    source.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        '<quiz><question type="shortanswer"><questiontext><text>&xxe;</text></questiontext>'
        '<answer fraction="100"><text>x</text></answer></question></quiz>\n',
        encoding="utf-8",
    )
    code, out, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2 and "refused" in err and "Nothing was expanded or read" in err
    assert "TOP-SECRET-VALUE" not in out + err
    assert not (tmp_path / "out").exists()


def test_external_dtd_reference_is_refused() -> None:
    text = '<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://127.0.0.1:9/quiz.dtd">\n<quiz>&ext;</quiz>\n'
    result = moodle_xml.parse(text, "dtd.xml")
    assert result.fatal and result.reports[0].kind == "error"


def test_deep_nesting_is_refused() -> None:
    result = moodle_xml.parse("<quiz>" + "<a>" * 10_000 + "</a>" * 10_000 + "</quiz>", "deep.xml")
    assert result.fatal and "nested more than 64 deep" in str(result.reports[0])


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            '<quiz>\n  <question type="truefalse">\n    <oops>\n</quiz>\n',
            "bad.xml:4:3: not well-formed XML: mismatched tag",
        ),
        ("", "bad.xml:1:1: not well-formed XML: no element found"),
        ("<html><body/></html>", "bad.xml:1:1: expected a <quiz> element"),
    ],
)
def test_malformed_xml_gives_file_line_column(text: str, where: str) -> None:
    result = moodle_xml.parse(text, "bad.xml")
    assert result.fatal and str(result.reports[0]).startswith(where), str(result.reports[0])


def _fifty_megabytes(path: Path) -> None:
    image = "QUJD" * (50 * 1024 * 1024 // 4)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n<question type="shortanswer">\n'
        "<name><text>Big image</text></name>\n"
        f'<questiontext format="html"><text>Name the bird.</text><file name="bird.png" encoding="base64">{image}</file></questiontext>\n'
        '<answer fraction="100"><text>Robin</text></answer>\n</question>\n</quiz>\n',
        encoding="utf-8",
    )


@pytest.mark.slow
def test_fifty_megabytes_import_within_bounded_memory(tmp_path: Path) -> None:
    source = tmp_path / "big.xml"
    _fifty_megabytes(source)
    # The child's own peak: Linux's VmHWM (ru_maxrss survives exec, so a child of a big
    # test worker would report the worker's peak), else ru_maxrss.
    code = (
        "import resource, sys\nfrom quiz.cli import main\n"
        f"status = main(['import', {str(source)!r}, '-o', {str(tmp_path / 'out')!r}])\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        "    peak = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "except (OSError, StopIteration):\n"
        "    pass\n"
        "print('status', status, 'maxrss_kb', peak)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "status 1" in proc.stdout, proc.stderr
    maxrss_mb = int(proc.stdout.split()[-1]) / 1024
    # The 50 MB of text is read once (bytes, then str); the base64 image is never kept.
    assert maxrss_mb < 400, maxrss_mb
    assert "an embedded file is not imported" in proc.stderr
    assert "Robin" in (tmp_path / "out" / "big.yaml").read_text(encoding="utf-8")


def test_file_over_the_limit_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from quiz.cli import interchange

    monkeypatch.setattr(interchange, "MAX_IMPORT_BYTES", 1024)
    source = tmp_path / "big.xml"
    source.write_text("<quiz>" + " " * 4096 + "</quiz>", encoding="utf-8")
    code, _, err = run("import", str(source), "-o", str(tmp_path / "out"))
    assert code == 2 and "MB import limit; split it" in err


def _cloze_file(text: str) -> str:
    return (
        '<?xml version="1.0"?>\n<quiz><question type="cloze"><name><text>Open gaps</text></name>'
        f'<questiontext format="moodle_auto_format"><text><![CDATA[{text}]]></text></questiontext>'
        "</question></quiz>\n"
    )


def test_a_cloze_with_many_gaps_left_open_imports_its_closed_ones() -> None:
    """Tens of thousands of `{1:SHORTANSWER:` never closed after a real gap (one regular
    expression over the text took minutes: from each, it scanned to the end again)."""
    text = "The river is {1:SHORTANSWER:=Seine}. Open: " + "{1:SHORTANSWER:" * 20_000
    result = moodle_xml.parse(_cloze_file(text), "open.xml")
    assert not result.fatal
    (question,) = [q for bank in result.banks for q in bank.questions]
    assert isinstance(question, ClozeQuestion)
    assert question.text.startswith("The river is {{Seine}}. Open: {1:SHORTANSWER:{1:SHORTANSWER:")


def test_embedded_answers_are_found_as_by_moodles_own_pattern() -> None:
    """`{N:KIND:body}` with the body running to the first `}` no backslash escapes,
    leftmost first: the linear scan agrees with that regular expression on random text."""
    import random
    import re

    reference = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^\\}])*)\}")
    pieces = ["{", "}", "\\", "\n", ":", "1", "SA", "MC", "a", "~", "#", "=", "{1:SA:", "{:MC:", "\\}", "{2:NM:"]
    rng = random.Random(7)
    for _ in range(20_000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = reference.sub(lambda m: f"<{m.group(2)}|{m.group(3)}>", raw)
        assert moodle_xml._replace_embedded(raw, lambda kind, body: f"<{kind}|{body}>") == expected, raw
