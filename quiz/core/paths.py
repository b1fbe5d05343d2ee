"""Where `quiz` keeps its files on this machine: config, caches, learners' data.

One place decides, so every command and screen agrees and `quiz where` can say
why. Each folder has an environment override (for tests, classes and portable
installs) and otherwise follows the platform's convention through `platformdirs`:
`~/.config/quiz`, `~/.cache/quiz` and `~/.local/share/quiz` on Linux (the XDG
variables respected), `~/Library/...` on macOS, `%APPDATA%\\quiz` and
`%LOCALAPPDATA%\\quiz` on Windows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import platformdirs

APP = "quiz"
OFF = ("off", "0", "no", "false")


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$QUIZ_CONFIG`, else the platform's user config folder for quiz."""
    value = _env(env).get("QUIZ_CONFIG", "").strip()
    if value:
        return Path(value)
    return Path(platformdirs.user_config_dir(APP, appauthor=False, roaming=True))


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """`$QUIZ_CACHE`, else the platform's user cache folder; None when `QUIZ_CACHE=off`."""
    value = _env(env).get("QUIZ_CACHE", "").strip()
    if value.lower() in OFF:
        return None
    if value:
        return Path(value)
    base = _env(env).get("XDG_CACHE_HOME", "").strip()
    if base and os.name != "nt":
        return Path(base) / APP
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """The platform's user data folder for quiz (the default home of scores outside a checkout)."""
    base = _env(env).get("XDG_DATA_HOME", "").strip()
    if base and os.name != "nt":
        return Path(base) / APP
    return Path(platformdirs.user_data_dir(APP, appauthor=False, roaming=True))
