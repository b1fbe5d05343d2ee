"""The bank loader: what teachers write is what loads; every mistake has its line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from quiz.core.bank import load_file, load_paths, load_text
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)


def load(yaml_text: str) -> tuple[object, list[str]]:
    bank, problems = load_text(textwrap.dedent(yaml_text), "bank.yaml")
    return bank, [str(p) for p in problems]


EVERY_TYPE = """\
deck: demo
title: Every type
description: One of each.
tags: [base]
sources:
  memcon: Memorandum of conversation, 1 January 2000
questions:
  - id: c
    prompt: Date of the call?
    choices: [31 December 1999, 1 January 2000]
    answer: 1 January 2000
    feedback:
      31 December 1999: That was the resignation.
    explanation: The day after.
    source: memcon
    tags: [call]
    hint: New Year.
  - id: m
    type: multi
    prompt: Who spoke?
    choices: [Clinton, Putin, Yeltsin]
    answers: [Clinton, Putin]
    shuffle: false
  - id: tf
    type: truefalse
    prompt: Putin was acting president.
    answer: yes
  - id: s
    type: short
    prompt: Who resigned?
    answer: [Yeltsin, Eltsin]
    typos: 1
  - id: n
    type: number
    prompt: Year?
    answer: 2000
    tolerance: 1
    unit: years
  - id: z
    type: cloze
    text: "{{Yeltsin|Eltsin}} resigned on {{31 December}} 1999."
  - id: o
    type: order
    prompt: Order these.
    items: [Resignation, Call, Election]
  - id: mt
    type: match
    prompt: Match.
    pairs:
      Clinton: US President
      Putin: Acting President
  - id: cd
    type: card
    prompt: Why did the call matter?
    answer: It set the tone.
