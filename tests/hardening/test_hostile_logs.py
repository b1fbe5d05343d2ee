"""Crafted score-log lines (issue 18, points 1, 5 and 6): deep nesting, times in the
future, a BOM, NaN, a line of many megabytes, a FIFO in place of the log, forged
replay-cache entries. Each one is skipped (with a warning naming its line) or
refused in plain words; nothing raises, nothing freezes, and every other record
still counts: in the store, a session, the history, `quiz history` and `quiz report`.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import tracemalloc
from array import array
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.cli import main
from quiz.core import replay_cache, replay_columns
from quiz.core.history import load_history, response_text
from quiz.core.records import CLOCK_SKEW, MAX_DEPTH, MAX_LINE_BYTES, Skip, parse_line, too_deep
from quiz.core.session import Session
from quiz.core.store import LOG_NAME, Store, StoreError, iter_records
from tests.hardening.test_fuzz_logs import IDS, LIBRARY

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
KEY = LIBRARY.questions[0].key


def answer(n: int, **fields: Any) -> dict[str, Any]:
    base = {"v": 1, "kind": "answer", "id": IDS[n], "time": "2026-01-04T09:00:00+00:00", "key": KEY}
    return base | {"type": "choice", "response": "x", "rating": 3, "correct": True} | fields


def nested(depth: int, kind: str = "list") -> str:
    """JSON text of `depth` arrays (or objects) inside each other."""
    if kind == "list":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def write(scores: Path, lines: list[bytes]) -> Store:
    store = Store(scores, "ana")
    store.folder.mkdir(parents=True, exist_ok=True)
    store.path.write_bytes(b"".join(line if line.endswith(b"\n") else line + b"\n" for line in lines))
    return store


def good(n: int, **fields: Any) -> bytes:
    return json.dumps(answer(n, **fields)).encode()


@pytest.fixture
def bank_folder(tmp_path: Path) -> Path:
    from tests.hardening.hostile import PLAIN_BANK

    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "every.yaml").write_text(PLAIN_BANK, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


def assert_every_reader_copes(scores: Path, bank_folder: Path, skipped_line: int) -> None:
    """The store, a session, the history, `quiz history` (3 formats) and `quiz report`
    all skip line `skipped_line` with a warning and count the good answer on line 1."""
    store = Store(scores, "ana")
    log = store.read(now=NOW)
    assert [record["id"] for record in log.records] == [IDS[0]]
    assert any(f"line {skipped_line} " in warning for warning in log.warnings), log.warnings
    session = Session(LIBRARY, store, clock=lambda: NOW)
    assert session.states[KEY].answers == 1 and session.warnings
    history = load_history(scores, "ana", LIBRARY, now=NOW)
    assert history.answers == 1 and history.warnings
    common = ["--scores", str(scores), "--learner", "ana", "--questions", str(bank_folder)]
    for fmt in ([], ["--json"], ["--csv"]):
        code, out, err = run(*common, "history", *fmt)
        assert code == 0, err
        assert f"line {skipped_line}" in out + err
    code, out, err = run("--questions", str(bank_folder), "report", str(scores), "--json")
    assert code == 0, err
    assert json.loads(out)["learners"][0]["answers"] == 1


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 330, 500, 1000, 100_000])
@pytest.mark.parametrize("kind", ["list", "dict"])
def test_a_deeply_nested_response_is_skipped_everywhere(
    tmp_path: Path, bank_folder: Path, depth: int, kind: str
) -> None:
    deep = good(1)[:-1] + b', "response": ' + nested(depth, kind).encode() + b"}"
    write(tmp_path / "scores", [good(0), deep])
    assert_every_reader_copes(tmp_path / "scores", bank_folder, 2)


@pytest.mark.parametrize("field", ["key", "id", "time", "rating", "correct", "elapsed", "session", "v"])
def test_deep_nesting_in_any_field_is_skipped(tmp_path: Path, bank_folder: Path, field: str) -> None:
    record = json.dumps(answer(1) | {field: "HOLE"}).encode().replace(b'"HOLE"', nested(5000).encode())
    write(tmp_path / "scores", [good(0), record])
    assert_every_reader_copes(tmp_path / "scores", bank_folder, 2)


def test_nesting_within_the_limit_is_kept_and_shown() -> None:
    value: Any = "leaf"
    for _ in range(MAX_DEPTH - 2):  # the record is one level, the response the rest
        value = [value, "x"]
    record = parse_line(json.dumps(answer(0, response=value)).encode(), NOW)
    assert response_text(record["response"]).startswith("leaf | x")


def test_response_text_never_recurses() -> None:
    value: list[Any] = []
    for _ in range(200_000):
        value = [value]
    assert response_text(value) == "…"
    assert response_text({"a": ["b", {"c": "d"}], "e": None}) == "a → b | c → d | e → "


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps(answer(0, response='[[[[{{{{\\"[[[[[[[[' * 50)).encode()
    assert not too_deep(text)
    assert parse_line(text, NOW)["response"].startswith("[[[[")


TOMORROW = (datetime.now(UTC) + timedelta(days=1)).isoformat()
"""In the future for the fixed clock of the core and for the real one of the commands."""


@pytest.mark.parametrize("when", ["8999-01-01T00:00:00+00:00", TOMORROW], ids=["year-8999", "tomorrow"])
def test_a_time_in_the_future_is_skipped_and_buries_nothing(tmp_path: Path, bank_folder: Path, when: str) -> None:
    """A record from the future would push the question's due date away for ever."""
    write(tmp_path / "scores", [good(0), good(1, time=when, rating=4)])
    assert_every_reader_copes(tmp_path / "scores", bank_folder, 2)
    session = Session(LIBRARY, Store(tmp_path / "scores", "ana"), clock=lambda: NOW)
    assert session.states[KEY].last == datetime(2026, 1, 4, 9, 0, tzinfo=UTC)
    assert any("in the future" in warning for warning in session.warnings)


