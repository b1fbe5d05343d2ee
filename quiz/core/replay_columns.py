"""A replayer as JSON: what `quiz.core.replay_cache` keeps of a `replayer.Replayer` in a
snapshot, and gives back, checked.

Numbers go in columns, each the base64 of an array's bytes inside the JSON body (a
JSON list costs a decoder call per number), question keys as indexes into one list,
the held-back answers' ids as one string and a column of lengths. A restore checks
column by column (types by the arrays, ranges by min and max), not answer by answer,
and anything a replay cannot give is `CacheError`: the snapshot is then ignored.
Split out of `replay_cache`, which re-exports these names.
"""

from __future__ import annotations

import base64
import itertools
import math
from array import array
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple

from quiz.core.days import Days
from quiz.core.flags import Flags
from quiz.core.fsrs_kernel import Memory
from quiz.core.replayer import COUNT_BUCKET, NEW, PENDING_PER_KEY, REVIEW, QuestionState, Replayer
from quiz.core.scheduling import Scheduler, State

__all__ = [
    "MAX_STABILITY",
    "MAX_STEP",
    "CacheError",
    "replayer_from_json",
    "replayer_to_json",
    "require",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_STATES = {int(state): state for state in State}


class CacheError(ValueError):
    """A snapshot that is inconsistent; only ever caught here, never shown."""


def require(condition: bool) -> None:
    """CacheError unless `condition`: the one check every restoring step uses."""
    if not condition:
        raise CacheError("malformed snapshot")


MAX_STABILITY = 1e9
"""Days; FSRS stability is positive and, with intervals capped at 100 years, far below."""
MAX_STEP = 1000
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)
"""Times in a snapshot are refused beyond this, as `quiz.core.records` refuses them in a log."""
_LATEST_US = (_LATEST - _EPOCH) // _MICROSECOND
_LATEST_BUCKET = int((_LATEST - _EPOCH).total_seconds()) // COUNT_BUCKET
"""The last `COUNT_BUCKET` a restored day count may name (a forged entry is refused)."""
_NONE = -1
"""A time or step column's None (times are never before the epoch, steps never negative)."""
_REVIEW = int(State.Review)
_STATE_COLUMNS = (
    ("answers", "q"),
    ("correct", "q"),
    ("last", "q"),
    ("first", "q"),
    ("card_id", "q"),
    ("state", "b"),
    ("step", "q"),
    ("stability", "d"),
    ("difficulty", "d"),
    ("due", "q"),
    ("last_review", "q"),
)


def _pack(values: Any, typecode: str) -> str:
    """A column as base64 of its array bytes: JSON text that decodes at the speed of bytes
    (a million numbers as JSON lists cost a decoder call each)."""
    return base64.b64encode(array(typecode, values).tobytes()).decode("ascii")


def _unpack(data: object, typecode: str, length: int | None = None) -> array[Any]:
    """The inverse of `_pack` (of `length` items when given); CacheError when it is not one."""
    require(isinstance(data, str))
    assert isinstance(data, str)
    values: array[Any] = array(typecode)
    try:
        raw = base64.b64decode(data, validate=True)
    except ValueError:  # binascii.Error, or not ASCII
        raise CacheError("malformed snapshot") from None
    require(len(raw) % values.itemsize == 0)
    values.frombytes(raw)
    require(length is None or len(values) == length)
    return values


def _within(values: array[Any] | list[int], low: float, high: float) -> bool:
    """Every value in [low, high] (an empty column is)."""
    return not values or (low <= min(values) and max(values) <= high)


def _us(moment: datetime | None) -> int:
    return _NONE if moment is None else (moment - _EPOCH) // _MICROSECOND


def _pack_states(states: Sequence[QuestionState]) -> dict[str, str]:
    """Question states as columns (see `_STATE_COLUMNS`); None is NaN or `_NONE`."""
    memories = [state.memory for state in states]
    nan = math.nan
    columns: dict[str, Any] = {
        "answers": [state.answers for state in states],
        "correct": [state.correct for state in states],
        "last": [_us(state.last) for state in states],
        "first": [_us(state.first) for state in states],
        "card_id": [state.card_id for state in states],
        "state": [memory.state for memory in memories],
        "step": [_NONE if memory.step is None else memory.step for memory in memories],
        "stability": [nan if memory.stability is None else memory.stability for memory in memories],
        "difficulty": [nan if memory.difficulty is None else memory.difficulty for memory in memories],
        "due": [memory.due for memory in memories],
        "last_review": [_NONE if memory.last_review is None else memory.last_review for memory in memories],
    }
    return {name: _pack(columns[name], typecode) for name, typecode in _STATE_COLUMNS}


