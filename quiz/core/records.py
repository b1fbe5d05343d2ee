"""One line of a score log -> a record every reader can trust, or why it is skipped.

A score log is input from outside like a bank: the learner can edit it, a sync
tool can mangle it, a curious student can craft it. Every reader (the session's
replay, the history, the class report, the replay cache's fresh passes) takes its
records from `parse_line`, so they all agree on what a usable record is, and no
reader needs a check of its own. The check is per line and knows nothing of the
file the line came from, so it serves one log per learner or one per device alike.

What a usable line is (the format is documented in docs/architecture.md):

- at most `MAX_LINE_BYTES` bytes of UTF-8 (a UTF-8 BOM, an editor's doing, is
  ignored), JSON nested at most `MAX_DEPTH` deep (checked on the raw bytes before
  parsing, so no nesting can exhaust the parser's recursion), no NaN or Infinity;
- a JSON object with `"v"` a whole number of 1 or more and `"kind"` one of
  `answer`, `rerate`, `undo`, `suspend`, `unsuspend`, `bury`, with the keys that
  kind needs (`REQUIRED_KEYS`; a bury's `until` is an ISO time with a zone);
- `id` and `ref` short tokens (`[A-Za-z0-9_.:-]`, at most 64), `key` a string of
  1 to `MAX_FIELD_CHARS` characters, `rating` 1-4, `correct` a boolean;
- `time` ISO 8601 with a time zone, from 1970 on and not later than the reader's
  `now` plus `CLOCK_SKEW` (a time in the future would bury a question for ever);
- the informative fields, when present, of their documented type: `app`,
  `learner`, `type`, `session`, `mode` strings of at most `MAX_FIELD_CHARS`;
  `hinted`, `typo_forgiven` booleans; `elapsed` null or a finite number of
  seconds from 0 to `MAX_ELAPSED`. `response` may be any JSON value within the
  line's limits; fields not documented are kept and ignored.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from json.scanner import make_scanner
from typing import Any, NoReturn

__all__ = [
    "BOM",
    "CLOCK_SKEW",
    "MAX_DEPTH",
    "MAX_FIELD_CHARS",
    "MAX_LINE_BYTES",
    "REQUIRED_KEYS",
    "Skip",
    "check_record",
    "nesting_depth",
    "parse_line",
    "too_deep",
]

MAX_LINE_BYTES = 1 << 20
"""A line longer than this (1 MiB) is skipped without being held in memory whole."""
MAX_DEPTH = 10
"""JSON nesting of a whole line: the record is 1, a match response's mapping 2."""
MAX_FIELD_CHARS = 256
"""Longest `key` and informative string field (`app`, `type`, `session`, ...)."""
MAX_ELAPSED = 10_000_000.0
"""Seconds (about 116 days): anything longer is not the time an answer took."""
CLOCK_SKEW = timedelta(minutes=10)
"""How far ahead of the reader's clock a record may be (another device's clock)."""
MIN_YEAR = 1970
BOM = b"\xef\xbb\xbf"

REQUIRED_KEYS: dict[str, tuple[str, ...]] = {
    "answer": ("v", "kind", "id", "time", "key", "rating", "correct"),
    "rerate": ("v", "kind", "id", "time", "key", "ref", "rating"),
    "undo": ("v", "kind", "id", "time", "key", "ref"),
    "suspend": ("v", "kind", "id", "time", "key"),
    "unsuspend": ("v", "kind", "id", "time", "key"),
    "bury": ("v", "kind", "id", "time", "key", "until"),
}
"""Keys a record of each kind must have to be usable; others are informative."""

_TOKEN = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_STRUCTURE = re.compile(rb'[\[\]{}"\\]')
_INFORMATIVE_TEXT = ("app", "learner", "type", "session", "mode")
_INFORMATIVE_BOOL = ("hinted", "typo_forgiven")