def test_a_time_within_the_clock_skew_is_kept(tmp_path: Path) -> None:
    """Another device's clock may run a few minutes ahead."""
    soon = (NOW + CLOCK_SKEW - timedelta(seconds=1)).isoformat()
    store = write(tmp_path / "scores", [good(0), good(1, time=soon)])
    assert [record["id"] for record in store.read(now=NOW).records] == [IDS[0], IDS[1]]


def test_a_future_line_is_never_frozen_into_a_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Skipped today, usable once its time has come: a snapshot must not bake the skip in."""
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    store = write(tmp_path / "scores", [good(0), good(1, time="2026-02-01T00:00:00+00:00")])
    scheduler = Session(LIBRARY, store, clock=lambda: NOW).scheduler
    folder = tmp_path / "cache"
    early = replay_cache.replay_log(store.path, scheduler, folder=folder, now=NOW)
    assert early.states[KEY].answers == 1
    assert not (folder / "replay").exists()
    later = replay_cache.replay_log(store.path, scheduler, folder=folder, now=NOW + timedelta(days=60))
    assert later.states[KEY].answers == 2


def test_a_bom_does_not_cost_the_first_record(tmp_path: Path, bank_folder: Path) -> None:
    store = write(tmp_path / "scores", [b"\xef\xbb\xbf" + good(0), good(1)])
    assert [record["id"] for record in store.read(now=NOW).records] == [IDS[0], IDS[1]]
    assert store.read(now=NOW).warnings == []
    history = load_history(tmp_path / "scores", "ana", LIBRARY, now=NOW)
    assert history.answers == 2 and not history.warnings


def test_a_bom_elsewhere_is_not_a_record(tmp_path: Path) -> None:
    store = write(tmp_path / "scores", [good(0), b"\xef\xbb\xbf" + good(1)])
    log = store.read(now=NOW)
    assert [record["id"] for record in log.records] == [IDS[0]]
    assert "line 2" in log.warnings[0]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity", b"1e999"])
def test_nan_and_infinity_are_not_numbers(tmp_path: Path, constant: bytes) -> None:
    store = write(tmp_path / "scores", [good(0), good(1, elapsed=1.5).replace(b"1.5", constant)])
    log = store.read(now=NOW)
    assert [record["id"] for record in log.records] == [IDS[0]]
    assert "line 2" in log.warnings[0]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id": "x" * 65}, "id"),
        ({"id": "a b"}, "id"),
        ({"key": "k" * 300}, "key"),
        ({"correct": 1}, "correct"),
        ({"v": True}, "version"),
        ({"v": 0}, "version"),
        ({"hinted": "yes"}, "hinted"),
        ({"elapsed": -1}, "elapsed"),
        ({"session": ["s"]}, "session"),
        ({"mode": "m" * 300}, "mode"),
    ],
)
def test_fields_that_do_not_fit_the_format_are_named(fields: dict[str, Any], reason: str) -> None:
    with pytest.raises(Skip, match=reason):
        parse_line(json.dumps(answer(0, **fields)).encode(), NOW)


def test_a_line_of_many_megabytes_is_skipped_without_holding_it(tmp_path: Path, bank_folder: Path) -> None:
    huge = good(1)[:-1] + b', "response": "' + b"x" * (20 * MAX_LINE_BYTES) + b'"}'
    store = write(tmp_path / "scores", [good(0), huge])
    tracemalloc.start()
    try:
        log = store.read(now=NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [record["id"] for record in log.records] == [IDS[0]]
    assert "line 2 is longer than 1 MiB" in log.warnings[0]
    assert peak < 5 * MAX_LINE_BYTES, f"peak {peak} bytes for a {len(huge)}-byte line"
    assert_every_reader_copes(tmp_path / "scores", bank_folder, 2)


def test_an_over_long_last_line_without_newline_is_skipped(tmp_path: Path) -> None:
    store = write(tmp_path / "scores", [good(0)])
    with open(store.path, "ab") as handle:
        handle.write(b"y" * (3 * MAX_LINE_BYTES))
    log = store.read(now=NOW)
    assert [record["id"] for record in log.records] == [IDS[0]]
    assert "line 2 is longer" in log.warnings[0]


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail instead of hanging the test run if a read blocks."""

    def hung(*_: object) -> None:
        raise TimeoutError("the read blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_a_fifo_in_place_of_the_log_is_refused_not_waited_on(tmp_path: Path, bank_folder: Path, alarm: None) -> None:
    folder = tmp_path / "scores" / "ana"
    folder.mkdir(parents=True)
    fifo = folder / LOG_NAME
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="not a regular file"):
        list(iter_records(fifo))  # read directly: refused, not waited on
    assert Store(tmp_path / "scores", "ana").read().records == []  # not one of the learner's logs
    code, _, err = run(
        "--scores", str(tmp_path / "scores"), "--learner", "ana", "--questions", str(bank_folder), "history"
    )
    assert code == 0, err


