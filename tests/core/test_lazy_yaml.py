"""A warm start (every bank and course file in the bank cache) imports no yaml, and
gives the library a full parse gives; a course file is told from a bank without
yaml, as a parse would tell it."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core.bank import find_bank_files, find_course_files, load_paths
from quiz.core.config import bundled_questions_dir
from quiz.core.course import is_course_file, parse_course_file
from quiz.core.model import Library, Problem

START = """
import pickle, sys
from pathlib import Path
from quiz.core.bank import find_bank_files, load_paths
folder, cache, out, check = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "check"
errors = find_bank_files([folder])[1] if check else []  # as quiz.cli.drill.load_library does first
library, problems = load_paths([folder], cache=cache)
out.write_bytes(pickle.dumps(("yaml" in sys.modules, library, problems, errors)))
"""


def start(folder: Path, cache: Path, tmp_path: Path, *, check: bool = True) -> tuple[bool, Library, list[Problem]]:
    """A start's loading in a fresh interpreter: whether it imported yaml, the library, the problems."""
    out = tmp_path / "start.pickle"
    argv = [sys.executable, "-c", START, str(folder), str(cache), str(out), "check" if check else "load"]
    subprocess.run(argv, check=True, capture_output=True, text=True)
    yaml_imported, library, problems, errors = pickle.loads(out.read_bytes())
    assert errors == []
    return yaml_imported, library, problems


def test_a_warm_start_of_the_bundled_banks_imports_no_yaml_and_gives_the_same_library(tmp_path: Path) -> None:
    folder, cache = bundled_questions_dir(), tmp_path / "cache"
    parsed, problems = load_paths([folder])
    assert problems == [] and find_course_files([folder]) != []  # the bundled banks have a course
    cold = start(folder, cache, tmp_path)
    warm = start(folder, cache, tmp_path)
    assert cold[0], "a cold start parses the banks (or this test proves nothing)"
    assert warm == (False, parsed, [])
    assert cold[1:] == (parsed, [])
    assert [bank.deck for bank in warm[1].banks] == [bank.deck for bank in parsed.banks]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def banks(folder: Path, *decks: str) -> None:
    for deck in decks:
        write(
            folder / f"{deck}.yaml",
            f"deck: {deck}\nquestions:\n  - {{id: a, type: truefalse, prompt: p, answer: true}}\n",
        )


def test_a_course_naming_decks_with_questions_in_their_names_starts_warm_without_yaml(tmp_path: Path) -> None:
    banks(tmp_path / "banks", "alpha", "exam-questions")
    write(tmp_path / "banks" / "course.yaml", "# questions: the course\norder: [exam-questions, alpha]\n")
    parsed, _ = load_paths([tmp_path / "banks"])
    start(tmp_path / "banks", tmp_path / "cache", tmp_path)
    yaml_imported, library, problems = start(tmp_path / "banks", tmp_path / "cache", tmp_path)
    assert (yaml_imported, library, problems) == (False, parsed, [])
    assert [bank.deck for bank in library.banks] == ["exam-questions", "alpha"]


def test_a_bank_named_course_yaml_is_a_bank_from_the_cache_too(tmp_path: Path) -> None:
    """`course.yaml` with a top-level `questions` list is a bank (as before courses);
    the cache keeps that verdict, so loading it warm needs no yaml either."""
    banks(tmp_path / "banks", "alpha")
    write(
        tmp_path / "banks" / "course.yaml",
        "deck: old\nquestions:\n  - {id: b, type: truefalse, prompt: q, answer: false}\n",
    )
    parsed, problems = load_paths([tmp_path / "banks"])
    assert problems == [] and {bank.deck for bank in parsed.banks} == {"alpha", "old"}
    start(tmp_path / "banks", tmp_path / "cache", tmp_path, check=False)
    warm = start(tmp_path / "banks", tmp_path / "cache", tmp_path, check=False)
    assert warm == (False, parsed, [])


