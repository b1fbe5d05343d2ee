"""Pathological banks (issue 18, points 2, 6 and 8): loading is linear in the size of
the file whatever it holds, the node-count guard always applies and runs before the
tree is built, only regular files are read and only up to a size, and problems come
in file order.

Every pattern the loader applies to bank text gets a 1 MB adversarial input. Each
case runs within a generous time budget (`budget`): the quadratic cloze scan this
replaces took 16 s at 40 KB, so at 1 MB it would take hours, and the budget turns
that into a failure instead of a hung run. The budget is a guard, not a benchmark
(timings live in `benchmarks/`).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.core import bank_limits as bank_module
from quiz.core.bank import MAX_NODES, find_bank_files, load_file, load_paths, load_text
from tests.hardening.conftest import PROFILE

MB = 1 << 20
BUDGET_SECONDS = 30
"""Far above what a linear pass over 1 MB needs on a loaded machine; far below quadratic."""
FUZZ = settings.get_profile(PROFILE)
SOUP = settings(FUZZ, deadline=timedelta(seconds=10))
"""Hypothesis fails an example that takes longer than this (after re-running it)."""


@contextmanager
def budget(seconds: int = BUDGET_SECONDS) -> Iterator[None]:
    """Fail (TimeoutError) instead of hanging when the body is not done in time."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"not done within {seconds} s: the loader is not linear here")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def dq(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def question(body: str, qtype: str = "choice") -> str:
    return f"questions:\n- id: a\n  type: {qtype}\n  prompt: p\n{body}"