"""


def test_every_type_round_trips_from_yaml_to_model() -> None:
    bank, problems = load_text(EVERY_TYPE, "demo.yaml")
    assert problems == []
    assert bank is not None
    assert (bank.deck, bank.title, bank.description) == ("demo", "Every type", "One of each.")
    c, m, tf, s, n, z, o, mt, cd = bank.questions
    assert c == ChoiceQuestion(
        deck="demo",
        id="c",
        prompt="Date of the call?",
        choices=("31 December 1999", "1 January 2000"),
        answer="1 January 2000",
        feedback={"31 December 1999": "That was the resignation."},
        explanation="The day after.",
        source="memcon",
        citation="Memorandum of conversation, 1 January 2000",
        tags=("base", "call"),
        hint="New Year.",
        file="demo.yaml",
        line=8,
    )
    assert c.key == "demo/c"
    assert isinstance(m, MultiQuestion) and m.answers == {"Clinton", "Putin"} and not m.shuffle
    assert isinstance(tf, TrueFalseQuestion) and tf.answer is True
    assert isinstance(s, ShortQuestion) and s.answers == ("Yeltsin", "Eltsin") and s.typos == 1
    assert isinstance(n, NumberQuestion) and (n.answer, n.tolerance, n.unit) == (2000.0, 1.0, "years")
    assert isinstance(z, ClozeQuestion)
    assert z.parts == (Gap(("Yeltsin", "Eltsin")), " resigned on ", Gap(("31 December",)), " 1999.")
    assert z.prompt == ""
    assert isinstance(o, OrderQuestion) and o.items == ("Resignation", "Call", "Election")
    assert isinstance(mt, MatchQuestion)
    assert mt.pairs == (("Clinton", "US President"), ("Putin", "Acting President"))
    assert isinstance(cd, CardQuestion) and cd.answer == "It set the tone."
    assert all(q.tags[0] == "base" for q in bank.questions)


def test_tricky_scalars_stay_the_text_the_teacher_typed() -> None:
    bank, problems = load(
        """\
        questions:
          - id: q
            choices: [yes, no, on, off, 1:30, 0123, 2000-01-01, 1e3, null, ~]
            prompt: Which?
            answer: 0123
          - id: s
            type: short
            prompt: Time?
            answer: 1:30
          - id: tf
            type: truefalse
            prompt: x
            answer: No
        """
    )
    assert problems == ["bank.yaml:3:62: 'choices item' is empty", "bank.yaml:3:68: 'choices item' is empty"]
    bank, problems = load(
        """\
        questions:
          - id: q
            choices: [yes, no, on, off, 1:30, 0123, 2000-01-01, 1e3, "null"]
            prompt: Which?
            answer: 0123
          - id: s
            type: short
            prompt: Time?
            answer: 1:30
          - id: tf
            type: truefalse
            prompt: x
            answer: No
        """
    )
    assert problems == []
    q, s, tf = bank.questions  # type: ignore[attr-defined]
    assert q.choices == ("yes", "no", "on", "off", "1:30", "0123", "2000-01-01", "1e3", "null")
    assert q.answer == "0123"
    assert s.answers == ("1:30",)
    assert tf.answer is False


def test_number_answers_are_numbers() -> None:
    bank, problems = load(
        """\
        questions:
          - {id: a, type: number, prompt: p, answer: 1_000}
          - {id: b, type: number, prompt: p, answer: "2.5", tolerance: 0.5}
          - {id: c, type: number, prompt: p, answer: -3}
        """
    )
    assert problems == []
    assert [q.answer for q in bank.questions] == [1000.0, 2.5, -3.0]  # type: ignore[attr-defined]


RULES = [
    pytest.param("questions:\n  - id: a\n    prompt: [\n", "4:1: YAML syntax error", id="yaml-syntax"),
    pytest.param(
        "questions:\n  - prompt: p\n    choices: [a, b]\n    answer: a\n", "2:5: question has no 'id'", id="missing-id"
    ),
    pytest.param(
        "questions:\n  - id: a\n    choices: [a, b]\n    answer: a\n",
        "2:5: question 'a' has no 'prompt'",
        id="missing-prompt",
    ),
    pytest.param(
        "questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n  - {id: a, prompt: q, choices: [x, y], answer: x}\n",
        "3:10: duplicate id 'a' in deck 'bank' (first on line 2)",
        id="duplicate-id",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: chioce\n    prompt: p\n",
        "3:11: unknown type 'chioce' (did you mean 'choice'?)",
        id="unknown-type",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    anwser: x\n",
        "5:5: unknown field 'anwser' (did you mean 'answer'?)",
        id="unknown-field",
    ),
    pytest.param(
        "titel: T\nquestions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n",
        "1:1: unknown top-level field 'titel' (did you mean 'title'?)",
        id="unknown-top-level",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    answer: z\n",
        "5:13: answer 'z' is not one of the choices",
        id="answer-not-in-choices",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: multi\n    prompt: p\n    choices: [x, y]\n    answers: []\n",
        "6:14: 'answers' is empty",
        id="answers-empty",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: order\n    prompt: p\n    items: [x, y]\n",
        "5:12: 'order' needs at least 3 items, has 2",
        id="order-too-short",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: order\n    prompt: p\n    items: [x, y, x]\n",
        "5:19: item 'x' is given twice",
        id="order-duplicates",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: cloze\n    text: no gap here\n",
        "4:11: cloze text has no gap",
        id="cloze-no-gap",
    ),
    pytest.param(
        "sources:\n  memcon: M\nquestions:\n  - {id: a, prompt: p, choices: [x, y], answer: x, source: memkon}\n",
        "4:60: source 'memkon' is not defined in the bank's sources (did you mean 'memcon'?)",
        id="undefined-source",
    ),
    pytest.param("questions:\n\t- id: a\n", "2:1: tab in indentation", id="tab-indent"),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    prompt: q\n    choices: [x, y]\n    answer: x\n",
        "4:5: duplicate key 'prompt' (first given on line 3)",
        id="duplicate-key",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: !!python/object:os.system ls\n",
        "3:13: YAML tag '!!python/object:os.system' is not allowed",
        id="python-tag",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    choices: [x]\n    answer: x\n",
        "4:14: 'choices' needs at least 2 options, has 1",
        id="one-choice",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: number\n    prompt: p\n    answer: many\n",
        "5:13: 'answer' must be a number, not 'many'",
        id="number-not-number",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: truefalse\n    prompt: p\n    answer: maybe\n",
        "5:13: 'answer' must be true or false, not 'maybe'",
        id="truefalse-not-bool",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: match\n    prompt: p\n    pairs: {x: 1}\n",
        "5:12: 'match' needs at least 2 pairs, has 1",
        id="match-one-pair",
    ),
    pytest.param(
        "questions:\n  - id: a\n    type: card\n    prompt: p\n",
        "2:5: 'card' question needs 'answer'",
        id="card-no-answer",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    answer: x\n    feedback: {z: why}\n",
        "6:16: feedback for 'z', which is not one of the choices",
        id="feedback-unknown-choice",
    ),
    pytest.param(
        "questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    answer: x\n    tolerance: 1\n",
        "6:5: field 'tolerance' is not used by 'choice' questions",
        id="field-of-other-type",
    ),
    pytest.param("a: &x [1]\nb: *x\n", "alias", id="alias"),
    pytest.param("", "1:1: the file is empty", id="empty"),
    pytest.param("- 1\n- 2\n", "1:1: a bank must be a mapping", id="list-top-level"),
    pytest.param("title: T\n", "1:1: the bank has no 'questions' list", id="no-questions"),
]


@pytest.mark.parametrize(("text", "expected"), RULES)
def test_each_rule_is_reported_at_its_line(text: str, expected: str) -> None:
    bank, problems = load_text(text, "bank.yaml")
    assert bank is None
    assert any(str(p).startswith("bank.yaml:" + expected) or expected in str(p) for p in problems), problems
    if expected[0].isdigit():
        assert any(str(p).startswith("bank.yaml:" + expected) for p in problems), problems


def test_all_problems_of_a_file_are_reported_at_once_and_sorted() -> None:
    _, problems = load(
        """\
        questions:
          - id: a
            type: order
            prompt: p
            items: [x, y]
          - id: b
            prompt: p
            choices: [x, y]
            answer: z
          - id: a
            type: mulit
            prompt: p
        """
    )
    assert [p.split(": ", 1)[0] for p in problems] == [
        "bank.yaml:5:12",
        "bank.yaml:9:13",
        "bank.yaml:10:9",
        "bank.yaml:11:11",
    ]


def test_two_files_with_one_deck_name_both_files(tmp_path: Path) -> None:
    body = "deck: same\nquestions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n"
    (tmp_path / "one.yaml").write_text(body)
    (tmp_path / "two.yml").write_text(body)
    library, problems = load_paths([tmp_path])
    assert len(library.banks) == 1
    assert len(problems) == 1
    message = str(problems[0])
    assert "two.yml" in message and "one.yaml" in message and "deck 'same'" in message


def test_folders_are_searched_recursively_and_other_files_ignored(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yaml").write_text("questions:\n  - {id: a, prompt: p, choices: [x, y], answer: x}\n")
    (tmp_path / "notes.txt").write_text("not a bank: [")
    library, problems = load_paths([tmp_path])
    assert problems == []
    assert [b.deck for b in library.banks] == ["b"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not UTF-8 text"),
        (b"questions: \x00\n", "not a text file"),
    ],
)
def test_binary_files_are_problems_not_crashes(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "b.yaml"
    path.write_bytes(content)
    bank, problems = load_file(path)
    assert bank is None and message in str(problems[0])


def test_an_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "dir.yaml"
    path.mkdir()  # reading a folder fails for root too, unlike chmod 000
    bank, problems = load_file(path)
    assert bank is None and "cannot read the file" in str(problems[0])


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 12)
    ]
    bank, problems = load_text("\n".join(lines) + "\n", "bomb.yaml")
    assert bank is None and "aliases" in str(problems[0])


def test_a_huge_value_is_abbreviated_in_its_message() -> None:
    huge = "x" * 100_000
    _, problems = load(f"questions:\n  - id: a\n    prompt: p\n    choices: [x, y]\n    answer: {huge}\n")
    assert len(problems) == 1 and len(problems[0]) < 200 and "…'" in problems[0]
