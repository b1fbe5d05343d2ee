"""The replay snapshot: with it, every figure is exactly what a full replay gives."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core import history as history_module
from quiz.core import replay_cache
from quiz.core.bank_cache import cache_dir
from quiz.core.class_report import build_class_report
from quiz.core.history import LearnerHistory, load_history
from quiz.core.model import Bank, ChoiceQuestion, Library
from quiz.core.replay_cache import load, replay_log
from quiz.core.replayer import Replayer
from quiz.core.scheduling import Scheduler, Settings
from quiz.core.session import Session
from quiz.core.store import Store, iter_records

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SCHEDULER = Scheduler(Settings())
KEYS = [f"d/q{n}" for n in range(6)]


@pytest.fixture(autouse=True)
def _every_pass_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots after any number of lines, so small logs exercise them."""
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 0)


@pytest.fixture
def restored(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the snapshots actually restored (a failed restore falls back silently)."""
    count = [0]
    real = replay_cache.replayer_from_json
    real_answers = history_module._Answers.restore.__func__  # type: ignore[attr-defined]

    def spy(data: object, scheduler: Scheduler, day: date | None, **keywords: Any) -> Replayer:
        replayer = real(data, scheduler, day, **keywords)
        count[0] += 1
        return replayer

    def spy_answers(cls: type[Any], body: Any, sections: Any) -> Any:
        answers = real_answers(cls, body, sections)
        count[0] += 1
        return answers

    monkeypatch.setattr(replay_cache, "replayer_from_json", spy)
    monkeypatch.setattr(history_module._Answers, "restore", classmethod(spy_answers))
    return count


def random_log(seed: int, count: int) -> list[bytes]:
    """Lines of a log with undos, rerates of recent answers, answers out of order and bad lines."""
    rng = random.Random(seed)
    lines: list[bytes] = []
    recent: list[tuple[str, str]] = []
    when = T0
    for n in range(count):
        roll = rng.random()
        if roll < 0.12 and recent:
            key, ref = recent[-1 - rng.randrange(min(len(recent), 40))]
            record: dict[str, Any] = {"v": 1, "kind": "undo", "id": f"u{n}", "ref": ref, "time": when.isoformat()}
            record["key"] = key
            if roll < 0.06:
                record |= {"kind": "rerate", "rating": rng.randint(1, 4)}
        elif roll < 0.15:
            lines.append(rng.choice([b"not json\n", b'{"kind":"answer"}\n', b"\n", b"[1,2]\n"]))
            continue
        else:
            when += timedelta(hours=rng.choice([0.02, 0.2, 5, 30, 80]))
            moment = when - timedelta(minutes=3) if rng.random() < 0.05 else when
            key = rng.choice([*KEYS, "old/gone"])
            correct = rng.random() < 0.7
            record = {
                "v": 1,
                "kind": "answer",
                "id": f"a{n}",
                "time": moment.isoformat(timespec="microseconds"),
                "key": key,
                "type": "choice",
                "response": "A" if correct else ["x", n],
                "correct": correct,
                "rating": 3 if correct else 1,
                "elapsed": rng.choice([1.5, 7, None]),
                "session": f"s{n // 25}",
                "mode": rng.choice(["drill", "practice"]),
            }
            recent.append((key, f"a{n}"))
        lines.append(json.dumps(record).encode() + b"\n")
    return lines


def full(log: Path, day: date | None = None) -> tuple[Replayer, list[str]]:
    """The replay without any cache: the reference."""
    warnings: list[str] = []
    replayer = Replayer(SCHEDULER, day)
    replayer.feed_all(iter_records(log, warnings.append))
    replayer.finish()
    return replayer, warnings


def cached(log: Path, folder: Path, day: date | None = None) -> tuple[Replayer, list[str]]:
    warnings: list[str] = []
    return replay_log(log, SCHEDULER, day=day, on_warning=warnings.append, folder=folder), warnings


def assert_same(got: tuple[Replayer, list[str]], want: tuple[Replayer, list[str]]) -> None:
    assert list(got[0].states) == list(want[0].states)
    assert got[0].states == want[0].states
    assert (got[0].new_on_day, got[0].reviews_on_day) == (want[0].new_on_day, want[0].reviews_on_day)
    # The counts of every day, so a snapshot made on one day serves the next.
    assert got[0].day_counts() == want[0].day_counts()
    assert got[1] == want[1]


def test_split_anywhere_then_appended_gives_the_full_replay(tmp_path: Path, restored: list[int]) -> None:
    lines = random_log(1, 240)
    log = tmp_path / "reviews.jsonl"
    day = (T0 + timedelta(days=6)).date()
    for split in range(0, len(lines) + 1, 7):
        folder = tmp_path / f"cache{split}"
        log.write_bytes(b"".join(lines[:split]))
        assert_same(cached(log, folder, day), full(log, day))
        snapshot = load(folder, log, "states", SCHEDULER)
        assert snapshot is not None and snapshot.offset == log.stat().st_size
        log.write_bytes(b"".join(lines))
        before = restored[0]
        assert_same(cached(log, folder, day), full(log, day))
        assert restored[0] == before + 1


def test_appended_in_many_steps(tmp_path: Path) -> None:
    lines = random_log(2, 400)
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    log.write_bytes(b"")
    rng = random.Random(3)
    done = 0
    while done < len(lines):
        step = rng.randint(1, 60)
        with log.open("ab") as handle:
            handle.write(b"".join(lines[done : done + step]))
        done += step
        for day in (None, T0.date(), (T0 + timedelta(days=20)).date()):
            assert_same(cached(log, folder, day), full(log, day))


def test_a_torn_or_unterminated_last_line_is_never_in_the_snapshot(tmp_path: Path) -> None:
    lines = random_log(4, 120)
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    last = lines[-1].rstrip(b"\n")
    for ending in (last, last[:10]):
        log.write_bytes(b"".join(lines[:-1]) + ending)
        assert_same(cached(log, folder), full(log))
        snapshot = load(folder, log, "states", SCHEDULER)
        assert snapshot is not None and snapshot.offset == len(b"".join(lines[:-1]))
        # The torn line is ended by the next append, as Store.append does.
        log.write_bytes(b"".join(lines[:-1]) + ending + b"\n" + lines[0])
        assert_same(cached(log, folder), full(log))


def test_a_rewritten_or_truncated_log_is_replayed_from_scratch(tmp_path: Path) -> None:
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    first, other = random_log(5, 200), random_log(6, 260)
    log.write_bytes(b"".join(first))
    cached(log, folder)
    for content in (b"".join(other), b"".join(first[:50]), b"".join(first[:150]) + b"".join(other)):
        log.write_bytes(content)
        assert_same(cached(log, folder), full(log))
        log.write_bytes(b"".join(first))
        cached(log, folder)
    log.unlink()
    assert_same(cached(log, folder), full(log))
    assert cached(log, folder)[0].states == {}


def test_the_same_bytes_only_change_one_byte_at_the_start(tmp_path: Path) -> None:
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    data = bytearray(b"".join(random_log(7, 200)))
    log.write_bytes(bytes(data))
    cached(log, folder)
    data[data.index(b'"rating": 3') + 10] = ord("4")
    log.write_bytes(bytes(data))
    assert load(folder, log, "states", SCHEDULER) is None
    assert_same(cached(log, folder), full(log))


def test_other_settings_do_not_use_the_snapshot(tmp_path: Path) -> None:
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    log.write_bytes(b"".join(random_log(8, 150)))
    cached(log, folder)
    for settings in (Settings(desired_retention=0.8), Settings(fuzzing=False), Settings(learning_steps=())):
        scheduler = Scheduler(settings)
        assert load(folder, log, "states", scheduler) is None
        reference = Replayer(scheduler)
        reference.feed_all(iter_records(log))
        assert replay_log(log, scheduler, folder=folder).states == reference.finish()
    # Daily limits do not change a replay: a snapshot made with other limits fits.
    cached(log, folder)
    assert load(folder, log, "states", Scheduler(Settings(new_per_day=3))) is not None


def damage(entry: Path) -> list[bytes]:
    """Ways a snapshot file can be broken."""
    data = entry.read_bytes()
    header, _, rest = data.partition(b"\n")
    flipped = bytearray(data)
    flipped[len(header) + 20] ^= 0x01
    fields = json.loads(header)
    bad_app = json.dumps(fields | {"app": "0.0.0"}).encode() + b"\n" + rest
    bad_body = json.dumps(fields | {"body": -1}).encode() + b"\n" + rest
    nested = b"[" * 100_000 + b"]" * 100_000
    nested_body = json.dumps(fields | {"body": len(nested), "sections": []}).encode()
    nested_entry = (
        json.dumps(
            fields | {"body": len(nested), "sections": [], "digest": hashlib.sha256(nested).hexdigest()}
        ).encode()
        + b"\n"
        + nested
    )
    wrong_shape = (
        b'{"replay": {"states": [["d/q0", 1]], "pending": [], "new_days": [], "review_days": []}, "problems": []}'
    )
    wrong_entry = (
        json.dumps(
            fields | {"body": len(wrong_shape), "sections": [], "digest": hashlib.sha256(wrong_shape).hexdigest()}
        ).encode()
        + b"\n"
        + wrong_shape
    )
    return [
        b"",
        b"garbage",
        b"\x00\xff" * 100,
        data[: len(data) // 2],
        bytes(flipped),
        bad_app,
        bad_body,
        nested,
        nested_body + b"\n" + nested,
        nested_entry,
        wrong_entry,
        b"[" * 100_000 + b"\n" + rest,
    ]


def test_a_damaged_snapshot_is_ignored_and_rewritten(tmp_path: Path) -> None:
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    log.write_bytes(b"".join(random_log(9, 150)))
    reference = full(log)
    cached(log, folder)
    (entry,) = (folder / "replay").iterdir()
    for broken in damage(entry):
        entry.write_bytes(broken)
        assert_same(cached(log, folder), reference)
        assert entry.read_bytes() != broken  # rewritten
        assert load(folder, log, "states", SCHEDULER) is not None


def test_nothing_is_written_for_a_few_lines_or_with_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 100)
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    lines = random_log(10, 300)
    log.write_bytes(b"".join(lines[:90]))
    cached(log, folder)
    assert not (folder / "replay").exists()
    log.write_bytes(b"".join(lines[:150]))
    cached(log, folder)
    assert load(folder, log, "states", SCHEDULER).offset == log.stat().st_size  # type: ignore[union-attr]
    log.write_bytes(b"".join(lines[:200]))  # 50 new lines: the old snapshot serves, none written
    assert_same(cached(log, folder), full(log))
    assert load(folder, log, "states", SCHEDULER).offset == len(b"".join(lines[:150]))  # type: ignore[union-attr]
    monkeypatch.setenv("QUIZ_CACHE", "off")
    assert cache_dir() is None


def bank() -> Library:
    questions = tuple(
        ChoiceQuestion(deck="d", id=key.split("/")[1], prompt="?", choices=("A", "B"), answer="A") for key in KEYS
    )
    return Library((Bank(deck="d", title="D", questions=questions),))


def test_a_session_starts_from_the_snapshot_with_the_same_queue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    store = Store(tmp_path / "scores", "ana")
    store.folder.mkdir(parents=True)
    lines = random_log(11, 300)
    store.path.write_bytes(b"".join(lines[:200]))
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    now = T0 + timedelta(days=250)  # after the last record: later ones would be refused

    def start() -> Session:
        return Session(bank(), store, clock=lambda: now, rng=random.Random(1))

    start()  # writes the snapshot
    store.path.write_bytes(b"".join(lines))
    warm = start()
    assert restored[0] == 1
    assert load(tmp_path / "cache", store.path, "states", SCHEDULER) is not None
    monkeypatch.setenv("QUIZ_CACHE", "off")
    cold = start()
    assert warm.states == cold.states
    assert (warm.new_today, warm.reviews_today, warm.warnings) == (cold.new_today, cold.reviews_today, cold.warnings)
    assert warm.current == cold.current


def history(scores: Path, now: datetime) -> LearnerHistory:
    return load_history(scores, "ana", bank(), now=now)


def assert_same_history(got: LearnerHistory, want: LearnerHistory) -> None:
    assert got == want
    assert got.warnings == want.warnings
    assert list(got.iter_answers()) == list(want.iter_answers())
    for key in [*KEYS, "old/gone", "d/never"]:
        assert got.question_history(key) == want.question_history(key)


def test_history_from_a_snapshot_equals_the_full_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    lines = random_log(12, 260)
    scores = tmp_path / "scores"
    log = scores / "ana" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    now = T0 + timedelta(days=250)
    for split in range(0, len(lines) + 1, 13):
        monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / f"cache{split}"))
        log.write_bytes(b"".join(lines[:split]))
        history(scores, now)
        assert load(tmp_path / f"cache{split}", log, "history", SCHEDULER) is not None
        log.write_bytes(b"".join(lines))
        before = restored[0]
        warm = history(scores, now)
        assert restored[0] == before + 2  # the replayer and the columns
        twice = history(scores, now + timedelta(days=1))
        monkeypatch.setenv("QUIZ_CACHE", "off")
        assert_same_history(warm, history(scores, now))
        assert_same_history(twice, history(scores, now + timedelta(days=1)))


def claims(fields: dict[str, Any], rest: bytes) -> list[bytes]:
    """Headers that promise what the file does not hold (sizes past its end, a section twice)."""
    listed = fields["sections"]
    huge = [[name, typecode, 10**15] for name, typecode, _ in listed]
    twice = [listed[0], [listed[0][0], *listed[1][1:]], *listed[2:]]
    longer = [*listed[:-1], [listed[-1][0], listed[-1][1], listed[-1][2] + 8]]
    return [
        json.dumps(fields | changed).encode() + b"\n" + rest
        for changed in ({"body": 10**15}, {"sections": huge}, {"sections": twice}, {"sections": longer})
    ]


def test_a_damaged_history_snapshot_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = tmp_path / "scores"
    log = scores / "ana" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"".join(random_log(13, 200)))
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    now = T0 + timedelta(days=250)
    reference = history(scores, now)
    (entry,) = (tmp_path / "cache" / "replay").iterdir()
    good = entry.read_bytes()
    header, _, rest = good.partition(b"\n")
    fields = json.loads(header)
    body = json.loads(rest[: fields["body"]])
    sections = rest[fields["body"] :]

    def forged(changed: dict[str, Any], tail: bytes = sections) -> bytes:
        """A snapshot with a valid digest whose content is wrong: only restoring can tell."""
        payload = json.dumps(body | {"answers": body["answers"] | changed}).encode() + tail
        digest = hashlib.sha256(payload).hexdigest()
        size = len(payload) - len(tail)
        return json.dumps(fields | {"digest": digest, "body": size}).encode() + b"\n" + payload

    broken = [
        *damage(entry),
        forged({"keys": body["answers"]["keys"][:1]}),
        forged({"sessions": []}),
        forged({"tm_pairs": []}),
        forged({"responses": body["answers"]["responses"][:-1]}),
        forged({"responses": "A"}),
        forged({"recent": [[0, [["x", 10**6]]]]}),
        forged({"total": "many"}),
        forged({}, sections[:-8]),
        *claims(fields, rest),
    ]
    for data in broken:
        entry.write_bytes(data)
        assert_same_history(history(scores, now), reference)
    entry.write_bytes(good)
    assert_same_history(history(scores, now), reference)


def test_responses_come_back_from_a_snapshot_as_they_were_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    """Equal-looking responses of other types stay apart (1, 1.0, True; 0.0, -0.0), and a
    list or dict is its answer's own object, not one shared with another answer."""
    values: list[Any] = ["A", "A", 1, 1.0, True, 0.0, -0.0, None, "", ["x"], ["x"], {"k": "v"}, {"k": "v"}, 2**70]
    lines = []
    for n, value in enumerate(values * 3):
        record = {"v": 1, "kind": "answer", "id": f"a{n}", "key": KEYS[n % 3], "type": "choice", "response": value}
        record |= {"time": (T0 + timedelta(hours=n)).isoformat(), "correct": True, "rating": 3, "session": "s"}
        lines.append(json.dumps(record).encode() + b"\n")
    scores = tmp_path / "scores"
    log = scores / "ana" / "reviews.jsonl"
    log.parent.mkdir(parents=True)
    log.write_bytes(b"".join(lines))
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    now = T0 + timedelta(days=30)
    history(scores, now)  # writes the snapshot
    before = restored[0]
    warm = [entry.response for _, entry in history(scores, now).iter_answers()]
    assert restored[0] == before + 2
    assert [(type(value), repr(value)) for value in warm] == [(type(value), repr(value)) for value in values * 3]
    nested = [value for value in warm if isinstance(value, list | dict)]
    assert len({id(value) for value in nested}) == len(nested) == 12


def test_the_class_report_uses_each_learners_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    room = tmp_path / "room"
    logs = []
    for index in range(5):
        log = room / f"l{index}" / "reviews.jsonl"
        log.parent.mkdir(parents=True)
        log.write_bytes(b"".join(random_log(20 + index, 120 + 30 * index)))
        logs.append((f"l{index}", log))
    now = T0 + timedelta(days=250)
    monkeypatch.setenv("QUIZ_CACHE", str(tmp_path / "cache"))
    build_class_report(logs, bank(), now=now)
    for index, (_, log) in enumerate(logs):
        assert load(tmp_path / "cache", log, "history", SCHEDULER) is not None
        with log.open("ab") as handle:
            handle.write(b"".join(random_log(40 + index, 60)[index:]))
    before = restored[0]
    warm = build_class_report(logs, bank(), now=now)
    assert restored[0] == before + 2 * len(logs)
    monkeypatch.setenv("QUIZ_CACHE", "off")
    assert warm == build_class_report(logs, bank(), now=now)


def test_a_snapshot_restored_with_no_new_line_gives_the_finished_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    """Restored without a record since, the replayer is finished as saved (no `finish()`
    walk over the held-back answers) and gives what a full replay gives, on any day, and
    goes on exactly like one when records come after."""
    lines = random_log(11, 360)  # 50 answers a question: many leave the held-back window
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"
    log.write_bytes(b"".join(lines[:240]))
    cached(log, folder)
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 1)  # no snapshot written again (it would finish())
    finished = [0]
    real_finish = Replayer.finish

    def counting(self: Replayer) -> dict[str, Any]:
        finished[0] += 1
        return real_finish(self)

    monkeypatch.setattr(Replayer, "finish", counting)
    for day in (None, T0.date(), (T0 + timedelta(days=40)).date()):
        before = restored[0], finished[0]
        got = cached(log, folder, day)
        assert (restored[0], finished[0]) == (before[0] + 1, before[1])
        assert_same(got, full(log, day))
        assert len(got[0]._base) > 0 and len(got[0]._pending) > 0
    more = tmp_path / "more.jsonl"
    got, _ = cached(log, folder)
    reference, _ = full(log)
    for line in lines[240:]:
        more.write_bytes(line)
        for record in iter_records(more):
            got.feed(record)
            reference.feed(record)
    assert real_finish(got) == real_finish(reference)
    assert got.day_counts() == reference.day_counts()