QUOTED = ("'" + "a" * 100) * (MB // 101)
CHOICES = ", ".join(f"c{n}" for n in range(40_000))
ADVERSARIAL: dict[str, tuple[str, str]] = {
    # name: (bank text of about 1 MB or more, a problem message it must produce)
    "cloze, '{{' without a closing pair": (question(f"  text: {dq('{{' * (MB // 2))}\n", "cloze"), "unbalanced"),
    "cloze, '{{a}' repeated": (question(f"  text: {dq('{{a}' * (MB // 4))}\n", "cloze"), "unbalanced"),
    "cloze, '}}' repeated": (question(f"  text: {dq('}}' * (MB // 2))}\n", "cloze"), "unbalanced"),
    "cloze, one gap of a million bars": (
        question(f"  text: {dq('{{' + 'a|' * (MB // 2) + '}}')}\n", "cloze"),
        "empty answer",
    ),
    "cloze, many gaps and braces": (question(f"  text: {dq('{{x}} {' * (MB // 7))}\n", "cloze"), ""),
    "number, a million digits": (question(f"  answer: {'9' * MB}\n", "number"), "finite number"),
    "number, 0x and a million digits": (question(f"  answer: 0x{'9' * MB}\n", "number"), "must be a number"),
    "number, 'e' soup": (question(f"  answer: {dq('1e' * (MB // 2))}\n", "number"), "must be a number"),
    "typos, a million digits": (question(f"  answer: x\n  typos: {'9' * MB}\n", "short"), "whole number"),
    "id, a long almost-slug": (
        f"questions:\n- id: {'a' * MB}!\n  prompt: p\n  choices: [a, b]\n  answer: a\n",
        "must be a slug",
    ),
    "field name of a megabyte (did you mean)": (
        question(f"  choices: [a, b]\n  answer: a\n  ? {'answr' * (MB // 5)}\n  : x\n"),
        "unknown field",
    ),
    "answer a megabyte long, near a choice (did you mean)": (
        question(f"  choices: [{dq('a' * MB)}, b]\n  answer: {dq('a' * (MB - 1) + 'b')}\n"),
        "not one of the choices",
    ),
    "multi, 40,000 answers none of 40,000 choices": (
        question(f"  choices: [{CHOICES}]\n  answers: [{CHOICES.replace('c', 'x')}]\n", "multi"),
        "not one of the choices",
    ),
    "feedback for 40,000 unknown choices": (
        question(f"  choices: [{CHOICES}]\n  answer: c1\n  feedback: {{{CHOICES.replace('c', 'x: t, x')}: t}}\n"),
        "not one of the choices",
    ),
    "quotes in a quoted message": (
        question(f"  choices: [{dq(QUOTED)}, {dq(QUOTED)}]\n"),
        "given twice",
    ),
    "tabs on every line": ("\tx: y\n" * (MB // 6), "tab in indentation"),
    "brace soup": ("{" * MB, "YAML"),
    "bracket soup": ("[" * MB, "YAML"),
    "quote soup": ("'\"" * (MB // 2), "YAML"),
    "mixed soup": ("{[\"'" * (MB // 4), "YAML"),
    "a plain scalar of braces and quotes": (
        question(f"  choices: [a, b]\n  answer: c\n  hint: x{'{}' * MB}\n"),
        "not one of the choices",
    ),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_every_loader_pattern_is_linear_on_a_megabyte(name: str) -> None:
    text, expected = ADVERSARIAL[name]
    assert len(text) >= MB // 2
    with budget():
        bank, problems = load_text(text, "adversarial.yaml")
    if not expected:  # a valid, if odd, bank
        assert (bank is None) == bool(problems)
        return
    assert bank is None and problems
    assert any(expected in problem.message for problem in problems), problems[:3]


def test_quiz_check_of_the_cloze_that_hung_it(tmp_path: Path) -> None:
    """The reported case: `quiz check` took 16 s at 40 KB, 60 s at 80 KB."""
    path = tmp_path / "cloze.yaml"
    path.write_text(question(f"  text: {dq('{' * MB)}\n", "cloze"), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with budget():
        code = main(["check", str(path)], out, err)
    assert code == 1 and "unbalanced" in out.getvalue()


# Brace and quote soup: random pieces repeated to about 200 KB, as a cloze text, as a
# plain value and as a whole file; each example must finish within SOUP's deadline.
soup_pieces = st.text(st.sampled_from("{}{}|'\"[]:,- \\\nab"), min_size=1, max_size=40)


def amplify(piece: str, size: int = 200_000) -> str:
    return piece * (size // len(piece) + 1)


@SOUP
@given(soup_pieces)
def test_brace_and_quote_soup_in_a_cloze_text(piece: str) -> None:
    text = amplify(piece.replace("\n", " "))
    bank, problems = load_text(question(f"  text: {dq(text)}\n", "cloze"), "soup.yaml")
    assert (bank is None) == bool(problems)
    if bank is not None:
        assert "{{" in text


@SOUP
@given(soup_pieces)
def test_brace_and_quote_soup_as_a_whole_file(piece: str) -> None:
    text = amplify(piece)
    bank, problems = load_text(text, "soup.yaml")
    assert bank is None and problems


@SOUP
@given(soup_pieces, st.sampled_from(["prompt", "answer", "hint", "id", "typos", "tolerance"]))
def test_brace_and_quote_soup_in_any_field(piece: str, field: str) -> None:
    value = dq(amplify(piece.replace("\n", " "), 100_000))
    qtype = "number" if field == "tolerance" else "short"
    fields = {"prompt": "p", "answer": "1", field: value}
    body = "".join(f"  {key}: {text}\n" for key, text in fields.items() if key != "id")
    text = f"questions:\n- id: {value if field == 'id' else 'a'}\n  type: {qtype}\n{body}"
    bank, problems = load_text(text, "soup.yaml")
    assert (bank is None) == bool(problems)


# --------------------------------------------------------------------------- the node count


def test_the_node_count_is_checked_before_the_tree_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    """2 million list items in 4 MB composed to 800 MB; now they are counted on the
    event stream first, and the tree is never built (here with a lower limit)."""
    monkeypatch.setattr(bank_module, "MAX_NODES", 20_000)

    def never(*_: object, **__: object) -> None:
        raise AssertionError("composed a file over the node limit")

    monkeypatch.setattr(yaml, "compose", never)
    bank, problems = load_text("questions:\n" + "- a\n" * 20_001, "many.yaml")
    assert bank is None and "more than 20000 YAML nodes" in problems[0].message


def test_the_node_count_applies_without_star_or_bang(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard used to run only for texts with '*' or '!' in them."""
    monkeypatch.setattr(bank_module, "MAX_NODES", 5_000)
    text = "questions:\n- id: a\n  prompt: p\n  choices: [" + ", ".join(["x"] * 6_000) + "]\n  answer: x\n"
    assert "*" not in text and "!" not in text
    bank, problems = load_text(text, "many.yaml")
    assert bank is None and "more than 5000 YAML nodes" in problems[0].message


REFUSE_MANY = """
import resource, sys
from quiz.core.bank import MAX_NODES, load_text
text = "questions:\\n" + "- a\\n" * (MAX_NODES + 1)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
bank, problems = load_text(text, "many.yaml")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(bank is None, problems[0].message, (after - before) // 1024)
"""


@pytest.mark.slow
def test_two_million_list_items_are_refused_with_little_memory() -> None:
    """The reported case, whole: 2 million items used to cost 800 MB to compose."""
    result = subprocess.run([sys.executable, "-c", REFUSE_MANY], capture_output=True, text=True, check=True)
    refused, *message, grown = result.stdout.split()
    assert refused == "True" and f"more than {MAX_NODES} YAML nodes" in " ".join(message)
    assert int(grown) < 150, f"the peak memory grew by {grown} MB to refuse the file"


def test_a_bank_within_the_limit_is_not_refused() -> None:
    text = "questions:\n- id: a\n  prompt: 'p: - , [ { ?'\n  choices: [a, b]\n  answer: a\n"
    bank, problems = load_text(text, "fine.yaml")
    assert bank is not None and not problems


# --------------------------------------------------------------------------- what is read


@pytest.fixture
def alarm() -> Iterator[None]:
    with budget(20):
        yield


def test_a_fifo_is_refused_before_reading(tmp_path: Path, alarm: None) -> None:
    fifo = tmp_path / "bank.yaml"
    os.mkfifo(fifo)
    bank, problems = load_file(fifo)
    assert bank is None and "named pipe" in problems[0].message
    files, errors = find_bank_files([fifo])
    assert files == [] and "not a regular file" in errors[0]
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(fifo)], out, err) == 2
    assert "not a regular file or a folder" in err.getvalue()
    assert main(["--questions", str(fifo), "drill"], out, err) == 2


def test_a_fifo_inside_a_folder_is_not_a_bank(tmp_path: Path, alarm: None) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "real.yaml").write_text(question("  choices: [a, b]\n  answer: a\n"), encoding="utf-8")
    library, problems = load_paths([tmp_path])
    assert not problems and len(library.questions) == 1


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused_not_read_for_ever(alarm: None) -> None:
    bank, problems = load_file(Path("/dev/zero"))
    assert bank is None and "a device" in problems[0].message
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "/dev/zero"], out, err) == 2


def test_a_file_over_the_size_cap_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bank_module, "MAX_BANK_BYTES", 1000)
    monkeypatch.setattr(bank_module, "_TOO_BIG", "cannot read the file: it is over the cap")
    path = tmp_path / "big.yaml"
    path.write_text(question("  choices: [a, b]\n  answer: a\n  hint: " + "x" * 2000 + "\n"), encoding="utf-8")
    bank, problems = load_file(path)
    assert bank is None and "over" in problems[0].message


# --------------------------------------------------------------------------- file order


def test_a_python_tag_is_listed_before_its_consequence(tmp_path: Path) -> None:
    path = tmp_path / "tagged.yaml"
    path.write_text(
        "questions:\n- id: a\n  prompt: !!python/object/apply:os.system ['echo hi']\n  choices: [a, b]\n  answer: a\n",
        encoding="utf-8",
    )
    _, problems = load_paths([path])
    messages = [problem.message for problem in problems]
    tag = next(i for i, message in enumerate(messages) if "!!python" in message)
    consequence = next(i for i, message in enumerate(messages) if "'prompt' must be text" in message)
    assert tag < consequence, messages


def test_problems_follow_the_files_in_the_order_given(tmp_path: Path) -> None:
    broken = question("  choices: [a]\n  answer: a\n")
    for name in ("b.yaml", "a.yaml"):
        (tmp_path / name).write_text(broken, encoding="utf-8")
    _, problems = load_paths([tmp_path / "b.yaml", tmp_path / "a.yaml"])
    assert [Path(problem.file).name for problem in problems] == ["b.yaml", "a.yaml"]


# --------------------------------------------------------------------------- the same fault in imports


@pytest.mark.parametrize("text", ["{{c1::" * 100_000, "{{c1::a}} " + "{{c1::::" * 100_000, "{{c1::" * 50_000 + "}}"])
def test_anki_cloze_deletions_are_found_in_linear_time(text: str) -> None:
    """The same fault in `quiz import`: 6 KB of '{{c1::' took 90 s in the Anki reader."""
    from quiz.formats.anki import _CLOZE, has_cloze, replace_clozes

    with budget():
        found = has_cloze(text)
        replaced = replace_clozes(lambda match: "<gap>", text)
    small = text[:600] + text[-600:]  # the same answer as the plain regex, where it is quick
    assert has_cloze(small) == bool(_CLOZE.search(small))
    assert replace_clozes(lambda match: "<gap>", small) == _CLOZE.sub(lambda match: "<gap>", small)
    assert found == ("}}" in text)
    assert ("<gap>" in replaced) == found
