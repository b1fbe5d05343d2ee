"""Leeches, suspended and buried questions: what the log says to leave out, and why.

- A *leech* is a question missed `leech_threshold` times or more (a setting, 8 by
  default, 0 for never): its scheduled answers, cram excluded, that were wrong.
  It is only flagged (history, class report, the feedback screen); suspending it
  is the learner's choice, since rewording it may be the better cure.
- A *suspended* question is left out of drills, practice and exams until it is
  unsuspended (from the history screen or `quiz history --unsuspend KEY`).
- A *buried* question is left out of drills until the start of the learner's
  next day (`until`, from `quiz.core.days`).

Each is a record in the log, never a rewrite:

    {"v":1,"app":...,"kind":"suspend","id":...,"time":...,"learner":...,"key":...,"session":...,"reason":"leech"}
    {"v":1,"app":...,"kind":"unsuspend","id":...,"time":...,"learner":...,"key":...,"session":...}
    {"v":1,"app":...,"kind":"bury","id":...,"time":...,"learner":...,"key":...,"until":...,"session":...}

An `undo` whose `ref` is a suspend or bury record cancels it, as it cancels an
answer. `Flags` is what replaying them gives; `replayer.Replayer` keeps one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from quiz import FORMAT_VERSION, __version__

__all__ = ["FLAG_KINDS", "Flags", "flag_record", "is_leech"]

FLAG_KINDS = ("suspend", "unsuspend", "bury")


def is_leech(misses: int, threshold: int) -> bool:
    """Whether `misses` wrong answers make a leech (`threshold` 0: never)."""
    return threshold > 0 and misses >= threshold


@dataclass
class Flags:
    """Suspended and buried questions after the records fed so far."""

    suspended: dict[str, str] = field(default_factory=dict)
    """key -> id of the suspend record in force."""
    buried: dict[str, tuple[datetime, str]] = field(default_factory=dict)
    """key -> (until, id of the bury record) of the latest bury."""

    def feed(self, record: dict[str, Any]) -> None:
        """Take a suspend, unsuspend, bury or undo record (checked by `store`) into account."""
        kind = record["kind"]
        key = record["key"]
        if kind == "suspend":
            self.suspended[key] = record["id"]
        elif kind == "unsuspend":
            self.suspended.pop(key, None)
        elif kind == "bury":
            self.buried[key] = (datetime.fromisoformat(record["until"]).astimezone(UTC), record["id"])
        elif kind == "undo":
            ref = record["ref"]
            if self.suspended.get(key) == ref:
                del self.suspended[key]
            buried = self.buried.get(key)
            if buried is not None and buried[1] == ref:
                del self.buried[key]

    def is_suspended(self, key: str) -> bool:
        """Left out of every session until unsuspended."""
        return key in self.suspended

    def is_buried(self, key: str, now: datetime) -> bool:
        """Left out of drills until the start of the learner's next day."""
        buried = self.buried.get(key)
        return buried is not None and buried[0] > now

    def to_json(self) -> dict[str, Any]:
        """For a `replay_cache` snapshot."""
        return {
            "suspended": sorted(self.suspended.items()),
            "buried": [[key, until.isoformat(), ident] for key, (until, ident) in sorted(self.buried.items())],
        }

    @classmethod
    def from_json(cls, data: Any) -> Flags:
        """The inverse of `to_json`; ValueError/TypeError/KeyError when malformed (the cache catches them)."""
        flags = cls()
        for key, ident in data["suspended"]:
            if not isinstance(key, str) or not isinstance(ident, str):
                raise ValueError("malformed suspended entry")
            flags.suspended[key] = ident
        for key, until, ident in data["buried"]:
            if not isinstance(key, str) or not isinstance(ident, str):
                raise ValueError("malformed buried entry")
            moment = datetime.fromisoformat(until)
            if moment.tzinfo is None:
                raise ValueError("naive time in buried entry")
            flags.buried[key] = (moment.astimezone(UTC), ident)
        return flags


def flag_record(
    kind: str, learner: str, key: str, when: datetime, session: str | None = None, **fields: Any
) -> dict[str, Any]:
    """A suspend, unsuspend or bury record, keys in the documented order."""
    if kind not in FLAG_KINDS:
        raise ValueError(f"not a flag kind: {kind!r}")
    record: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "app": __version__,
        "kind": kind,
        "id": uuid.uuid4().hex,
        "time": when.isoformat(timespec="microseconds"),
        "learner": learner,
        "key": key,
    }
    for name, value in fields.items():
        record[name] = value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value
    record["session"] = session if session is not None else uuid.uuid4().hex
    return record