def _unpack_states(data: object, count: int) -> list[QuestionState]:
    """`count` question states from `_pack_states`; CacheError for anything a replay cannot give."""
    require(isinstance(data, dict))
    assert isinstance(data, dict)
    columns = {name: _unpack(data.get(name), typecode, count) for name, typecode in _STATE_COLUMNS}
    answers, correct, last, first = columns["answers"], columns["correct"], columns["last"], columns["first"]
    state, step, stability, difficulty = columns["state"], columns["step"], columns["stability"], columns["difficulty"]
    due, last_review = columns["due"], columns["last_review"]
    require(_within(answers, 0, math.inf) and _within(correct, 0, math.inf))
    require(_within(last, _NONE, _LATEST_US) and _within(first, _NONE, _LATEST_US))
    require(_within(due, 0, _LATEST_US) and _within(last_review, _NONE, _LATEST_US))
    require(set(state) <= _STATES.keys() and _within(step, _NONE, MAX_STEP))
    # A step exactly when not in Review; stability, difficulty and last review all or none.
    require(all((kind == _REVIEW) == (at == _NONE) for kind, at in zip(state, step, strict=True)))
    for values, low, high in ((stability, 1e-9, MAX_STABILITY), (difficulty, 1.0, 10.0)):
        known = [value for value in values if value == value]  # NaN (None) is the one value unequal to itself
        require(_within(array("d", known), low, high))  # and infinities are out of range
    require(
        all((s != s) == (d != d) == (r == _NONE) for s, d, r in zip(stability, difficulty, last_review, strict=True))
    )
    steps = [None if at == _NONE else at for at in step.tolist()]
    stabilities = [None if value != value else value for value in stability.tolist()]
    difficulties = [None if value != value else value for value in difficulty.tolist()]
    reviews = [None if at == _NONE else at for at in last_review.tolist()]
    memories = map(
        Memory._make, zip(state.tolist(), steps, stabilities, difficulties, due.tolist(), reviews, strict=True)
    )
    _delta = timedelta  # `from_us`, inline with positional arguments: half its cost, the same datetimes
    return [
        QuestionState(
            memory=memory,
            card_id=card_id,
            answers=answered,
            correct=right,
            last=None if seen == _NONE else _EPOCH + _delta(0, seen // 1_000_000, seen % 1_000_000),
            first=None if begun == _NONE else _EPOCH + _delta(0, begun // 1_000_000, begun % 1_000_000),
        )
        for memory, card_id, answered, right, seen, begun in zip(
            memories,
            columns["card_id"].tolist(),
            answers.tolist(),
            correct.tolist(),
            last.tolist(),
            first.tolist(),
            strict=True,
        )
    ]


def _pack_days(counts: Mapping[int, int]) -> list[str]:
    return [_pack(counts.keys(), "q"), _pack(counts.values(), "q")]


def _unpack_days(data: object) -> dict[int, int]:
    require(isinstance(data, list) and len(data) == 2)
    assert isinstance(data, list)
    buckets = _unpack(data[0], "q")
    counts = _unpack(data[1], "q", len(buckets))
    require(_within(buckets, 0, _LATEST_BUCKET) and _within(counts, 0, math.inf))
    days = dict(zip(buckets, counts, strict=True))
    require(len(days) == len(buckets))
    return days


def replayer_to_json(replayer: Replayer) -> dict[str, Any]:
    """The replayer's whole state as JSON (after a `finish()`, run here): committed states,
    held-back answers, per-day counts, what the held-back answers give per question, and
    the states and day counts `finish()` gave, so a restore without new records skips it.

    Numbers go in columns (`_pack`); keys are indexes into one list of keys."""
    replayer.finish()  # also empties what a cold replay keeps aside: its buffer, deferred answers, numpy columns
    assert not replayer._buffer_keys and not replayer._deferred and not len(replayer._memories)
    index: dict[str, int] = {}
    # The held-back lists first: their order is that of `finish()`'s states (by first answer).
    for part in (replayer._pending, replayer._base, replayer._done):
        for key in part:
            index.setdefault(key, len(index))
    pending = replayer._pending
    held = [entry for entries in pending.values() for entry in entries]
    done = replayer._done
    finished_new, finished_reviews = replayer._finished_days
    return {
        "keys": list(index),
        "base": {
            "at": _pack(map(index.__getitem__, replayer._base), "i"),
            **_pack_states(list(replayer._base.values())),
        },
        "pending": {
            "at": _pack(map(index.__getitem__, pending), "i"),
            "count": _pack(map(len, pending.values()), "i"),
            "time": _pack([entry[0] for entry in held], "q"),
            # The ids as one string and their lengths: a list of 100,000 strings is a JSON
            # decoder call each, and a read of the states alone does not need them.
            "id": "".join(entry[1] for entry in held),
            "id_length": _pack([len(entry[1]) for entry in held], "i"),
            "rating": _pack([int(entry[2]) for entry in held], "b"),
            "correct": _pack([bool(entry[3]) for entry in held], "b"),
        },
        "done": {
            "at": _pack(map(index.__getitem__, done), "i"),
            "codes": _pack([code for _state, codes in done.values() for code in codes], "b"),
            "stateful": _pack([state is not None for state, _codes in done.values()], "b"),
            **_pack_states([state for state, _codes in done.values() if state is not None]),
        },
        "new_days": _pack_days(replayer._new_days),
        "review_days": _pack_days(replayer._review_days),
        "finished_days": [_pack_days(finished_new), _pack_days(finished_reviews)],
        "flags": replayer.flags.to_json(),
    }


def _keys_at(keys: list[str], data: object) -> list[str]:
    """The keys a column of indexes names, each at most once."""
    at = _unpack(data, "i")
    require(_within(at, 0, len(keys) - 1))
    named = [keys[n] for n in at]
    require(len(set(named)) == len(named))
    return named


class _Finished(NamedTuple):
    """The part of a saved replayer that `finish()` gave, checked (see `_finished`)."""

    keys: list[str]
    base: dict[str, QuestionState]
    held: list[tuple[str, int]]
    """(key, number of held-back answers), in the replayer's order."""
    done: dict[str, QuestionState | None]
    states: dict[str, QuestionState]
    """What `finish()` gave, in its order: by question's first answer (the held-back
    lists' order), each question's state after its held-back answers, else its committed one."""


def _finished(data: object) -> _Finished:
    """The states of a `replayer_to_json` snapshot, without its held-back answers (a
    tenth of the entries); CacheError if anything is off."""
    require(isinstance(data, dict))
    assert isinstance(data, dict)
    keys = data["keys"]
    require(isinstance(keys, list) and all(type(key) is str for key in keys) and len(set(keys)) == len(keys))
    base, pending, done = data["base"], data["pending"], data["done"]
    require(isinstance(base, dict) and isinstance(pending, dict) and isinstance(done, dict))
    named = _keys_at(keys, base.get("at"))
    committed = dict(zip(named, _unpack_states(base, len(named)), strict=True))
    named = _keys_at(keys, pending.get("at"))
    counts = _unpack(pending.get("count"), "i", len(named))
    require(_within(counts, 0, PENDING_PER_KEY))
    held = list(zip(named, counts.tolist(), strict=True))
    named = _keys_at(keys, done.get("at"))
    stateful = _unpack(done.get("stateful"), "b", len(named))
    require(_within(stateful, 0, 1))
    states = iter(_unpack_states(done, sum(stateful)))
    finished = {key: next(states) if has_state else None for key, has_state in zip(named, stateful, strict=True)}
    # finish() gave a result for every question with held-back answers, and for no other.
    require(finished.keys() == {key for key, count in held if count})
    # As `Replayer.finish()` lists them: a cold replay and a restored one give one order.
    result: dict[str, QuestionState] = {}
    for key, count in held:
        state = finished[key] if count else None
        if state is None:
            state = committed.get(key)
            if state is None:
                continue
        result[key] = state
    if len(result) < len(committed):
        result.update((key, state) for key, state in committed.items() if key not in result)
    return _Finished(keys, committed, held, finished, result)


def replayer_from_json(data: object, scheduler: Scheduler, day: date | None, *, days: Days | None = None) -> Replayer:
    """A replayer in the state `replayer_to_json` saved, finished as it was; CacheError if
    anything is off (checked column by column, not answer by answer)."""
    part = _finished(data)
    assert isinstance(data, dict)
    replayer = Replayer(scheduler, day, days=days)
    replayer._base.update(part.base)
    pending, done = data["pending"], data["done"]
    total = sum(count for _key, count in part.held)
    times = _unpack(pending.get("time"), "q", total).tolist()
    ratings = _unpack(pending.get("rating"), "b", total)
    rights = _unpack(pending.get("correct"), "b", total)
    text = pending.get("id")
    lengths = _unpack(pending.get("id_length"), "i", total)
    require(isinstance(text, str) and _within(lengths, 0, len(text or "")) and sum(lengths) == len(text or ""))
    assert isinstance(text, str)
    ends = list(itertools.accumulate(lengths))
    ids = list(map(text.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    require(_within(times, 0, _LATEST_US) and _within(ratings, 1, 4) and _within(rights, 0, 1))
    # Tuples of plain values, as `Replayer.feed` makes them (the garbage collector stops tracking them).
    entries = list(zip(times, ids, ratings.tolist(), map(bool, rights), strict=True))
    held = replayer._pending
    start = 0
    for key, count in part.held:
        end = start + count
        span = times[start:end]
        require(span == sorted(span))
        held[key] = entries[start:end]
        start = end
    codes = _unpack(done.get("codes"), "b").tolist()
    require(set(codes) <= {0, NEW, REVIEW})
    start = 0
    for key, state in part.done.items():
        end = start + len(held[key])
        replayer._done[key] = (state, codes[start:end])
        start = end
    require(start == len(codes))
    replayer._new_days.update(_unpack_days(data["new_days"]))
    replayer._review_days.update(_unpack_days(data["review_days"]))
    finished = data["finished_days"]
    require(isinstance(finished, list) and len(finished) == 2)
    replayer.flags = Flags.from_json(data["flags"])
    replayer.states = part.states
    replayer._finished_days = (_unpack_days(finished[0]), _unpack_days(finished[1]))
    return replayer
