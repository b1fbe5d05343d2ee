"""Fuzzed banks: whatever a file holds, loading either accepts it or reports located
problems, and never raises.

Valid banks of every type must load unchanged; a bank with one deliberate mistake
(a field removed, a misspelt key, an answer not among the choices) must be refused
with a problem; a field of the wrong kind and plain garbage (random bytes and
unicode, YAML fragments glued together, deep nesting, huge scalars, alias bombs,
object-building tags, tabs, NUL bytes, BOMs) must never raise, in `load_text`,
`load_file` and `quiz check`.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.core.bank import load_file, load_text
from quiz.core.model import QUESTION_TYPES, Bank, Problem
from tests.hardening.conftest import PROFILE
from tests.hardening.strategies import (
    REQUIRED,
    WRONG_KINDS,
    Data,
    allowed_fields,
    dumped,
    garbage_bytes,
    garbage_text,
    misspell,
    question_type,
    valid_bank,
)

FUZZ = settings.get_profile(PROFILE)
FILE = "fuzz/bank.yaml"


def assert_accepted_or_located(bank: Bank | None, problems: list[Problem], file: str, text: str) -> None:
    """Exactly one of: a bank and no problem, or no bank and problems each pointing
    at a real place (1-based line and column inside the file, the file named)."""
    if bank is not None:
        assert problems == []
        return
    assert problems, "refused without saying why"
    last_line = len(text.splitlines()) + 1
    for problem in problems:
        assert problem.file == file
        assert isinstance(problem.line, int) and 1 <= problem.line <= last_line, problem
        assert isinstance(problem.column, int) and problem.column >= 1, problem
        assert isinstance(problem.message, str) and problem.message.strip(), problem


def load(text: str) -> tuple[Bank | None, list[Problem]]:
    """`load_text` checked against the contract."""
    bank, problems = load_text(text, FILE)
    assert_accepted_or_located(bank, problems, FILE, text)
    return bank, problems


def check_cli(path: Path) -> tuple[int, list[dict[str, Any]], str]:
    """`quiz check --format json PATH` and the plain text run: exit code, problems, text."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", "--format", "json", str(path)], out, err)
    assert code in (0, 1), err.getvalue()
    problems = json.loads(out.getvalue())
    assert (code == 1) == bool(problems)
    for problem in problems:
        assert problem["file"] == str(path)
        assert problem["line"] >= 1 and problem["column"] >= 1, problem
        assert problem["message"]
    text_out, text_err = io.StringIO(), io.StringIO()
    assert main(["check", str(path)], text_out, text_err) == code
    assert "Traceback" not in text_err.getvalue()
    return code, problems, text_out.getvalue()


def questions_of(data: Data) -> list[Data]:
    return list(data["questions"])


# --------------------------------------------------------------------------- valid banks


@FUZZ
@given(st.data())
def test_valid_banks_of_every_type_load_unchanged(data: st.DataObject) -> None:
    bank_data = data.draw(valid_bank())
    text = data.draw(dumped(bank_data))
    bank, problems = load(text)
    assert problems == [], "\n".join(map(str, problems))
    assert bank is not None
    # The oracle: YAML read with every scalar kept as text, as the builder promises.
    as_text = yaml.load(text, Loader=yaml.BaseLoader)
    loaded = bank.questions
    assert [q.id for q in loaded] == [q["id"] for q in questions_of(bank_data)]
    for question, given_data in zip(loaded, as_text["questions"], strict=True):
        assert question.type == given_data.get("type", "choice")
        assert question.prompt == given_data.get("prompt", "")
        assert question.explanation == given_data.get("explanation", "")
        assert question.hint == given_data.get("hint")
        if "source" in given_data:
            assert question.citation == as_text["sources"][given_data["source"]]


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 3))
@given(data=st.data())
def test_a_bank_with_every_type_passes_quiz_check(data: st.DataObject) -> None:
    kinds = tuple(data.draw(st.permutations(QUESTION_TYPES)))
    bank_data = data.draw(valid_bank(types=kinds))
    text = data.draw(dumped(bank_data))
    bank, _ = load(text)
    assert bank is not None and [q.type for q in bank.questions] == list(kinds)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8")
        code, problems, _ = check_cli(path)
    assert code == 0 and problems == []


