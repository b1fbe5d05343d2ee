"""Fuzzed score files: a learner's `reviews.jsonl` may be hand-edited, truncated,
copied between machines or simply garbage. Whatever its lines hold, reading it
skips what it cannot use with a warning naming the line, and starting a session,
building the history and `quiz history` all work.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.core.bank import load_text
from quiz.core.history import load_history
from quiz.core.model import Library
from quiz.core.records import nesting_depth, too_deep
from quiz.core.session import Session
from quiz.core.store import LOG_NAME, Store
from tests.hardening.conftest import PROFILE
from tests.hardening.hostile import CONTROL, PLAIN_BANK

FUZZ = settings.get_profile(PROFILE)
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def library() -> Library:
    bank, problems = load_text(PLAIN_BANK, "every.yaml")
    assert bank is not None, problems
    return Library((bank,))


LIBRARY = library()
KEYS = [q.key for q in LIBRARY.questions] + ["gone/question", "hostile/", ""]
IDS = [f"{n:032x}" for n in range(6)]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
# Times anywhere in Python's range, in any offset, with the ends of the range (where
# converting to UTC or adding an interval overflows) and the epoch drawn often.
times = st.one_of(
    st.datetimes(timezones=st.timezones() | st.just(UTC)).map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "9999-12-31T23:59:59+00:00",
            "9999-12-31T23:59:59-14:00",
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00:00+00:00",
            "1970-01-01T00:00:00+00:00",
            "2026-01-04T09:00:00",
        ]
    ),
)


@st.composite
def record(draw: st.DrawFn) -> dict[str, Any]:
    """A record as the app writes it, then possibly one field broken or removed."""
    kind = draw(st.sampled_from(["answer", "answer", "answer", "rerate", "undo"]))
    data: dict[str, Any] = {
        "v": 1,
        "app": "0.1.0",
        "kind": kind,
        "id": draw(st.sampled_from(IDS)),
        "time": draw(times),
        "learner": "ana",
        "key": draw(st.sampled_from(KEYS)),
    }
    if kind == "answer":
        data |= {
            "type": draw(st.sampled_from(["choice", "card", "short", "x"])),
            "response": draw(json_values),
            "correct": draw(st.booleans()),
            "rating": draw(st.integers(1, 4)),
            "hinted": draw(st.booleans()),
            "elapsed": draw(st.none() | st.floats(allow_nan=False)),
            "mode": draw(st.sampled_from(["drill", "exam", "practice"])),
        }
    else:
        data["ref"] = draw(st.sampled_from(IDS))
        if kind == "rerate":
            data["rating"] = draw(st.integers(1, 4))
    data["session"] = draw(st.sampled_from(["s1", "s2"]))
    how = draw(st.sampled_from(["keep", "keep", "drop", "break"]))
    name = draw(st.sampled_from(sorted(data)))
    if how == "drop":
        del data[name]
    elif how == "break":
        data[name] = draw(json_values)
    return data


line = st.one_of(
    record().map(lambda r: json.dumps(r, ensure_ascii=False)),
    record().map(lambda r: json.dumps(r)[: len(json.dumps(r)) // 2]),  # torn
    json_values.map(json.dumps),
    st.text(max_size=60).map(lambda t: t.replace("\n", " ")),
    st.just(""),
)
log_text = st.lists(line, max_size=12).map("\n".join)


def write_log(scores: Path, content: bytes) -> Store:
    store = Store(scores, "ana")
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(content)
    return store


def assert_log_usable(scores: Path, bank_folder: Path, store: Store) -> None:
    """Reading, a session, the history and `quiz history` all cope with the log."""
    log = store.read()
    total = len(store.path.read_bytes().splitlines())
    for warning in log.warnings:
        found = re.search(r"line (\d+)", warning)
        assert found and 1 <= int(found.group(1)) <= total, warning
    session = Session(LIBRARY, store, clock=lambda: NOW)
    assert len(session.warnings) == len(log.warnings)
    if session.current is not None:  # and the next answer is appended after it all
        presented = session.current
        response: Any = {"card": 3, "truefalse": True}.get(presented.question.type, "x")
        if presented.question.type in ("choice",):
            response = presented.choices[0]
        elif presented.question.type in ("multi",):
            response = frozenset(presented.choices[:1])
        elif presented.question.type in ("cloze", "order"):
            response = tuple(presented.items) or ("x",)
        elif presented.question.type == "match":
            response = dict(zip([left for left, _ in presented.question.pairs], presented.rights, strict=True))
        feedback = session.answer(response)
        assert store.read().records[-1]["id"] == feedback.record_id
    load_history(scores, "ana", LIBRARY, now=NOW)
    for args in (["history"], ["history", "--json"], ["history", "--csv"]):
        out, err = io.StringIO(), io.StringIO()
        code = main(["--scores", str(scores), "--learner", "ana", "--questions", str(bank_folder), *args], out, err)
        assert code == 0, err.getvalue()
        if "--json" in args:
            json.loads(out.getvalue())
        # No format lets a control character from the log reach the terminal.
        assert not CONTROL.search(out.getvalue()), args
        assert not CONTROL.search(err.getvalue()), args


@pytest.fixture(scope="module")
def bank_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("banks")
    (folder / "every.yaml").write_text(PLAIN_BANK, encoding="utf-8")
    return folder


@FUZZ
@given(log_text)
def test_any_score_file_is_read_replayed_and_reported(bank_folder: Path, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scores = Path(folder) / "scores"
        assert_log_usable(scores, bank_folder, write_log(scores, text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(st.binary(max_size=400))
def test_a_binary_score_file_is_read_replayed_and_reported(bank_folder: Path, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scores = Path(folder) / "scores"
        assert_log_usable(scores, bank_folder, write_log(scores, data))


def answer(n: int, **fields: Any) -> dict[str, Any]:
    base = {"v": 1, "kind": "answer", "id": IDS[n], "time": "2026-01-04T09:00:00+00:00"}
    return base | {"key": LIBRARY.questions[0].key, "rating": 3, "correct": True} | fields


def test_an_answer_dated_at_the_end_of_time_is_skipped(bank_folder: Path, tmp_path: Path) -> None:
    lines = [answer(0), answer(1, time="9999-12-31T23:59:59+00:00")]
    store = write_log(tmp_path / "scores", "\n".join(map(json.dumps, lines)).encode() + b"\n")
    assert_log_usable(tmp_path / "scores", bank_folder, store)


def test_an_undo_whose_ref_is_a_list_is_skipped(bank_folder: Path, tmp_path: Path) -> None:
    undo = {"v": 1, "kind": "undo", "id": IDS[1], "time": "2026-01-04T09:01:00+00:00"}
    lines = [answer(0), undo | {"key": LIBRARY.questions[0].key, "ref": [IDS[0]]}]
    store = write_log(tmp_path / "scores", "\n".join(map(json.dumps, lines)).encode() + b"\n")
    assert_log_usable(tmp_path / "scores", bank_folder, store)


def test_the_log_file_is_where_the_fuzzing_wrote_it(tmp_path: Path) -> None:
    """Guards the helpers above: the store reads the file they write."""
    store = write_log(tmp_path / "scores", json.dumps(answer(0)).encode() + b"\n")
    assert store.path == tmp_path / "scores" / "ana" / LOG_NAME
    assert [r["id"] for r in store.read().records] == [IDS[0]]


# --------------------------------------------------------------------------- any value, any depth, any field

LOG_BUDGET = settings(FUZZ, deadline=timedelta(seconds=20))
"""A per-example time budget: a reader that slows down on some value fails the test."""

FIELDS = [
    "v",
    "app",
    "kind",
    "id",
    "time",
    "learner",
    "key",
    "type",
    "response",
    "correct",
    "rating",
    "hinted",
    "typo_forgiven",
    "elapsed",
    "session",
    "mode",
    "ref",
    "extra",
]

tricky_text = st.text(st.sampled_from('[]{}"\\:,ab\x1b\x9b\u202e '), max_size=20)
leaf_json = st.one_of(
    json_values.map(json.dumps),
    tricky_text.map(json.dumps),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-0", "1" * 5000, "true", "null", '""']),
)


@st.composite
def any_json(draw: st.DrawFn) -> str:
    """JSON text of any type and any depth (up to thousands: built as text, since
    `json.dumps` itself would exceed the recursion limit)."""
    leaf = draw(leaf_json)
    depth = draw(st.one_of(st.just(0), st.integers(1, 12), st.integers(300, 3000)))
    if draw(st.booleans()):
        return "[" * depth + leaf + "]" * depth
    return '{"k":' * depth + leaf + "}" * depth


@st.composite
def wild_line(draw: st.DrawFn) -> str:
    """A record as the app writes it, with any fields replaced by any JSON at all."""
    data = draw(record())
    chosen = draw(st.lists(st.sampled_from(FIELDS), max_size=4, unique=True))
    for name in chosen:
        data[name] = f"@@{name}@@"
    text = json.dumps(data, ensure_ascii=False)
    for name in chosen:
        text = text.replace(json.dumps(f"@@{name}@@"), draw(any_json()), 1)
    if draw(st.booleans()):
        text = "\ufeff" + text  # a BOM, which only the first line may carry
    return text


@LOG_BUDGET
@given(st.lists(wild_line(), min_size=1, max_size=6))
def test_any_json_of_any_depth_in_any_field(bank_folder: Path, lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scores = Path(folder) / "scores"
        content = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
        assert_log_usable(scores, bank_folder, write_log(scores, content))


@FUZZ
@given(json_values | st.recursive(tricky_text, lambda inner: st.lists(inner, max_size=2), max_leaves=40))
def test_the_depth_check_on_bytes_agrees_with_the_parsed_value(value: Any) -> None:
    text = json.dumps(value).encode()
    for limit in (0, 1, 2, 3, 5):
        assert too_deep(text, limit) == (nesting_depth(value) > limit)