class Skip(ValueError):
    """A line that is not a usable record; `str()` says why ("is not valid JSON").

    `json` is true when the line is not JSON at all (a torn last line is such a
    line), false when it is JSON that does not fit the format.
    """

    def __init__(self, reason: str, *, json: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.json = json


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number")


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
_SCAN: Callable[[str, int], tuple[Any, int]] = make_scanner(_DECODER)  # type: ignore[arg-type]  # takes any decoder
"""The JSON decoder's own scanner (C): `json.loads` without its per-call Python
wrappers, which cost as much as the scan itself on a record-sized line."""
_JSON_SPACE = " \t\n\r"


def too_deep(raw: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text `raw` opens more than `limit` arrays/objects inside each
    other, counted on the bytes (strings skipped), in one linear pass.

    Only lines with more than `limit` brackets can be too deep, so an ordinary
    record costs two `bytes.count` calls.
    """
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    depth = 0
    in_string = False
    escaped_at = -1
    for match in _STRUCTURE.finditer(raw):
        at = match.start()
        char = raw[at]
        if in_string:
            if at == escaped_at:
                continue
            if char == 0x5C:  # backslash: the next byte is escaped
                escaped_at = at + 1
            elif char == 0x22:  # closing quote
                in_string = False
        elif char == 0x22:
            in_string = True
        elif char in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif char in (0x5D, 0x7D):
            depth -= 1
    return False


def nesting_depth(value: object, limit: int = MAX_DEPTH) -> int:
    """How deep `value` nests lists/dicts (a scalar is 0), counting no further than
    `limit + 1`; iterative, so any depth is safe to ask about."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list | tuple | dict):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth) for child in children)
    return deepest


def parse_line(raw: bytes, now: datetime, *, first: bool = False) -> dict[str, Any]:
    """The record on one line (with or without its newline), or `Skip` saying why.

    `first`: the line starts the file, where a UTF-8 BOM is dropped. `now`: the
    reader's clock (UTC-aware), against which future times are refused.
    """
    if first and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    if len(raw) > MAX_LINE_BYTES + 1:
        raise Skip(f"is longer than {MAX_LINE_BYTES // (1 << 20)} MiB")
    try:
        text: str | None = raw.decode("utf-8")
    except ValueError:
        text = None
    if text is not None:
        record = _canonical_answer(text)
        if record is not None:
            # Every field but the time is known good, the nesting too (see `_canonical_answer`).
            problem = _check_time(record["time"], now)
            if problem is not None:
                raise Skip(problem)
            return record
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and too_deep(raw):
        raise Skip(f"nests JSON more than {MAX_DEPTH} deep")
    if text is None:
        raise Skip("is not valid JSON", json=True)
    try:
        # What json.loads accepts: one value, JSON whitespace around it, nothing else.
        text = text.strip(_JSON_SPACE)
        record, end = _SCAN(text, 0)
    except (ValueError, RecursionError, StopIteration):
        raise Skip("is not valid JSON", json=True) from None
    if end != len(text):
        raise Skip("is not valid JSON", json=True)
    problem = check_record(record, now, depth_checked=True)
    if problem is not None:
        raise Skip(problem)
    return record  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- the fast lane
#
# Nearly every line of a log is an answer written by this app: compact JSON, keys
# in `Session._record`'s order, strings without escapes. One regular expression
# recognises such a line and checks it field by field, in C; the record is then
# built from its groups, which costs a third of a JSON parse and a check. Any
# other line (another kind, another key order, an escape, a number out of range,
# a response nested deeper than a flat list or mapping of plain strings) takes
# the full path above: the fast lane only ever says "this is the record" or
# "ask the full path", never why a line is skipped, so both paths agree by
# construction (`tests/core/test_records_fast.py` checks it on generated lines).


def _plain(shortest: int = 0, longest: int = MAX_FIELD_CHARS) -> str:
    """A JSON string without escapes or control characters (its text is its value),
    of `shortest` to `longest` characters, as a group."""
    return r'"([^"\\\x00-\x1f]{' + f"{shortest},{longest}" + r'})"'


_PLAIN = _plain()
_PLAIN_ANY = r'"[^"\\\x00-\x1f]*"'
_NUMBER = r"-?(?:0|[1-9][0-9]{0,30})(?:\.[0-9]{1,30})?(?:[eE][-+]?[0-9]{1,3})?"
_RESPONSE = (
    rf"({_PLAIN_ANY}|null|true|false|{_NUMBER}"
    rf"|\[(?:{_PLAIN_ANY}(?:,{_PLAIN_ANY})*)?\]"
    rf"|\{{(?:{_PLAIN_ANY}:{_PLAIN_ANY}(?:,{_PLAIN_ANY}:{_PLAIN_ANY})*)?\}})"
)
_BOOLEAN = "(true|false)"
_HEAD = (
    ("v", "([1-9][0-9]{0,8})"),
    ("app", _PLAIN),
    ("kind", '"answer"'),
    ("id", '"([A-Za-z0-9_.:-]{1,64})"'),
    ("time", _plain(1, 64)),
    ("learner", _PLAIN),
    ("key", _plain(1)),
    ("type", _PLAIN),
    ("response", _RESPONSE),
    ("correct", _BOOLEAN),
    ("rating", "([1-4])"),
    ("hinted", _BOOLEAN),
    ("typo_forgiven", _BOOLEAN),
    ("elapsed", f"(null|{_NUMBER})"),
)
_TAIL = (("session", _PLAIN), ("mode", _PLAIN))


def answer_pattern(capture: Collection[str] | None = None, **fields: str) -> str:
    """The regular expression of an answer line in the app's own form, without the trailing
    space a line may have: one group a field, in `ANSWER_GROUPS` order, but only for the
    fields in `capture` (default: all) and revealed. `fields` replaces the patterns of some
    (the block lane, `quiz.core.answer_runs`, is stricter)."""

    def field(name: str, pattern: str) -> str:
        pattern = fields.get(name, pattern)
        if capture is not None and name not in capture:
            pattern = _FIRST_GROUP.sub("(?:", pattern, count=1)
        return f'"{name}":{pattern}'

    return (
        r"\{"
        + ",".join(field(name, pattern) for name, pattern in _HEAD)
        + r'(,"revealed":(?:true|false))?,'  # a revealed answer's flag (`Session.reveal`)
        + ",".join(field(name, pattern) for name, pattern in _TAIL)
        + r"\}"
    )


ANSWER_GROUPS = (*(name for name, pattern in _HEAD if "(" in pattern), "revealed", *(name for name, _ in _TAIL))
"""The fields `answer_pattern` captures, in order (`kind` is always "answer": no group)."""
_FIRST_GROUP = re.compile(r"\((?!\?)")


_CANONICAL = re.compile(answer_pattern() + r"[ \t\n\r]*").fullmatch


_RATINGS = {"1": 1, "2": 2, "3": 3, "4": 4}


def _canonical_answer(text: str) -> dict[str, Any] | None:
    """The record of an answer line in the app's own form, all but its time checked;
    None for any other line (the full path then decides)."""
    match = _CANONICAL(text)
    if match is None:
        return None
    return record_of(match.groups())


def record_of(groups: Sequence[Any]) -> dict[str, Any] | None:
    """The record of an answer line in the app's own form from its groups (`_CANONICAL`'s,
    or `quiz.core.answer_runs`'), or None when its `elapsed` is out of range."""
    (v, app, ident, when, learner, key, kind_of, response, correct, rating, hinted, typo, elapsed, revealed,
     session, mode) = groups[:16]  # fmt: skip
    value: Any = response[1:-1] if response[0] == '"' else _SCAN(response, 0)[0]
    seconds: int | float | None = None
    if elapsed != "null":
        # As `json` reads a number: an int without fraction or exponent, else a float
        # (one too big for a float is infinite, so out of range; none is NaN).
        seconds = float(elapsed) if "." in elapsed or "e" in elapsed or "E" in elapsed else int(elapsed)
        if not 0 <= seconds <= MAX_ELAPSED:
            return None
    record = {
        "v": 1 if v == "1" else int(v),
        "app": app,
        "kind": "answer",
        "id": ident,
        "time": when,
        "learner": learner,
        "key": key,
        "type": kind_of,
        "response": value,
        "correct": correct == "true",
        "rating": _RATINGS[rating],
        "hinted": hinted == "true",
        "typo_forgiven": typo == "true",
        "elapsed": seconds,
    }
    if revealed:
        record["revealed"] = revealed == ',"revealed":true'
    record["session"] = session
    record["mode"] = mode
    return record


def _is_token(value: object) -> bool:
    return isinstance(value, str) and _TOKEN_MATCH(value) is not None


_TOKEN_MATCH = _TOKEN.fullmatch
_REQUIRED_SETS = {kind: frozenset(keys) for kind, keys in REQUIRED_KEYS.items()}


def check_record(record: object, now: datetime, *, depth_checked: bool = False) -> str | None:
    """Why the parsed `record` does not fit the format, or None when it does.

    `depth_checked`: the caller already checked the nesting (`parse_line` does, on
    the bytes); otherwise the record is walked, iteratively. Every line of every
    log passes here, so the checks are written out rather than looped over.
    """
    if not isinstance(record, dict):
        return "is not a JSON object"
    kind = record.get("kind")
    required = _REQUIRED_SETS.get(kind) if isinstance(kind, str) else None
    if required is None or not isinstance(kind, str):
        return f"has an unknown kind {_short(kind)}"
    if not record.keys() >= required:
        for key in REQUIRED_KEYS[kind]:
            if key not in record:
                return f"lacks {key!r}"
    version = record["v"]
    if type(version) is not int or version < 1:
        return f"has an invalid format version {_short(version)}"
    key = record["key"]
    if not isinstance(key, str) or not 0 < len(key) <= MAX_FIELD_CHARS:
        return "has a malformed key"
    if not _is_token(record["id"]):
        return "has a malformed id"
    if "ref" in required and not _is_token(record["ref"]):
        return "has a malformed ref"
    if "rating" in required:
        rating = record["rating"]
        if type(rating) is not int or not 1 <= rating <= 4:
            return f"has an invalid rating {_short(rating)}"
    if "correct" in required and type(record["correct"]) is not bool:
        return "has a 'correct' that is not true or false"
    if "until" in required and not _is_moment(record["until"]):
        return "has a malformed until"
    problem = _check_time(record["time"], now)
    if problem is not None:
        return problem
    for name in _INFORMATIVE_TEXT:
        value = record.get(name)
        if value is not None and not (isinstance(value, str) and len(value) <= MAX_FIELD_CHARS):
            return f"has a malformed {name!r}"
    for name in _INFORMATIVE_BOOL:
        if name in record and type(record[name]) is not bool:
            return f"has a {name!r} that is not true or false"
    elapsed = record.get("elapsed")
    if elapsed is not None and not (
        type(elapsed) in (int, float) and math.isfinite(elapsed) and 0 <= elapsed <= MAX_ELAPSED
    ):
        return f"has an invalid 'elapsed' {_short(elapsed)}"
    if not depth_checked and nesting_depth(record) > MAX_DEPTH:
        return f"nests JSON more than {MAX_DEPTH} deep"
    return None


def _is_moment(value: object) -> bool:
    """An ISO time with a zone (a bury's `until` lies in the future by design)."""
    if not isinstance(value, str) or len(value) > 64:
        return False
    try:
        moment = datetime.fromisoformat(value)
        return moment.tzinfo is not None and moment.astimezone(UTC).year >= MIN_YEAR
    except (ValueError, OverflowError):
        return False


def _check_time(when: object, now: datetime) -> str | None:
    if not isinstance(when, str) or len(when) > 64:
        return "has a malformed time"
    try:
        moment = datetime.fromisoformat(when)
    except ValueError:
        return f"has a malformed time {when!r}"
    if moment.tzinfo is None:
        return f"has a time without a time zone {when!r}"
    if moment.tzinfo is UTC:
        utc = moment
    else:
        try:
            utc = moment.astimezone(UTC)
        except (OverflowError, ValueError):
            return f"has a time out of range {when!r}"
    if utc.year < MIN_YEAR:
        return f"has a time out of range {when!r}"
    if utc > now + CLOCK_SKEW:
        return f"has a time in the future {when!r} (is a clock wrong?)"
    return None


def _short(value: object) -> str:
    """A value for a warning: its repr, cut to 40 characters (it may be huge)."""
    if isinstance(value, list | dict):
        return f"(a JSON {'array' if isinstance(value, list) else 'object'})"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"
