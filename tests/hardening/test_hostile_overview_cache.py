"""The cached home overview (`quiz.core.overview_cache`) is disposable: whatever an entry
holds (garbage bytes, JSON of any shape, an entry whose key matches but whose rows do
not fit), loading it never raises, and what it returns is either nothing or rows that
fit the library, with counts that can be true."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz import __version__
from quiz.core import overview_cache
from quiz.core.model import Bank, Library, TrueFalseQuestion
from quiz.core.scheduling import Settings
from tests.hardening.conftest import PROFILE

FUZZ = settings.get_profile(PROFILE)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIBRARY = Library(
    tuple(
        Bank(
            deck=deck,
            title=deck.title(),
            questions=tuple(
                TrueFalseQuestion(id=f"q{n}", deck=deck, prompt="?", answer=True, file=f"{deck}.yaml", line=n)
                for n in range(3)
            ),
        )
        for deck in ("alpha", "beta")
    )
)
SETTINGS = Settings()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=9) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
counts = st.integers(-1, 4) | json_values
row = st.tuples(
    st.sampled_from(["alpha", "beta", "", "gamma"]) | json_values,
    st.sampled_from(["Alpha", "Beta", "All decks"]) | json_values,
    st.just("") | json_values,
    counts,
    counts,
    counts,
    counts,
    st.booleans() | json_values,
).map(list)
times = (
    st.sampled_from(
        ["2026-03-02T08:00:00+00:00", "2026-03-02T10:00:00+00:00", "2026-03-03T04:00:00+00:00", "2026-03-02", "x"]
    )
    | json_values
)


@pytest.fixture(scope="module")
def place(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, overview_cache.Key]:
    folder = tmp_path_factory.mktemp("overview")
    key = overview_cache.make_key((), LIBRARY, SETTINGS)
    assert key is not None
    return folder / "entry.json", key


@FUZZ
@given(
    header=st.fixed_dictionaries(
        {
            "format": st.sampled_from([overview_cache.FORMAT, 0, "1"]),
            "app": st.sampled_from([__version__, "0.0.0"]),
            "computed_at": times,
            "day_end": times,
            "valid_until": times,
        }
    ),
    rows=st.lists(row, max_size=4) | json_values,
    matching_key=st.booleans(),
)
def test_any_entry_loads_as_a_miss_or_as_counts_that_fit(
    place: tuple[Path, overview_cache.Key], header: dict[str, Any], rows: Any, matching_key: bool
) -> None:
    path, key = place
    entry = {**header, "key": key.to_json() if matching_key else {"logs": []}, "rows": rows}
    path.write_text(json.dumps(entry), encoding="utf-8")
    loaded = overview_cache.load(path, key, LIBRARY, SETTINGS, NOW)
    if loaded is None:
        return
    assert [row.deck for row in loaded[:-1]] == ["alpha", "beta"] and loaded[-1].is_total
    for counted in loaded:
        assert 0 <= counted.new + counted.learned <= counted.total and 0 <= counted.due <= counted.total


@FUZZ
@given(data=st.binary(max_size=200))
def test_any_bytes_load_as_a_miss(place: tuple[Path, overview_cache.Key], data: bytes) -> None:
    path, key = place
    path.write_bytes(data)
    assert overview_cache.load(path, key, LIBRARY, SETTINGS, NOW) is None