# --------------------------------------------------------------------------- near misses


@st.composite
def bank_missing_a_required_field(draw: st.DrawFn) -> tuple[Data, str]:
    bank = draw(valid_bank())
    target = draw(st.sampled_from(questions_of(bank)))
    qtype = question_type(target)
    required = ["id", *REQUIRED[qtype]] + (["prompt"] if qtype != "cloze" else [])
    name = draw(st.sampled_from(required))
    del target[name]
    return bank, name


@FUZZ
@given(st.data())
def test_a_bank_missing_a_required_field_is_refused(data: st.DataObject) -> None:
    bank_data, name = data.draw(bank_missing_a_required_field())
    bank, problems = load(data.draw(dumped(bank_data)))
    assert bank is None
    assert any(name in p.message for p in problems), (name, problems)


@FUZZ
@given(st.data())
def test_a_bank_without_questions_is_refused(data: st.DataObject) -> None:
    bank_data = data.draw(valid_bank())
    del bank_data["questions"]
    bank, problems = load(data.draw(dumped(bank_data)))
    assert bank is None
    assert any("questions" in p.message for p in problems)


@st.composite
def bank_with_a_misspelt_key(draw: st.DrawFn) -> tuple[Data, str]:
    bank = draw(valid_bank())
    if draw(st.booleans()):
        target = draw(st.sampled_from(questions_of(bank)))
        allowed = allowed_fields(question_type(target))
        name = draw(st.sampled_from(sorted(target)))
    else:
        target, allowed = bank, ("deck", "title", "description", "tags", "sources", "questions")
        name = draw(st.sampled_from(sorted(target)))
    wrong = misspell(draw, name)
    if wrong in allowed or wrong in target:
        wrong = name + "s" if name + "s" not in allowed else name.upper() + "X"
    target[wrong] = target.pop(name)
    return bank, wrong


@FUZZ
@given(st.data())
def test_a_misspelt_key_is_refused_and_named(data: st.DataObject) -> None:
    bank_data, wrong = data.draw(bank_with_a_misspelt_key())
    bank, problems = load(data.draw(dumped(bank_data)))
    assert bank is None
    assert any(f"'{wrong}'" in p.message for p in problems), (wrong, problems)


@st.composite
def bank_with_an_answer_not_in_choices(draw: st.DrawFn) -> Data:
    bank = draw(valid_bank(types=(draw(st.sampled_from(["choice", "multi"])),)))
    target = questions_of(bank)[0]
    stranger = draw(st.text(min_size=1, max_size=20).filter(lambda s: s not in target["choices"]))
    if question_type(target) == "multi":
        target["answers"] = [*target["answers"], stranger]
    else:
        target["answer"] = stranger
    return bank


@FUZZ
@given(st.data())
def test_an_answer_not_among_the_choices_is_refused(data: st.DataObject) -> None:
    bank, problems = load(data.draw(dumped(data.draw(bank_with_an_answer_not_in_choices()))))
    assert bank is None
    assert any("not one of the choices" in p.message for p in problems), problems


TEXT_FIELDS = ("id", "type", "prompt", "explanation", "source", "hint", "unit", "text")
"""Fields that only take text: a list or a mapping there is always an error."""


@st.composite
def bank_with_a_field_of_the_wrong_kind(draw: st.DrawFn) -> tuple[Data, str, Any]:
    bank = draw(valid_bank())
    where = draw(st.sampled_from(["bank", "question"]))
    if where == "bank":
        target: Data = bank
    else:
        target = draw(st.sampled_from(questions_of(bank)))
    name = draw(st.sampled_from(sorted(target)))
    value = draw(st.sampled_from(WRONG_KINDS))
    target[name] = value
    return bank, name if where == "question" else f"bank.{name}", value


@FUZZ
@given(st.data())
def test_a_field_of_the_wrong_kind_never_raises(data: st.DataObject) -> None:
    bank_data, name, value = data.draw(bank_with_a_field_of_the_wrong_kind())
    bank, _ = load(data.draw(dumped(bank_data)))
    if name in TEXT_FIELDS and isinstance(value, list | dict):
        assert bank is None, (name, value)
    if name in ("choices", "items", "pairs", "bank.questions") and not isinstance(value, list | dict):
        assert bank is None, (name, value)


