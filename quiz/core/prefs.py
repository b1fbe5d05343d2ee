"""Small remembered preferences (the TUI's theme), kept apart from the review log.

Preferences are a convenience, never data: a missing, unreadable or malformed file
gives the defaults, and a failed write is reported to the caller but loses nothing
that matters. The file is `prefs.json` in the platform's config folder
(`quiz.core.paths.config_dir`: `$QUIZ_CONFIG`, else `~/.config/quiz` on Linux and
its counterparts on macOS and Windows). It is replaced atomically (temporary file, fsync, `os.replace`) so a crash
never leaves half a file.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quiz.core import atomic, paths

PREFS_NAME = "prefs.json"


def prefs_path(env: Mapping[str, str] | None = None) -> Path:
    """Where preferences live: the config folder, whatever the scores folder."""
    return paths.config_dir(env) / PREFS_NAME


def load_prefs(path: Path) -> dict[str, Any]:
    """The saved preferences, or `{}` when there are none or they cannot be read."""
    try:
        data = json.loads(_read_small(path).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return {}
    return data if isinstance(data, dict) else {}


MAX_PREFS_BYTES = 1 << 16
"""Preferences are a few keys; a bigger file is not them."""


def _read_small(path: Path) -> bytes:
    """The bytes of a regular file of at most `MAX_PREFS_BYTES` (a shared scores folder
    may hold anything under this name: a FIFO would block, a huge file fill memory)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PREFS_BYTES:
            raise OSError(f"{path} is not a small regular file")
        return os.read(fd, MAX_PREFS_BYTES + 1)
    finally:
        os.close(fd)


def save_prefs(path: Path, prefs: Mapping[str, Any]) -> None:
    """Write `prefs` atomically; raises `OSError` when the folder cannot be written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dict(prefs), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    atomic.write_text(path, data, prefix=".prefs-")


def update_prefs(path: Path, **changes: Any) -> dict[str, Any]:
    """Load, change some keys, save; returns the new preferences."""
    prefs = load_prefs(path)
    prefs.update(changes)
    save_prefs(path, prefs)
    return prefs
