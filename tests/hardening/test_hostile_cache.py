"""The parsed-bank cache (`quiz.core.bank_cache`) is disposable: whatever a cache entry
holds (garbage bytes, JSON of the wrong shape, an entry for other bytes or another
file), loading a bank gives exactly what parsing the file gives, never raises, and
rewrites the entry.

The cache folder is trusted like the scores folder (see SECURITY.md): an entry that
matches the file's SHA-256 is used as it is, so tampering with matching entries is
not tested here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import __version__
from quiz.core import bank_cache
from quiz.core.bank import load_file
from quiz.core.model import Bank
from tests.hardening.conftest import PROFILE
from tests.hardening.hostile import PLAIN_BANK

FUZZ = settings.get_profile(PROFILE)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@st.composite
def entry_shaped(draw: st.DrawFn, sha: str, file: str) -> dict[str, Any]:
    """An entry whose header may match, with a body of any shape."""
    return {
        "format": draw(st.sampled_from([bank_cache.CACHE_FORMAT, 2, "1", None])),
        "app": draw(st.sampled_from([__version__, "0.0.0", None])),
        "file": draw(st.sampled_from([file, file + "x", None])),
        "sha256": draw(st.sampled_from([sha, "0" * 64, None])),
        "bank": draw(json_values),
    }


@pytest.fixture(scope="module")
def bank_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Bank]:
    """The plain every-type bank as a file, and what parsing it gives."""
    path = tmp_path_factory.mktemp("cached") / "every.yaml"
    path.write_text(PLAIN_BANK, encoding="utf-8")
    bank, problems = load_file(path)
    assert bank is not None, problems
    return path, bank


def assert_loads_as_parsed(path: Path, cache: Path, parsed: Bank) -> None:
    bank, problems = load_file(path, cache)
    assert problems == [] and bank == parsed
    entry = json.loads(bank_cache._entry_path(cache, path).read_text(encoding="utf-8"))
    assert entry["sha256"] == bank_cache.digest(path.read_bytes())  # rewritten, usable again
    again, _ = load_file(path, cache)
    assert again == parsed


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300),
        json_values.map(lambda value: json.dumps(value).encode()),
        st.just(b""),
    )
)
def test_a_garbage_entry_is_ignored_and_rewritten(
    bank_file: tuple[Path, Bank], tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    path, parsed = bank_file
    cache = tmp_path_factory.mktemp("cache")
    entry = bank_cache._entry_path(cache, path)
    entry.parent.mkdir(parents=True)
    entry.write_bytes(content)
    assert_loads_as_parsed(path, cache, parsed)


@FUZZ
@given(st.data())
def test_an_entry_of_the_wrong_shape_is_ignored(
    bank_file: tuple[Path, Bank], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    path, parsed = bank_file
    cache = tmp_path_factory.mktemp("cache")
    sha = bank_cache.digest(path.read_bytes())
    entry = bank_cache._entry_path(cache, path)
    entry.parent.mkdir(parents=True)
    entry.write_text(json.dumps(data.draw(entry_shaped(sha, str(path)))), encoding="utf-8")
    assert_loads_as_parsed(path, cache, parsed)


def test_an_entry_for_other_bytes_is_not_used(bank_file: tuple[Path, Bank], tmp_path: Path) -> None:
    _, parsed = bank_file
    path = tmp_path / "every.yaml"
    path.write_text(PLAIN_BANK, encoding="utf-8")
    cache = tmp_path / "cache"
    first, _ = load_file(path, cache)
    assert first is not None and first.title == parsed.title
    path.write_text(PLAIN_BANK.replace("title text", "edited title", 1), encoding="utf-8")
    edited, _ = load_file(path, cache)
    assert edited is not None and edited.title.startswith("edited title")


def test_a_deeply_nested_entry_is_ignored(bank_file: tuple[Path, Bank], tmp_path: Path) -> None:
    path, parsed = bank_file
    cache = tmp_path / "cache"
    entry = bank_cache._entry_path(cache, path)
    entry.parent.mkdir(parents=True)
    entry.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    assert_loads_as_parsed(path, cache, parsed)
