"""The fast lane of `records.parse_line` (answer lines in the app's own form, read
with one regular expression) gives exactly what the full JSON path gives: the same
record, key for key and type for type, or the same reason to skip the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz.core import records
from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.records import MAX_FIELD_CHARS, Skip, parse_line
from quiz.core.session import Session
from quiz.core.store import Store

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
ORDER = (
    "v", "app", "kind", "id", "time", "learner", "key", "type", "response", "correct", "rating", "hinted",
    "typo_forgiven", "elapsed", "session", "mode",
)  # fmt: skip
"""The order `Session._record` writes an answer's keys in."""


@contextmanager
def full_path_only() -> Iterator[None]:
    with mock.patch.object(records, "_canonical_answer", lambda text: None):
        yield


def outcome(raw: bytes) -> tuple[Any, ...]:
    """What parsing `raw` gives, types included (True is not 1, 1.0 is not 1)."""
    try:
        record = parse_line(raw, NOW)
    except Skip as skip:
        return ("skip", skip.reason, skip.json)
    return ("record", json.dumps(record, ensure_ascii=False), list(record))


def both(raw: bytes) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    fast = outcome(raw)
    with full_path_only():
        full = outcome(raw)
    return fast, full


# Strings that sit on every edge of the fast lane's plain-string rule.
awkward_text = st.one_of(
    st.text(max_size=8),
    st.text(alphabet=st.sampled_from('a"\\\x00\x1f\x7fé\u2028/ '), max_size=6),
    st.integers(MAX_FIELD_CHARS - 1, MAX_FIELD_CHARS + 1).map(lambda n: "k" * n),
    st.sampled_from(["", "d/q1", "Путин", "tab\there", "deck/q 1"]),
)
awkward = st.one_of(awkward_text, st.none(), st.booleans(), st.integers(-2, 5))
numbers = st.one_of(
    st.integers(-5, 10**7 + 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, 4.21, 1e-7, 9_999_999.5, 10_000_000, 10_000_000.001, -0.0, 1e300]),
)
responses = st.recursive(
    st.none() | st.booleans() | numbers | awkward_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(awkward_text, inner, max_size=3),
    max_leaves=6,
)
times = st.one_of(
    st.datetimes(
        min_value=datetime(1960, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.sampled_from([UTC, None])
    ).map(lambda moment: moment.isoformat()),
    st.sampled_from(
        [
            "2026-01-04T09:00:00+00:00",
            "2026-01-04T09:00:00.123456+00:00",
            "2026-01-04T09:00:00+05:30",
            "2026-01-04T09:00:00",
            (NOW + timedelta(minutes=11)).isoformat(),
            "1969-12-31T23:59:59+00:00",
            "9999-12-31T23:59:59-14:00",
            "not a time",
            "",
        ]
    ),
)


@st.composite
def answer_lines(draw: st.DrawFn) -> bytes:
    """An answer record in the app's key order, every field sometimes wrong, written
    compactly (mostly) as the app writes it, sometimes with one byte changed."""
    good: dict[str, Any] = {
        "v": 1, "app": "0.1.0", "kind": "answer", "id": "0123abcd", "time": "2026-01-04T09:00:00.5+00:00",
        "learner": "ana", "key": "d/q1", "type": "choice", "response": "x", "correct": True, "rating": 3,
        "hinted": False, "typo_forgiven": False, "elapsed": 4.21, "session": "s1", "mode": "drill",
    }  # fmt: skip
    wrong: dict[str, st.SearchStrategy[Any]] = {
        "v": st.one_of(st.integers(-1, 3), st.integers(10**8, 10**10), st.booleans(), st.just(1.0)),
        "id": st.one_of(st.from_regex(r"[A-Za-z0-9_.:-]{1,66}", fullmatch=True), awkward),
        "time": st.one_of(times, awkward),
        "key": awkward,
        "response": responses,
        "rating": st.one_of(st.integers(-1, 6), st.just(3.0), st.booleans()),
        "elapsed": st.one_of(numbers, st.none(), awkward),
        "kind": st.sampled_from(["answer", "rerate", "Answer"]),
    }
    record = dict(good)
    for name in draw(st.lists(st.sampled_from(ORDER), max_size=3)):
        record[name] = draw(wrong.get(name, awkward))
    if draw(st.integers(0, 9)) == 0:
        record.pop(draw(st.sampled_from(ORDER)))
    if draw(st.booleans()):
        # Where the app writes it (after `elapsed`), or last.
        revealed = draw(st.one_of(st.booleans(), awkward))
        if "session" in record and "mode" in record and draw(st.booleans()):
            session, mode = record.pop("session"), record.pop("mode")
            record |= {"revealed": revealed, "session": session, "mode": mode}
        else:
            record["revealed"] = revealed
    compact = draw(st.integers(0, 5)) > 0
    text = json.dumps(
        record, ensure_ascii=draw(st.booleans()), separators=(",", ":") if compact else None, allow_nan=False
    )
    raw = text.encode()
    if draw(st.integers(0, 6)) == 0:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.sampled_from([b"", b" ", b"\n", b'"', b"\\", b"}", b"1"])) + raw[at + 1 :]
    if draw(st.integers(0, 6)) == 0:
        raw += draw(st.sampled_from([b"\n", b"\r\n", b" ", b"x"]))
    return raw


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_lines())
def test_the_fast_lane_agrees_with_the_full_parse(raw: bytes) -> None:
    fast, full = both(raw)
    assert fast == full


def test_the_fast_lane_takes_the_lines_the_app_writes(tmp_path: Path) -> None:
    """The app's own answers (a plain one, a revealed one, non-ASCII text) take the fast lane."""
    questions = tuple(
        ChoiceQuestion(deck="d", id=f"q{i}", prompt="Who?", choices=("Путин", "Clinton"), answer="Путин")
        for i in range(3)
    )
    store = Store(tmp_path, "ana")
    session = Session(Library((Bank(deck="d", title="D", questions=questions),)), store)
    session.answer("Путин", elapsed=2.5)
    session.next()
    session.reveal()
    lines = store.path.read_bytes().splitlines()
    assert len(lines) == 2
    for raw in lines:
        record = records._canonical_answer(raw.decode())
        assert record is not None, raw
        assert json.dumps(record, ensure_ascii=False) == json.dumps(json.loads(raw), ensure_ascii=False)
        assert both(raw)[0] == both(raw)[1]
    assert records._canonical_answer(lines[1].decode())["revealed"] is True  # type: ignore[index]


def test_a_future_time_is_refused_on_the_fast_lane_too() -> None:
    line = (
        '{"v":1,"app":"0.1.0","kind":"answer","id":"ab","time":"2027-01-01T00:00:00+00:00","learner":"ana",'
        '"key":"d/q1","type":"choice","response":"x","correct":true,"rating":3,"hinted":false,'
        '"typo_forgiven":false,"elapsed":null,"session":"s","mode":"drill"}'
    )
    assert records._canonical_answer(line) is not None
    fast, full = both(line.encode())
    assert fast == full
    assert fast[0] == "skip" and "in the future" in fast[1]
