"""The writers: banks that read back exactly (fuzzed), GIFT escapes that survive
Moodle's parser rules, and Moodle XML checked element by element against the
documented format."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core.bank import bundled_questions_dir, load_paths, load_text
from quiz.core.model import CardQuestion, ChoiceQuestion, MatchQuestion, ShortQuestion
from quiz.formats import gift
from quiz.formats.common import ImportedBank, normalise_space
from quiz.formats.yaml_writer import plain_ok, render_bank

from .helpers import run

TEXT = st.text(min_size=1, max_size=120).filter(lambda t: t.strip() != "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prompt=TEXT, answer=TEXT, choices=st.lists(TEXT, min_size=2, max_size=4, unique=True))
def test_any_text_is_written_so_that_it_reads_back_exactly(prompt: str, answer: str, choices: list[str]) -> None:
    bank = ImportedBank(deck="fuzz")
    bank.questions.append(CardQuestion(deck="fuzz", id="card", prompt=prompt, answer=answer))
    feedback = {choices[0]: answer}
    bank.questions.append(
        ChoiceQuestion(
            deck="fuzz", id="pick", prompt=prompt, choices=tuple(choices), answer=choices[-1], feedback=feedback
        )
    )
    pairs = tuple((c, f"{c}!") for c in choices)
    bank.questions.append(MatchQuestion(deck="fuzz", id="pairs", prompt=prompt, pairs=pairs))
    text, dropped = render_bank(bank, ["fuzzed"])
    assert not dropped, dropped
    loaded, problems = load_text(text, "fuzz.yaml")
    assert loaded is not None, (problems, text)
    card, choice, match = loaded.questions
    assert isinstance(card, CardQuestion) and (card.prompt, card.answer) == (prompt, answer)
    assert isinstance(choice, ChoiceQuestion) and choice.choices == tuple(choices) and dict(choice.feedback) == feedback
    assert isinstance(match, MatchQuestion) and match.pairs == pairs


def test_values_yaml_would_misread_are_quoted() -> None:
    for value in (
        "yes",
        "No",
        "on",
        "0123",
        "1:30",
        "#",
        "null",
        "~",
        "2000-01-01",
        "1e3",
        "-",
        "- x",
        "a: b",
        "x #y",
        "@home",
    ):
        assert not plain_ok(value), value
    for value in ("Paris", "1 January 2000", "Grant's tomb", "C++"):
        assert plain_ok(value), value


GIFT_TEXT = (
    st.lists(st.sampled_from([*"ab c~=#{}:\\->%[]/15", "[html]", "%50%", "é", "\n"]), min_size=1, max_size=20)
    .map("".join)
    .filter(lambda t: normalise_space(t) != "" and "->" not in t)
)


@settings(max_examples=200, deadline=None)
@given(prompt=GIFT_TEXT, answers=st.lists(GIFT_TEXT, min_size=1, max_size=3, unique_by=normalise_space))
def test_gift_escapes_survive_a_round_trip(prompt: str, answers: list[str]) -> None:
    question = ShortQuestion(
        deck="d", id="q", prompt=normalise_space(prompt), answers=tuple(normalise_space(a) for a in answers)
    )
    from quiz.core.model import Bank

    text, reports, written = gift.dumps([Bank(deck="d", title="d", questions=(question,))])
    if any(re.match(r"\s*(%-?\d+(\.\d+)?%|\[(html|moodle|plain|markdown)\])", a, re.I) for a in question.answers):
        assert written == 0 and "would read as a GIFT weight or format marker" in str(reports[0])
        return
    assert written == 1 and not reports
    result = gift.parse(text, "rt.gift")
    assert not result.reports, [str(r) for r in result.reports]
    (again,) = result.banks[0].questions
    assert isinstance(again, ShortQuestion)
    assert again.prompt == question.prompt and again.answers == question.answers


def test_moodle_xml_export_element_by_element(tmp_path: Path) -> None:
    out = tmp_path / "all.xml"
    code, _, _ = run("export", str(bundled_questions_dir()), "--to", "moodle-xml", "-o", str(out))
    assert code == 1
    root = ET.parse(out).getroot()
    assert root.tag == "quiz"
    library, _ = load_paths([bundled_questions_dir()])
    categories = [q for q in root if q.get("type") == "category"]
    assert [c.findtext("category/text") for c in categories] == [f"$course$/top/{b.deck}" for b in library.banks]
    seen_types = set()
    for question in root.iter("question"):
        kind = question.get("type")
        seen_types.add(kind)
        if kind == "category":
            continue
        assert question.findtext("name/text")
        assert question.find("questiontext").get("format") == "html" and question.findtext("questiontext/text")  # type: ignore[union-attr]
        for element in ("generalfeedback/text", "defaultgrade", "penalty", "hidden", "idnumber"):
            assert question.find(element) is not None, (kind, element)
        answers = question.findall("answer")
        fractions = [float(a.get("fraction", "nan")) for a in answers]
        if kind == "multichoice":
            single = question.findtext("single")
            assert single in ("true", "false") and question.findtext("shuffleanswers") in ("true", "false")
            assert all(a.findtext("text") and a.find("feedback/text") is not None for a in answers)
            if single == "true":
                assert sorted(fractions)[-1] == 100 and sorted(fractions)[-2] <= 0
            else:
                assert 99.9 <= sum(f for f in fractions if f > 0) <= 100.1
        elif kind == "truefalse":
            assert sorted(a.findtext("text") for a in answers) == ["false", "true"]  # type: ignore[type-var]
            assert sorted(fractions) == [0, 100]
        elif kind == "shortanswer":
            assert question.findtext("usecase") == "0" and fractions and all(f == 100 for f in fractions)
        elif kind == "numerical":
            assert len(answers) == 1 and fractions == [100]
            float(answers[0].findtext("text"))  # type: ignore[arg-type]
            float(answers[0].findtext("tolerance"))  # type: ignore[arg-type]
        elif kind == "matching":
            subs = question.findall("subquestion")
            assert len(subs) >= 2 and all(s.findtext("text") and s.findtext("answer/text") for s in subs)
        elif kind == "cloze":
            assert "{1:SHORTANSWER:=" in question.findtext("questiontext/text")  # type: ignore[operator]
    assert seen_types == {"category", "multichoice", "truefalse", "shortanswer", "numerical", "matching", "cloze"}