def test_the_states_alone_are_those_of_the_whole_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, restored: list[int]
) -> None:
    """`replayed_states` (the home screen's counts) gives `replay_log(...).states`, in the
    same order, with the same warnings: without a snapshot, from one with nothing appended
    since (read without rebuilding its held-back answers), and with lines appended."""
    lines = random_log(12, 300)
    log = tmp_path / "reviews.jsonl"
    folder = tmp_path / "cache"

    def both() -> tuple[Any, Any]:
        got_warnings: list[str] = []
        got = replay_cache.replayed_states(log, SCHEDULER, on_warning=got_warnings.append, folder=folder)
        want = full(log)
        return (list(got.items()), got_warnings), (list(want[0].states.items()), want[1])

    log.write_bytes(b"".join(lines[:200]))
    got, want = both()  # no snapshot yet: the replay, which writes one
    assert got == want and got[1]  # the random log has bad lines: warnings to repeat
    monkeypatch.setattr(replay_cache, "MIN_NEW_LINES", 1000)  # none written from now on
    before = restored[0]
    got, want = both()  # nothing appended: from the snapshot alone
    assert got == want
    assert restored[0] == before  # no replayer was rebuilt
    log.write_bytes(b"".join(lines))
    got, want = both()  # appended: restored and fed
    assert got == want
    assert restored[0] == before + 1


def test_held_back_ids_of_any_text_come_back_as_written() -> None:
    """The held-back answers' ids are kept as one string and their lengths: ids empty,
    accented, beyond the BMP, with a lone surrogate, or alike come back each as it was."""
    ids = ["", "é", "a𝄞b", "\ud800x", "é", "plain-id", "x" * 300]
    replayer = Replayer(SCHEDULER)
    for n, ident in enumerate(ids):
        replayer.feed(
            {
                "kind": "answer",
                "key": f"d/q{n % 3}",
                "id": ident,
                "time": (T0 + timedelta(minutes=n)).isoformat(),
                "rating": 3,
                "correct": True,
            }
        )
    data = json.loads(json.dumps(replay_cache.replayer_to_json(replayer)))
    back = replay_cache.replayer_from_json(data, SCHEDULER, None)
    assert back._pending == replayer._pending
    assert [entry[1] for held in back._pending.values() for entry in held] == [
        entry[1] for held in replayer._pending.values() for entry in held
    ]
    assert back.states == replayer.finish()