# --------------------------------------------------------------------------- forged replay cache


def forge(entry: Path, change: Any) -> None:
    """Rewrite a snapshot's body with `change(body)` and a digest that checks out."""
    header, _, rest = entry.read_bytes().partition(b"\n")
    fields = json.loads(header)
    body = json.loads(rest[: fields["body"]])
    sections = rest[fields["body"] :]
    change(body)
    payload = json.dumps(body).encode()
    digest = hashlib.sha256(payload + sections).hexdigest()
    entry.write_bytes(
        json.dumps(fields | {"body": len(payload), "digest": digest}).encode() + b"\n" + payload + sections
    )


def forge_section(entry: Path, name: str, values: list[int]) -> None:
    """Replace one binary section of a snapshot (typecode "q") and make the digest check out."""
    header, _, rest = entry.read_bytes().partition(b"\n")
    fields = json.loads(header)
    position = fields["body"]
    parts, listed = [rest[:position]], []
    for item in fields["sections"]:
        data = rest[position : position + item[2]]
        position += item[2]
        if item[0] == name:
            data = array("q", values).tobytes()
        listed.append([item[0], item[1], len(data)])
        parts.append(data)
    assert name in {item[0] for item in listed}
    payload = b"".join(parts)
    digest = hashlib.sha256(payload).hexdigest()
    entry.write_bytes(json.dumps(fields | {"sections": listed, "digest": digest}).encode() + b"\n" + payload)


def many_answers(count: int) -> list[bytes]:
    start = datetime(2025, 6, 1, tzinfo=UTC)
    keys = [question.key for question in LIBRARY.questions]
    return [
        json.dumps(
            answer(0, id=f"a{n}", key=keys[n % len(keys)], time=(start + timedelta(hours=n)).isoformat(), rating=3)
        ).encode()
        for n in range(count)
    ]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("stability", float("nan")),
        ("stability", -2.0),
        ("stability", float("inf")),
        ("difficulty", 11.0),
        ("difficulty", float("nan")),
        ("step", -2),
        ("step", 1001),
        ("due", 10**18),
        ("last", -5),
        ("answers", -1),
        ("state", 9),
    ],
)
def test_a_forged_snapshot_with_impossible_card_values_falls_back_to_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, column: str, value: Any
) -> None:
    """A state column (`replay_columns._STATE_COLUMNS`) set to a value no replay gives."""
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    store = write(tmp_path / "scores", many_answers(200))
    later = datetime(2026, 1, 1, tzinfo=UTC)
    reference = Session(LIBRARY, store, clock=lambda: later)
    (entry,) = (tmp_path / "cache" / "replay").glob("*.states")
    typecode = dict(replay_columns._STATE_COLUMNS)[column]

    def change(body: dict[str, Any]) -> None:
        for table in (body["replay"]["base"], body["replay"]["done"]):
            count = len(replay_columns._unpack(table[column], typecode))
            table[column] = replay_columns._pack([value] * count, typecode)
        assert replay_columns._unpack(body["replay"]["done"][column], typecode)  # a value was forged

    forge(entry, change)
    assert replay_cache.load(tmp_path / "cache", store.path, "states", reference.scheduler) is not None
    with pytest.raises(replay_cache.CacheError):
        replay_cache.replayer_from_json(
            replay_cache.load(tmp_path / "cache", store.path, "states", reference.scheduler).body["replay"],  # type: ignore[union-attr]
            reference.scheduler,
            None,
        )
    again = Session(LIBRARY, store, clock=lambda: later)
    assert again.states == reference.states
    assert again.current == reference.current


