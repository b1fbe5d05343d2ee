"""Small remembered preferences (the TUI's theme), kept apart from the review log.

Preferences are a convenience, never data: a missing, unreadable or malformed file
gives the defaults, and a failed write is reported to the caller but loses nothing
that matters. The file is `prefs.json` in the platform's config folder
(`quiz.core.paths.config_dir`: `$QUIZ_CONFIG`, else `~/.config/quiz` on Linux and
its counterparts on macOS and Windows). It is replaced atomically (temporary file, fsync, `os.replace`) so a crash
never leaves half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from quiz.core import paths

PREFS_NAME = "prefs.json"


def prefs_path(env: Mapping[str, str] | None = None) -> Path:
    """Where preferences live: the config folder, whatever the scores folder."""
    return paths.config_dir(env) / PREFS_NAME


def load_prefs(path: Path) -> dict[str, Any]:
    """The saved preferences, or `{}` when there are none or they cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_prefs(path: Path, prefs: Mapping[str, Any]) -> None:
    """Write `prefs` atomically; raises `OSError` when the folder cannot be written."""
    import tempfile  # only when saving: keeps start-up lean

    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dict(prefs), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    fd, temporary = tempfile.mkstemp(prefix=".prefs-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def update_prefs(path: Path, **changes: Any) -> dict[str, Any]:
    """Load, change some keys, save; returns the new preferences."""
    prefs = load_prefs(path)
    prefs.update(changes)
    save_prefs(path, prefs)
    return prefs
