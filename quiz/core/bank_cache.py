"""A disposable cache of parsed banks, so a 10,000-question bank starts fast.

Composing YAML costs seconds for a large bank; loading the same bank back from
JSON costs a small fraction of that. An entry is keyed by the bank file's path
and validated by the SHA-256 of the file's bytes, so any edit (even one that
keeps the modification time) is seen. Only banks without problems are cached.
The cache is JSON, never pickle: a file in a cache folder must not be able to
run code. Any unreadable, stale or malformed entry is ignored and rewritten;
deleting the folder loses nothing. `QUIZ_CACHE=off` disables it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quiz import __version__
from quiz.core import paths
from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

CACHE_FORMAT = 2
"""2: banks carry `parameters` (the `scheduling:` header)."""
CLASSES: dict[str, type[Any]] = {
    "choice": ChoiceQuestion,
    "multi": MultiQuestion,
    "truefalse": TrueFalseQuestion,
    "short": ShortQuestion,
    "number": NumberQuestion,
    "cloze": ClozeQuestion,
    "order": OrderQuestion,
    "match": MatchQuestion,
    "card": CardQuestion,
}


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder (see `quiz.core.paths.cache_dir`); None when caching is off."""
    return paths.cache_dir(env)


def _entry_path(folder: Path, bank_file: Path) -> Path:
    name = hashlib.sha256(str(bank_file.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return folder / "banks" / f"{name}.json"


def _question_to_json(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in vars(question).items():
        if name == "marks":
            continue  # only `quiz check --lint` asks for marks, and it bypasses the cache
        if isinstance(value, frozenset):
            data[name] = sorted(value)
        elif name == "parts":
            data[name] = [{"gap": list(part.answers)} if isinstance(part, Gap) else part for part in value]
        elif isinstance(value, Mapping):
            data[name] = dict(value)
        elif isinstance(value, tuple):
            data[name] = [list(item) if isinstance(item, tuple) else item for item in value]
        else:
            data[name] = value
    return data


def _question_from_json(data: dict[str, Any]) -> Question:
    cls = CLASSES[data["type"]]
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name == "parts":
            kwargs[name] = tuple(Gap(tuple(p["gap"])) if isinstance(p, dict) else p for p in value)
        elif name == "answers" and cls is MultiQuestion:
            kwargs[name] = frozenset(value)
        elif name == "pairs":
            kwargs[name] = tuple((left, right) for left, right in value)
        elif isinstance(value, list):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    question: Question = cls(**kwargs)
    return question


def _bank_to_json(bank: Bank) -> dict[str, Any]:
    return {
        "deck": bank.deck,
        "title": bank.title,
        "description": bank.description,
        "tags": list(bank.tags),
        "sources": dict(bank.sources),
        "parameters": None if bank.parameters is None else list(bank.parameters),
        "strict": bank.strict,
        "questions": [_question_to_json(q) for q in bank.questions],
        "lint_ignore": list(bank.lint_ignore),
    }


def _bank_from_json(data: dict[str, Any], path: Path) -> Bank:
    return Bank(
        deck=data["deck"],
        title=data["title"],
        description=data["description"],
        tags=tuple(data["tags"]),
        sources=dict(data["sources"]),
        questions=tuple(_question_from_json(q) for q in data["questions"]),
        path=path,
        parameters=None if data["parameters"] is None else tuple(float(v) for v in data["parameters"]),
        strict=bool(data.get("strict", False)),
        lint_ignore=tuple(data.get("lint_ignore", ())),
    )


def digest(data: bytes) -> str:
    """The validation key of a bank file's bytes."""
    return hashlib.sha256(data).hexdigest()


def get(folder: Path, bank_file: Path, sha: str) -> Bank | None:
    """The cached bank for these exact bytes, or None (missing, stale or unreadable)."""
    try:
        with _entry_path(folder, bank_file).open(encoding="utf-8") as handle:
            entry = json.load(handle)
        if (
            entry.get("format") != CACHE_FORMAT
            or entry.get("app") != __version__
            or entry.get("sha256") != sha
            or entry.get("file") != str(bank_file)
        ):
            return None
        return _bank_from_json(entry["bank"], bank_file)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def put(folder: Path, bank_file: Path, sha: str, bank: Bank) -> None:
    """Store a bank, atomically (temp file + rename); failure only costs speed."""
    entry = {
        "format": CACHE_FORMAT,
        "app": __version__,
        "file": str(bank_file),
        "sha256": sha,
        "bank": _bank_to_json(bank),
    }
    target = _entry_path(folder, bank_file)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump(entry, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