def test_a_broken_course_gives_the_same_problems_with_the_cache_every_time(tmp_path: Path) -> None:
    banks(tmp_path / "banks", "alpha", "beta")
    write(tmp_path / "banks" / "course.yaml", "order:\n  - alpha\n  - alpha\n  - gamma\nordre: x\n")
    expected = load_paths([tmp_path / "banks"])
    assert len(expected[1]) == 3
    for _ in range(3):
        assert load_paths([tmp_path / "banks"], cache=tmp_path / "cache") == expected


def test_an_edited_course_is_read_again(tmp_path: Path) -> None:
    banks(tmp_path / "banks", "alpha", "beta")
    course = write(tmp_path / "banks" / "course.yaml", "order: [beta, alpha]\n")
    cache = tmp_path / "cache"
    library, _ = load_paths([tmp_path / "banks"], cache=cache)
    assert [bank.deck for bank in library.banks] == ["beta", "alpha"]
    course.write_text("order: [alpha, beta]\n", encoding="utf-8")  # same size
    library, _ = load_paths([tmp_path / "banks"], cache=cache)
    assert [bank.deck for bank in library.banks] == ["alpha", "beta"]
    course.write_text("order: [alpha, betta]\n", encoding="utf-8")
    assert load_paths([tmp_path / "banks"], cache=cache) == load_paths([tmp_path / "banks"])


def test_a_damaged_course_entry_is_ignored(tmp_path: Path) -> None:
    banks(tmp_path / "banks", "alpha", "beta")
    write(tmp_path / "banks" / "course.yaml", "order: [beta, alpha]\n")
    cache = tmp_path / "cache"
    expected = load_paths([tmp_path / "banks"])
    load_paths([tmp_path / "banks"], cache=cache)
    (entry,) = (cache / "courses").iterdir()
    text = entry.read_text(encoding="utf-8")
    for damaged in (
        "{",
        "[]",
        text.replace('"marks":[[', '"marks":[["x",'),
        text.replace('"order":["beta",', '"order":['),
    ):
        entry.write_text(damaged, encoding="utf-8")
        assert load_paths([tmp_path / "banks"], cache=cache) == expected


TRICKY = [
    "order: [a]\n",
    "# questions\norder: [a]\n",
    "order: [a]\n  # questions: [b]\n",
    "questions: []\n",
    "order: [a]\nquestions: [b]\n",
    '"questions": [b]\n',
    "'questions': [b]\n",
    "? questions\n: [b]\n",
    '"ques\\x74ions": [b]\n',
    '"ques\\\n  tions": [b]\n',
    "{order: [a], questions: [b]}\n",
    "{order: [a],questions: [b]}\n",
    "order: [a]\r\nquestions: [b]\r\n",
    "order: [a]\r# c\rquestions: [b]\r",
    "order: [a]\n# c\u2028questions: [b]\n",
    "order: [a]\n# c\x85questions: [b]\n",
    "order:\n  - exam-questions\n  - questions.old\n",
    "x: |\n  # questions\nquestions: 1\n",
    "x: |\n  # questions\n",
    "- questions\n",
    "&a questions : 1\n",
    "!!str questions : 1\n",
    "\ufeffquestions: 1\n",
    "order: [a]\nquestions\n",
    "",
    "[",
]


def test_a_course_file_is_told_from_a_bank_as_a_parse_tells_it(tmp_path: Path) -> None:
    path = tmp_path / "course.yaml"
    for text in TRICKY:
        path.write_bytes(text.encode("utf-8"))
        assert is_course_file(path) == parse_course_file(path, path.read_bytes()).is_course, repr(text)
        assert (path in find_bank_files([tmp_path])[0]) != is_course_file(path), repr(text)


PIECES = ["questions", "order", ":", ": ", " ", "\n", "\r", "\u2028", "#", "# ", "'", '"', "- ", "[", "]", "{", "}"]
PIECES += [",", "? ", "|", ">", "\\", "x", "-", ".", "&a ", "*a", "!!str ", "  "]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), max_size=14))
def test_telling_a_course_from_a_bank_without_yaml_agrees_with_a_parse(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "course.yaml"
    path.write_bytes("".join(pieces).encode("utf-8"))
    assert is_course_file(path) == parse_course_file(path, path.read_bytes()).is_course
