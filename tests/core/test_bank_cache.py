"""The parsed-bank cache: same banks back, any edit seen, damage harmless."""

from __future__ import annotations

import json
import os
from pathlib import Path

from quiz.core import bank_cache
from quiz.core.bank import load_paths
from tests.core.test_bank import EVERY_TYPE


def write_bank(folder: Path, text: str = EVERY_TYPE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.yaml"
    path.write_text(text)
    return path


def test_a_cached_bank_equals_the_parsed_one(tmp_path: Path) -> None:
    write_bank(tmp_path / "banks")
    cache = tmp_path / "cache"
    parsed, problems = load_paths([tmp_path / "banks"])
    first, _ = load_paths([tmp_path / "banks"], cache=cache)
    assert len(list((cache / "banks").glob("*.json"))) == 1
    cached, problems = load_paths([tmp_path / "banks"], cache=cache)
    assert problems == []
    assert cached == parsed == first


def test_an_edit_that_keeps_the_mtime_is_seen(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "banks")
    cache = tmp_path / "cache"
    load_paths([path], cache=cache)
    stat = path.stat()
    path.write_text(EVERY_TYPE.replace("Date of the call?", "When was the call?"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    library, _ = load_paths([path], cache=cache)
    assert library.questions[0].prompt == "When was the call?"


def test_a_bank_with_problems_is_not_cached_and_still_reported(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "banks", "questions:\n  - id: a\n    prompt: p\n")
    cache = tmp_path / "cache"
    for _ in range(2):
        library, problems = load_paths([path], cache=cache)
        assert problems and not library.banks
    assert not (cache / "banks").exists() or not list((cache / "banks").iterdir())


def test_a_damaged_cache_entry_is_ignored_and_rewritten(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "banks")
    cache = tmp_path / "cache"
    expected, _ = load_paths([path], cache=cache)
    (entry,) = (cache / "banks").glob("*.json")
    entry.write_text('{"format": 1, "bank": [')
    library, problems = load_paths([path], cache=cache)
    assert problems == [] and library == expected
    from quiz.core.bank_cache import CACHE_FORMAT

    assert entry.read_text().startswith(f'{{"format":{CACHE_FORMAT}')


def test_cache_folder_from_environment() -> None:
    assert bank_cache.cache_dir({"QUIZ_CACHE": "off"}) is None
    assert bank_cache.cache_dir({"QUIZ_CACHE": "/x/y"}) == Path("/x/y")
    assert bank_cache.cache_dir({"XDG_CACHE_HOME": "/c"}) == Path("/c/quiz")


def test_a_cached_question_has_every_field_of_the_parsed_one_with_the_same_types(tmp_path: Path) -> None:
    """Entries leave out defaults and what the bank gives; what comes back is field for
    field (order, values, types, empty marks) what the dataclass's own constructor gives."""
    extra = (
        "  - id: cited-elsewhere\n"
        "    type: short\n"
        "    prompt: Who?\n"
        "    answer: [Ana]\n"
        "    typos: 1\n"
        "    hint: A name\n"
        "  - id: exact\n"
        "    type: number\n"
        "    prompt: How many?\n"
        "    answer: 3\n"
        "    tolerance: 0\n"
    )
    write_bank(tmp_path / "banks", EVERY_TYPE + extra)
    cache = tmp_path / "cache"
    parsed, problems = load_paths([tmp_path / "banks"])
    assert problems == []
    load_paths([tmp_path / "banks"], cache=cache)
    cached, _ = load_paths([tmp_path / "banks"], cache=cache)
    assert len(parsed.questions) > 9
    for want, got in zip(parsed.questions, cached.questions, strict=True):
        assert type(got) is type(want)
        assert list(vars(got)) == list(vars(want))
        for name, value in vars(want).items():
            if name != "marks":
                assert getattr(got, name) == value and type(getattr(got, name)) is type(value), name
        assert got.marks == {}


def test_an_entry_with_a_field_no_question_has_is_a_miss(tmp_path: Path) -> None:
    path = write_bank(tmp_path / "banks")
    cache = tmp_path / "cache"
    expected, _ = load_paths([path], cache=cache)
    (entry,) = (cache / "banks").glob("*.json")
    data = json.loads(entry.read_text())
    data["bank"]["questions"][0]["surprise"] = 1
    entry.write_text(json.dumps(data))
    sha = bank_cache.digest(path.read_bytes())
    assert bank_cache.get(cache, path, sha) is None
    library, problems = load_paths([path], cache=cache)
    assert problems == [] and library == expected
    assert bank_cache.get(cache, path, sha) == expected.banks[0]  # rewritten