@pytest.mark.parametrize(
    "change",
    [
        lambda replay: replay["pending"].update(rating=replay_columns._pack([5], "b")),  # wrong length, and no rating 5
        lambda replay: replay["pending"].update(id=replay["pending"]["id"][:-1]),
        lambda replay: replay["pending"].update(time=replay["pending"]["time"][:-4] + "!!!!"),  # not base64
        lambda replay: replay.update(keys=[*replay["keys"][:-1], replay["keys"][0]]),  # a key twice
        lambda replay: replay["done"].update(codes=replay_columns._pack([7], "b")),
        lambda replay: replay.update(new_days=[replay_columns._pack([-1], "q"), replay_columns._pack([1], "q")]),
    ],
)
def test_a_forged_snapshot_with_impossible_columns_falls_back_to_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    store = write(tmp_path / "scores", many_answers(200))
    later = datetime(2026, 1, 1, tzinfo=UTC)
    reference = Session(LIBRARY, store, clock=lambda: later)
    (entry,) = (tmp_path / "cache" / "replay").glob("*.states")
    forge(entry, lambda body: change(body["replay"]))
    snapshot = replay_cache.load(tmp_path / "cache", store.path, "states", reference.scheduler)
    assert snapshot is not None
    with pytest.raises(replay_cache.CacheError):
        replay_cache.replayer_from_json(snapshot.body["replay"], reference.scheduler, None)
    again = Session(LIBRARY, store, clock=lambda: later)
    assert again.states == reference.states
    assert again.current == reference.current


def forge_days(name: str, days: list[int], counts: list[int]) -> Any:
    def change(entry: Path) -> None:
        forge_section(entry, f"{name}.days", days)
        forge_section(entry, f"{name}.counts", counts)

    return change


@pytest.mark.parametrize(
    "change",
    [
        forge_days("day_right", [20000], [-3]),
        forge_days("day_answers", [10**9], [1]),
        forge_days("day_answers", [20000, 20001], [1]),
        lambda entry: forge(entry, lambda body: body["answers"].update(total=-1)),
    ],
)
def test_a_forged_history_snapshot_falls_back_to_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    write(tmp_path / "scores", many_answers(200))
    later = datetime(2026, 1, 1, tzinfo=UTC)
    reference = load_history(tmp_path / "scores", "ana", LIBRARY, now=later)
    (entry,) = (tmp_path / "cache" / "replay").glob("*.history")
    change(entry)
    again = load_history(tmp_path / "scores", "ana", LIBRARY, now=later)
    assert (again.answers, again.right, again.days, again.questions) == (
        reference.answers,
        reference.right,
        reference.days,
        reference.questions,
    )
    assert again == reference  # the daily figures too


def test_a_forged_history_snapshot_with_deep_responses_renders_safely(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    write(tmp_path / "scores", many_answers(200))
    later = datetime(2026, 1, 1, tzinfo=UTC)
    reference = load_history(tmp_path / "scores", "ana", LIBRARY, now=later)
    (entry,) = (tmp_path / "cache" / "replay").glob("*.history")
    deep: Any = "x"
    for _ in range(400):
        deep = [deep]

    def change(body: dict[str, Any]) -> None:
        body["answers"]["responses"] = [deep] * len(body["answers"]["responses"])

    forge(entry, change)
    again = load_history(tmp_path / "scores", "ana", LIBRARY, now=later)
    key = LIBRARY.questions[0].key
    assert again.question_history(key).answers == reference.question_history(key).answers


# --------------------------------------------------------------------------- the same fault elsewhere


@pytest.mark.parametrize("kind", ["nested", "fifo", "huge", "folder"])
def test_a_hostile_preferences_file_is_ignored(tmp_path: Path, alarm: None, kind: str) -> None:
    """`.prefs.json` lives in the (maybe shared) scores folder: it is input too."""
    from quiz.core.prefs import load_prefs

    path = tmp_path / ".prefs.json"
    if kind == "nested":
        path.write_text(nested(100_000), encoding="utf-8")
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        path.write_text('{"theme": "' + "x" * (4 * MAX_LINE_BYTES) + '"}', encoding="utf-8")
    else:
        path.mkdir()
    assert load_prefs(path) == {}