def test_every_field_of_every_type_rejects_a_mapping_where_text_belongs() -> None:
    """Deterministic sweep: each text field of each type, given a mapping, is reported
    at the value's own line."""
    for qtype in QUESTION_TYPES:
        for name in TEXT_FIELDS:
            if (name == "unit" and qtype != "number") or (name == "text" and qtype != "cloze"):
                continue
            fields: Data = {"id": "a", "type": qtype, "prompt": "p", "source": "s"}
            fields |= {"choices": ["x", "y"], "answer": "x"} if qtype == "choice" else {}
            fields[name] = {"nested": "mapping"}
            text = yaml.safe_dump({"sources": {"s": "cite"}, "questions": [fields]}, sort_keys=False)
            bank, problems = load(text)
            assert bank is None, (qtype, name)
            value_line = next(
                n for n, line in enumerate(text.splitlines(), 1) if line.strip().lstrip("- ").startswith(f"{name}:")
            )
            assert any(p.line in (value_line, value_line + 1) for p in problems), (qtype, name, problems)


# --------------------------------------------------------------------------- garbage


@FUZZ
@given(garbage_text)
def test_garbage_text_never_raises(text: str) -> None:
    load(text)


@FUZZ
@given(garbage_bytes)
def test_garbage_bytes_never_raise_in_load_file_or_quiz_check(data: bytes) -> None:
    load(data.decode("utf-8", errors="replace"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_bytes(data)
        bank, problems = load_file(path)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="replace")
        assert_accepted_or_located(bank, problems, str(path), text)
        check_cli(path)


@FUZZ
@given(st.data())
def test_valid_bank_with_garbage_spliced_in_never_raises(data: st.DataObject) -> None:
    text = data.draw(dumped(data.draw(valid_bank())))
    at = data.draw(st.integers(0, len(text)))
    load(text[:at] + data.draw(garbage_text) + text[at:])


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\nquestions: *a8\n"


HOSTILE_FILES: dict[str, str | bytes] = {
    "flow nesting 10,000 deep": "[" * 10_000 + "]" * 10_000,
    "mapping nesting 10,000 deep": "{a: " * 10_000 + "b" + "}" * 10_000,
    "block nesting 2,000 deep": "questions:\n" + "".join("  " * i + "-\n" for i in range(1, 2000)),
    "questions nested 10,000 deep": "questions: " + "[" * 10_000 + "]" * 10_000,
    "1 MB plain scalar": "questions:\n  - id: a\n    prompt: " + "x" * 1_000_000 + "\n",
    "1 MB quoted answer": 'questions:\n  - id: a\n    type: number\n    answer: "' + "9" * 1_000_000 + '"\n',
    "1 MB key": "x" * 1_000_000 + ": 1\n",
    "billion laughs": _alias_bomb(),
    "self-referencing alias": "a: &a [*a]\nquestions: *a\n",
    "merge key": "base: &b {type: card}\nquestions:\n  - <<: *b\n    id: a\n",
    "python object tag": "!!python/object/apply:os.system ['touch /tmp/quiz-pwned']\n",
    "python tag on a question": "questions:\n  - !!python/object/apply:os.system ['touch /tmp/quiz-pwned']\n",
    "python name tag": "questions: !!python/name:os.system\n",
    "python tag on a prompt": "questions:\n  - id: a\n    prompt: !!python/object/new:str [x]\n    type: card\n    answer: b\n",
    "custom tag": "questions:\n  - !bank {id: a}\n",
    "binary tag": "questions:\n  - id: !!binary aGVsbG8=\n",
    "tabs in indentation": "questions:\n\t- id: a\n\t  prompt: b\n",
    "tab after spaces": "questions:\n  - id: a\n  \tprompt: b\n",
    "NUL byte": "questions:\n  - id: a\x00\n",
    "BOM then bank": "\ufeffquestions:\n  - id: a\n    type: card\n    prompt: p\n    answer: b\n",
    "two BOMs": "\ufeff\ufeffquestions: []\n",
    "BOM bytes": b"\xef\xbb\xbfquestions:\n  - id: a\n    type: card\n    prompt: p\n    answer: b\n",
    "UTF-16 file": "questions: []\n".encode("utf-16"),
    "invalid UTF-8": b"questions:\n  - id: \xff\xfe\n",
    "lone surrogate escape": 'questions:\n  - id: a\n    prompt: "\\ud800"\n',
    "bell in plain text": "questions:\n  - id: a\n    prompt: ding\x07\n",
    "escape in plain text": "questions:\n  - id: a\n    prompt: \x1b[2J\n",
    "many documents": "questions: []\n---\nquestions: []\n",
    "document end only": "...\n",
    "directive only": "%YAML 1.1\n---\n",
    "unknown directive": "%FOO bar\n---\nquestions: []\n",
    "only a comment": "# nothing here\n",
    "only whitespace": "   \n\n  \n",
    "a scalar": "just text\n",
    "a list": "- a\n- b\n",
    "null key": "~: 1\nquestions: []\n",
    "complex key": "? [a, b]\n: c\nquestions: []\n",
    "integer keys": "1: a\nquestions:\n  - 2: b\n",
    "CR line ends": "questions:\r  - id: a\r    prompt: b\r",
    "unicode line separators": "questions:\u2028  - id: a\u2029",
    "NEL line breaks": "questions:\x85  - id: a\x85",
    "thousands of broken questions": "questions:\n" + "  - id: q\n" * 3_000,
    "very long line of commas": "questions: [" + "," * 100_000 + "]\n",
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_hostile_file_is_refused_or_accepted_without_raising(name: str, tmp_path: Path) -> None:
    content = HOSTILE_FILES[name]
    path = tmp_path / "hostile.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("utf-8", errors="replace")
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        text = content
        load(content.lstrip("\ufeff"))
    bank, problems = load_file(path)
    assert_accepted_or_located(bank, problems, str(path), text)
    check_cli(path)
    assert not Path("/tmp/quiz-pwned").exists(), "a YAML tag ran a command"


def test_object_building_tags_are_named_in_the_problem(tmp_path: Path) -> None:
    bank, problems = load(HOSTILE_FILES["python tag on a question"])  # type: ignore[arg-type]
    assert bank is None
    assert any("!!python/object/apply:os.system" in p.message for p in problems)
    assert (problems[0].line, problems[0].column) == (2, 5)


def test_an_alias_bomb_is_refused_quickly_by_name() -> None:
    bank, problems = load(_alias_bomb())
    assert bank is None
    assert any("alias" in p.message for p in problems)


def test_tabs_are_reported_at_their_line_and_column() -> None:
    _, problems = load(HOSTILE_FILES["tab after spaces"])  # type: ignore[arg-type]
    assert any((p.line, p.column) == (3, 3) and "tab" in p.message for p in problems), problems


# --------------------------------------------------------------------------- one problem, one line


CONTROL_IN_PLAIN_TEXT = "deck: d\nquestions:\n  - id: a\n    prompt: ding\x07\n    type: card\n    answer: b\n"


def test_a_control_character_is_reported_at_its_line_in_one_line() -> None:
    bank, problems = load(CONTROL_IN_PLAIN_TEXT)
    assert bank is None
    assert [(p.line, "\n" in p.message) for p in problems] == [(4, False)], problems


def test_quiz_check_prints_no_escape_sequence_from_a_bank(tmp_path: Path) -> None:
    path = tmp_path / "esc.yaml"
    path.write_text(
        'title: "\\e]0;pwned\\a"\n"\\e[31mred": 1\nquestions:\n  - id: a\n'
        '    choices: [x, y]\n    prompt: p\n    answer: "\\e[2J\\e[5mz"\n',
        encoding="utf-8",
    )
    code, problems, text = check_cli(path)
    assert code == 1 and len(problems) == 2
    assert "\x1b" not in text and "\x07" not in text
    assert len(text.splitlines()) == 2
    assert all(re.match(re.escape(str(path)) + r":\d+:\d+: ", line) for line in text.splitlines())
