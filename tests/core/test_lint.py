"""`quiz check --lint`: each check fires on a flawed bank and stays silent on the
same bank with the flaw fixed, points at the offending line, and can be silenced."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from quiz.core.bank import load_paths
from quiz.core.lint import CHECKS, lint
from quiz.core.lint.bankwide import tail_probability
from quiz.core.model import Problem


def write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def lint_text(tmp_path: Path, body: str, *more: str) -> list[Problem]:
    """Lint one bank (and optionally more banks, as further files)."""
    folder = tmp_path / "banks"
    folder.mkdir(exist_ok=True)
    write(folder, "a.yaml", body)
    for number, extra in enumerate(more):
        write(folder, f"b{number}.yaml", extra)
    library, problems = load_paths([folder], marks=True)
    assert problems == []
    return lint(library)


def codes(warnings: list[Problem]) -> list[str]:
    return [w.code or "" for w in warnings]


def choice(qid: str, prompt: str, choices: list[str], answer: str, extra: str = "") -> str:
    listed = "".join(f"\n      - {c}" for c in choices)
    return f"  - id: {qid}\n    prompt: {prompt}\n    choices:{listed}\n    answer: {answer}\n{extra}"


# --- catalogue ---------------------------------------------------------------


def test_every_check_has_a_unique_code_and_name_and_is_documented() -> None:
    assert len({c.code for c in CHECKS}) == len({c.name for c in CHECKS}) == len(CHECKS)
    doc = (Path(__file__).parents[2] / "docs" / "question-format.md").read_text(encoding="utf-8")
    for check in CHECKS:
        assert f"`{check.code}` {check.name}" in doc, check.code


# --- L101 key-longest-share ----------------------------------------------------

LONG = "The longest option of the four by far"


def longest_bank(keys_longest: int, total: int = 8) -> str:
    out = "questions:\n"
    for n in range(total):
        if n < keys_longest:
            out += choice(f"q{n}", f"Question number {n}?", [LONG, "Apple", "Pear", "Plum"], LONG)
        else:
            out += choice(f"q{n}", f"Question number {n}?", [LONG, "Apple", "Pear", "Plum"], "Pear")
    return out


def test_key_longest_far_more_often_than_chance_is_reported_with_share_and_items(tmp_path: Path) -> None:
    warnings = [w for w in lint_text(tmp_path, longest_bank(6)) if w.code == "L101"]
    assert len(warnings) == 1
    assert "6 of 8 choice questions (75%; chance gives 25%" in warnings[0].message
    assert "q0, q1, q2, q3, q4, q5" in warnings[0].message
    assert warnings[0].line == 2  # the start of the `questions` list


def test_key_longest_as_often_as_chance_is_not_reported(tmp_path: Path) -> None:
    assert "L101" not in codes(lint_text(tmp_path, longest_bank(2)))


def test_the_tail_probability_is_exact() -> None:
    # Two fair coins: P(two heads) = 1/4; P(at least one) = 3/4.
    assert tail_probability([0.5, 0.5], 2) == pytest.approx(0.25)
    assert tail_probability([0.5, 0.5], 1) == pytest.approx(0.75)
    # Large banks use the normal approximation, close to the exact value.
    exact = tail_probability([0.25] * 400, 130)
    approx = tail_probability([0.25] * 4000, 1300)
    assert exact < 0.001 and approx < 1e-6
    assert tail_probability([0.25] * 400, 100) > 0.4


# --- L102 key-much-longer ------------------------------------------------------


def test_key_much_longer_than_every_distractor(tmp_path: Path) -> None:
    bad = "questions:\n" + choice(
        "where",
        "Where was SORT signed?",
        ["In Moscow, at the Kremlin, by both presidents", "Paris", "Rome"],
        "In Moscow, at the Kremlin, by both presidents",
    )
    good = "questions:\n" + choice(
        "where",
        "Where was SORT signed?",
        ["In Moscow, at the Kremlin, by both presidents", "In Paris, at the Elysee, by both presidents", "Rome"],
        "In Moscow, at the Kremlin, by both presidents",
    )
    warnings = [w for w in lint_text(tmp_path, bad) if w.code == "L102"]
    assert len(warnings) == 1 and (warnings[0].line, warnings[0].column) == (5, 9)
    assert "L102" not in codes(lint_text(tmp_path, good))


# --- L103 answer-in-stem -------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        (
            "  - {id: a, type: short, prompt: 'Yeltsin resigned on 31 December. Who resigned?', answer: Yeltsin}\n",
            "  - {id: a, type: short, prompt: 'Who resigned on 31 December 1999?', answer: Yeltsin}\n",
        ),
        (
            "  - {id: a, type: number, prompt: 'The war of 2008 in Georgia: in what year?', answer: 2008}\n",
            "  - {id: a, type: number, prompt: 'In what year was the war in Georgia?', answer: 2008}\n",
        ),
        (
            "  - {id: a, type: cloze, text: 'The {{Pristina}} airport is near Pristina.'}\n",
            "  - {id: a, type: cloze, text: 'The {{Pristina}} airport is in Kosovo.'}\n",
        ),
        (
            "  - {id: a, type: card, prompt: 'Who?', answer: Primakov, hint: 'Think of Primakov.'}\n",
            "  - {id: a, type: card, prompt: 'Who?', answer: Primakov, hint: 'The prime minister.'}\n",
        ),
        (
            "  - {id: a, type: multi, prompt: 'Who valued the comment, Yeltsin and who?', choices: [Yeltsin, Putin, Duma], answers: [Yeltsin, Putin]}\n",
            "  - {id: a, type: multi, prompt: 'Who valued the comment?', choices: [Yeltsin, Putin, Duma], answers: [Yeltsin, Putin]}\n",
        ),
        (
            choice(
                "a",
                "Who took the call?",
                ["National Security Adviser Rice", "Secretary Powell", "Mr Cheney"],
                "National Security Adviser Rice",
                "    hint: She was the National Security Adviser.\n",
            ),
            choice(
                "a",
                "Who took the call?",
                ["National Security Adviser Rice", "Secretary Powell", "Mr Cheney"],
                "National Security Adviser Rice",
                "    hint: Not a member of the cabinet.\n",
            ),
        ),
    ],
    ids=["short", "number", "cloze", "card-hint", "multi", "choice-hint"],
)
def test_a_prompt_or_hint_that_contains_the_answer(tmp_path: Path, bad: str, good: str) -> None:
    assert "L103" in codes(lint_text(tmp_path, "questions:\n" + bad))
    assert "L103" not in codes(lint_text(tmp_path, "questions:\n" + good))


@pytest.mark.parametrize(
    "question",
    [
        "  - {id: a, type: truefalse, prompt: 'True or false: the answer is true.', answer: true}\n",
        "  - {id: a, type: number, prompt: 'Two plus 10 makes 12; what is 10 + 2?', answer: 12}\n",
        "  - {id: a, type: short, prompt: 'Which war? The war.', answer: war}\n",
        choice("a", "Was it Rome or Paris?", ["Rome", "Paris"], "Rome"),
    ],
    ids=["truefalse", "short-number", "common-word", "stem-names-both-options"],
)
def test_trivial_answers_and_stems_naming_every_option_are_no_leak(tmp_path: Path, question: str) -> None:
    assert "L103" not in codes(lint_text(tmp_path, "questions:\n" + question))


# --- L104 answer-in-other-question ---------------------------------------------

NRC = "  - {id: nrc-place, type: short, prompt: 'Where was the NATO-Russia Council founded?', answer: Rome}\n"


def test_an_answer_shown_by_another_question_of_the_deck(tmp_path: Path) -> None:
    bad = (
        "questions:\n"
        + NRC
        + "  - {id: decl, type: card, prompt: 'What did the Rome Declaration of the NATO-Russia Council say?', answer: 'A new council of twenty'}\n"
    )
    warnings = [w for w in lint_text(tmp_path, bad) if w.code == "L104"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith("nrc-place: the answer 'Rome' is shown by decl (line 3, prompt)")
    assert (warnings[0].line, warnings[0].column) == (2, NRC.index("Rome") + 1)


def test_an_answer_not_shown_elsewhere_or_shown_in_another_deck_is_fine(tmp_path: Path) -> None:
    good = (
        "questions:\n"
        + NRC
        + "  - {id: decl, type: card, prompt: 'What did the declaration of the NATO-Russia Council say?', answer: 'A new council'}\n"
    )
    assert "L104" not in codes(lint_text(tmp_path, good))
    other_deck = "deck: other\nquestions:\n  - {id: decl, type: card, prompt: 'What did the Rome Declaration of the NATO-Russia Council say?', answer: 'A new council'}\n"
    assert "L104" not in codes(lint_text(tmp_path, "questions:\n" + NRC, other_deck))


def test_a_choice_key_is_not_given_away_by_a_prompt_that_names_a_distractor_too(tmp_path: Path) -> None:
    asked = choice("who-named", "Who named Chechnya in the call?", ["Clinton", "Putin", "Neither"], "Clinton")
    bad = (
        "questions:\n"
        + asked
        + "  - {id: other, type: card, prompt: 'Why did Clinton name Chechnya in the call?', answer: 'Out of concern'}\n"
    )
    good = (
        "questions:\n"
        + asked
        + "  - {id: other, type: card, prompt: 'Why did Clinton tell Putin about Chechnya in the call?', answer: 'Out of concern'}\n"
    )
    assert "L104" in codes(lint_text(tmp_path, bad))
    assert "L104" not in codes(lint_text(tmp_path, good))


def test_a_distinctive_word_of_the_key_in_another_prompt(tmp_path: Path) -> None:
    asked = choice(
        "where-was-primakov",
        "Where was Primakov when he learned of the strikes?",
        ["Flying over the Atlantic", "In Belgrade", "In Moscow"],
        "Flying over the Atlantic",
    )
    bad = (
        "questions:\n"
        + asked
        + "  - {id: loop, type: card, prompt: 'Why is the turnaround of Primakov over the Atlantic remembered?', answer: 'A break'}\n"
    )
    good = (
        "questions:\n"
        + asked
        + "  - {id: loop, type: card, prompt: 'Why is the turnaround of Primakov remembered?', answer: 'A break'}\n"
    )
    assert "'atlantic', a word only the key has" in " ".join(w.message for w in lint_text(tmp_path, bad))
    assert "L104" not in codes(lint_text(tmp_path, good))


# --- L105 all-none-of-the-above --------------------------------------------------


def test_all_or_none_of_the_above(tmp_path: Path) -> None:
    bad = "questions:\n" + choice(
        "a", "Who met Putin in 2000?", ["Clinton", "Blair", "All of the above"], "All of the above"
    )
    good = "questions:\n" + choice("a", "Who met Putin in 2000?", ["Clinton", "Blair", "Schroeder"], "Clinton")
    warnings = [w for w in lint_text(tmp_path, bad) if w.code == "L105"]
    assert len(warnings) == 1 and (warnings[0].line, warnings[0].column) == (7, 9)
    assert "L105" not in codes(lint_text(tmp_path, good))
    multi = "questions:\n  - {id: m, type: multi, prompt: 'Which?', choices: [A thing, B thing, None of these], answers: [A thing]}\n"
    assert "L105" in codes(lint_text(tmp_path, multi))
    people = "questions:\n" + choice("a", "Who named Chechnya?", ["Clinton", "Putin", "Both of them"], "Clinton")
    assert "L105" not in codes(lint_text(tmp_path, people))  # "them" are people, not options


# --- L106 absolute-in-distractors ------------------------------------------------


def test_absolute_words_only_in_distractors(tmp_path: Path) -> None:
    bad = "questions:\n" + choice(
        "a",
        "In whose interest was it?",
        ["The international community", "Only the Russian elite", "Only Western investors"],
        "The international community",
    )
    good = "questions:\n" + choice(
        "a",
        "In whose interest was it?",
        ["The international community", "The Russian elite", "Western investors"],
        "The international community",
    )
    both = "questions:\n" + choice(
        "a",
        "In whose interest was it?",
        ["Only the international community", "Only the Russian elite", "Western investors"],
        "Only the international community",
    )
    warnings = [w for w in lint_text(tmp_path, bad) if w.code == "L106"]
    assert len(warnings) == 1 and "'only'" in warnings[0].message and "2 of 2 distractors" in warnings[0].message
    assert "L106" not in codes(lint_text(tmp_path, good))
    assert "L106" not in codes(lint_text(tmp_path, both))


def test_a_false_statement_made_false_by_an_absolute_word(tmp_path: Path) -> None:
    bad = "questions:\n  - {id: t, type: truefalse, prompt: 'Russian forces controlled all four regions.', answer: false}\n"
    true = "questions:\n  - {id: t, type: truefalse, prompt: 'Russian forces controlled all four regions.', answer: true}\n"
    assert "L106" in codes(lint_text(tmp_path, bad))
    assert "L106" not in codes(lint_text(tmp_path, true))


# --- L107 distractor-in-key ---------------------------------------------------------


def test_a_distractor_contained_in_or_equal_to_the_key(tmp_path: Path) -> None:
    contained = "questions:\n" + choice(
        "a", "Which regions?", ["Chechnya and Dagestan", "Chechnya", "Tatarstan"], "Chechnya and Dagestan"
    )
    same = "questions:\n" + choice("a", "Which place?", ["The Kremlin", "the kremlin.", "Red Square"], "The Kremlin")
    good = "questions:\n" + choice(
        "a", "Which regions?", ["Chechnya and Dagestan", "Ingushetia", "Tatarstan"], "Chechnya and Dagestan"
    )
    word_part = "questions:\n" + choice("a", "Which city?", ["Romeo", "Rome", "Paris"], "Romeo")
    warnings = [w for w in lint_text(tmp_path, contained) if w.code == "L107"]
    assert len(warnings) == 1 and "is contained in the key" in warnings[0].message and warnings[0].line == 6
    assert "is the same as the key" in " ".join(w.message for w in lint_text(tmp_path, same))
    assert "L107" not in codes(lint_text(tmp_path, good))
    assert "L107" not in codes(lint_text(tmp_path, word_part))


# --- L108 negative-stem ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "fires"),
    [
        ("Which of these did Putin not say?", True),
        ("Which of these didn't Putin say?", True),
        ("Which of these did Putin NOT say?", False),
        ("Which of these did Putin *not* say?", False),
        ("Which of these did Putin say?", False),
        ("Putin said he would not run. Which office did he hold?", False),
        ('Who said "we will not bomb"?', False),
        ("Who was the runner-up? (Surname, not first name.)", False),
        ("Which gave not only money but arms?", False),
    ],
)
def test_a_negative_stem_not_emphasised(tmp_path: Path, prompt: str, fires: bool) -> None:
    bank = "questions:\n" + choice(
        "a", repr(prompt).replace("\\'", "''") if "'" in prompt else prompt, ["Clinton", "Putin", "Blair"], "Clinton"
    )
    assert ("L108" in codes(lint_text(tmp_path, bank))) is fires


def test_a_negative_true_false_statement(tmp_path: Path) -> None:
    bad = "questions:\n  - {id: t, type: truefalse, prompt: 'The war had not started yet.', answer: false}\n"
    good = "questions:\n  - {id: t, type: truefalse, prompt: 'The war had already started.', answer: true}\n"
    assert "L108" in codes(lint_text(tmp_path, bad))
    assert "L108" not in codes(lint_text(tmp_path, good))


def test_a_stem_of_many_unclosed_brackets_is_checked(tmp_path: Path) -> None:
    """Forty thousand "(" never closed, then a negative (one regular expression took
    seconds per stem: from each "(", it scanned to the end again)."""
    prompt = "(" * 40_000 + " Which did Putin not say?"
    bank = "questions:\n  - {id: t, type: truefalse, prompt: '" + prompt + "', answer: false}\n"
    assert "L108" in codes(lint_text(tmp_path, bank))


def test_quotations_are_dropped_as_by_one_pattern() -> None:
    """Each quotation or bracket from its opening mark to the first closing one, leftmost
    first: the linear scan agrees with that regular expression on random text."""
    import random

    from quiz.core.lint.items import _unquoted

    reference = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|„[^“”]*[“”]|\([^)]*\)|\[[^\]]*\]")
    pieces = ['"', "“", "”", "«", "»", "„", "(", ")", "[", "]", "a", " not ", "\n"]
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert _unquoted(text) == reference.sub(" ", text), text


# --- L109 near-duplicate ----------------------------------------------------------------


def test_near_duplicate_questions_across_decks(tmp_path: Path) -> None:
    first = "questions:\n" + choice(
        "date",
        "On what date was the presidential election held that Putin won?",
        ["26 March 2000", "7 May 2000"],
        "26 March 2000",
    )
    second = "deck: other\nquestions:\n" + choice(
        "date2",
        "On what date was the early presidential election held?",
        ["26 March 2000", "4 June 2000"],
        "26 March 2000",
    )
    different = "deck: other\nquestions:\n" + choice(
        "date2", "On what date was Putin inaugurated?", ["7 May 2000", "4 June 2000"], "7 May 2000"
    )
    warnings = [w for w in lint_text(tmp_path, first, second) if w.code == "L109"]
    assert len(warnings) == 1 and "a/date" in warnings[0].message and warnings[0].file.endswith("b0.yaml")
    assert "L109" not in codes(lint_text(tmp_path, first, different))


def test_a_reworded_copy_is_a_near_duplicate(tmp_path: Path) -> None:
    bank = (
        "questions:\n"
        "  - {id: a, type: truefalse, prompt: 'Putin was acting president on 1 January 2000.', answer: true}\n"
        "  - {id: b, type: truefalse, prompt: 'On 1 January 2000, Putin was acting president.', answer: true}\n"
        "  - {id: c, type: truefalse, prompt: 'Yeltsin was still president on 1 January 2000.', answer: false}\n"
    )
    warnings = [w for w in lint_text(tmp_path, bank) if w.code == "L109"]
    assert [w.message.split(":")[0] for w in warnings] == ["b"]


# --- silencing ----------------------------------------------------------------------------

ALL_ABOVE = choice("a", "Who met Putin?", ["Clinton", "Blair", "All of the above"], "All of the above")


def test_a_question_silences_a_check_by_code_or_name(tmp_path: Path) -> None:
    for entry in ("L105", "all-none-of-the-above", "l105"):
        bank = "questions:\n" + ALL_ABOVE + f"    lint: {{ignore: [{entry}]}}\n"
        assert "L105" not in codes(lint_text(tmp_path, bank)), entry


def test_a_bank_silences_a_check_for_all_its_questions(tmp_path: Path) -> None:
    bank = "lint: {ignore: L105}\nquestions:\n" + ALL_ABOVE
    assert "L105" not in codes(lint_text(tmp_path, bank))


def test_an_ignore_entry_that_names_no_check_is_reported(tmp_path: Path) -> None:
    bank = "questions:\n" + ALL_ABOVE + "    lint: {ignore: [L999]}\n"
    warnings = lint_text(tmp_path, bank)
    assert codes(warnings) == ["L105", "L100"]
    assert "'L999'" in warnings[1].message and warnings[1].line == 9


def test_a_malformed_lint_field_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "questions:\n" + ALL_ABOVE + "    lint: {ignored: [L105]}\n")
    _, problems = load_paths([tmp_path / "a.yaml"])
    assert [p.message for p in problems] == ["unknown field 'ignored' in 'lint' (did you mean 'ignore'?)"]
    write(tmp_path, "a.yaml", "questions:\n" + ALL_ABOVE + "    lint: {ignore: ['no such thing!']}\n")
    _, problems = load_paths([tmp_path / "a.yaml"])
    assert "is not a lint check" in problems[0].message


def test_the_schema_accepts_the_lint_field(tmp_path: Path) -> None:
    import jsonschema
    import yaml

    from quiz.core.schema import bank_schema

    bank = yaml.safe_load(
        "lint: {ignore: [L101]}\nquestions:\n" + ALL_ABOVE + "    lint: {ignore: [L105, near-duplicate]}\n"
    )
    jsonschema.validate(bank, bank_schema())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"questions": [{**bank["questions"][0], "lint": {"skip": ["L105"]}}]}, bank_schema())


# --- the documented examples ----------------------------------------------------------------

DOC = Path(__file__).parents[2] / "docs" / "question-format.md"
EXAMPLES = re.findall(r"```yaml\n# (bad|good): (L\d{3})\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_check_has_a_bad_and_a_good_example() -> None:
    assert sorted({(kind, code) for kind, code, _ in EXAMPLES}) == sorted(
        (kind, check.code) for check in CHECKS for kind in ("bad", "good")
    )


@pytest.mark.parametrize(("kind", "code", "body"), EXAMPLES, ids=[f"{c}-{k}" for k, c, _ in EXAMPLES])
def test_a_bad_example_fires_its_check_and_a_good_one_fires_nothing(
    tmp_path: Path, kind: str, code: str, body: str
) -> None:
    warnings = lint_text(tmp_path, body)
    if kind == "bad":
        assert code in codes(warnings)
    else:
        assert warnings == []
