"""The learner's settings file: read, check, change and save the scheduling knobs.

The file is `settings.toml` in the platform's config folder (`quiz.core.paths`).
TOML because a learner may open it in an editor: comments survive reading (they
are not kept when `quiz config` writes it back; the writer says so in its header).
Reading uses the standard library's `tomllib`; writing needs only flat keys, numbers
and lists of short strings, which a dozen lines do without another dependency.

A missing file means the defaults. A file with a bad value is refused as a whole
with every problem listed, key by key, each with its allowed range, so a drill
never runs on settings the learner did not mean. Writing is atomic (temporary
file, fsync, `os.replace`): a crash leaves the old file or the new one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from quiz.core import atomic
from quiz.core.paths import config_dir
from quiz.core.scheduling import Settings, utc_now

__all__ = [
    "KEYS",
    "SETTINGS_NAME",
    "Key",
    "SettingsError",
    "format_value",
    "load_settings",
    "parse_value",
    "reset_value",
    "save_settings",
    "set_value",
    "settings_path",
    "settings_to_dict",
]

SETTINGS_NAME = "settings.toml"


class SettingsError(ValueError):
    """Settings that cannot be used; `str()` names each bad key and what it allows."""


@dataclass(frozen=True)
class Key:
    """One setting a learner can change: its type, range and a line of help."""

    name: str
    kind: str
    """"float", "int", "steps" or "date"."""
    low: float
    high: float
    help: str

    @property
    def allowed(self) -> str:
        """The allowed values in words, for messages and `quiz config`."""
        if self.kind == "date":
            return "a day written YYYY-MM-DD, today or later, or none to clear it"
        if self.kind == "steps":
            return f"a list of durations such as 1m 10m 1h 1d, each from 1 second to {int(self.high)} days"
        if self.kind == "float":
            return f"a number from {self.low:.2f} to {self.high:.2f}"
        return f"a whole number from {int(self.low)} to {int(self.high)}"


KEYS: dict[str, Key] = {
    key.name: key
    for key in (
        Key(
            "desired_retention",
            "float",
            0.70,
            0.97,
            "chance of recall FSRS aims for when a review falls due; higher means more reviews",
        ),
        Key("new_per_day", "int", 0, 9999, "new questions introduced per day"),
        Key("reviews_per_day", "int", 0, 99999, "reviews of learned questions per day"),
        Key("day_starts_at", "int", 0, 23, "hour of your local time at which a new day begins"),
        Key("learning_steps", "steps", 0, 365, "waits between the first answers of a new question"),
        Key("relearning_steps", "steps", 0, 365, "waits between answers after a learned question is missed"),
        Key("maximum_interval", "int", 1, 36500, "longest wait between two reviews, in days"),
        Key("leech_threshold", "int", 0, 1000, "misses after which a question is a leech (0: never)"),
    )
}
"""The keys of the settings file, in the order `quiz config` lists them."""

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")

# The exam date (issue 14) is the one key that is a day, not a number: its own kind,
# checked by `_check_date` and `_parse_date` below, kept apart from the numeric keys.
KEYS["exam_date"] = Key("exam_date", "date", 0, 0, "the day of your exam: drills follow `quiz plan` for it until then")
_CLEAR = ("none", "off", "no", "")
"""What `quiz config exam_date none` (or an emptied field on the Settings screen) may say."""


def settings_path(env: Mapping[str, str] | None = None) -> Path:
    """The learner's settings file (it may not exist yet)."""
    return config_dir(env) / SETTINGS_NAME


def _parse_step(text: str, key: Key) -> timedelta:
    match = _STEP.match(text)
    if match is None:
        raise SettingsError(f"{key.name}: {text!r} is not a duration; use {key.allowed}")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if not 1 <= seconds <= key.high * 86400:
        raise SettingsError(f"{key.name}: {text!r} is out of range; use {key.allowed}")
    return timedelta(seconds=round(seconds))


def _format_step(step: timedelta) -> str:
    seconds = int(step.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _check(key: Key, value: object) -> Any:
    """`value` (from TOML or parsed from the command line) as the setting's type, or SettingsError."""
    if key.kind == "date":
        return _check_date(key, value)
    if key.kind == "steps":
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise SettingsError(f"{key.name}: must be {key.allowed}")
        if len(value) > 20:
            raise SettingsError(f"{key.name}: at most 20 steps")
        return tuple(_parse_step(item, key) for item in value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"{key.name}: {value!r} is not a number; use {key.allowed}")
    if key.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise SettingsError(f"{key.name}: {value!r} is not a whole number; use {key.allowed}")
            value = int(value)
    elif not math.isfinite(value):
        raise SettingsError(f"{key.name}: {value!r} is not a number; use {key.allowed}")
    if not key.low <= value <= key.high:
        raise SettingsError(f"{key.name}: {value!r} is out of range; use {key.allowed}")
    return float(value) if key.kind == "float" else value


def parse_value(name: str, text: str, *, today: date | None = None) -> Any:
    """A value typed on the command line for setting `name`, checked; SettingsError if bad.

    `today` (the learner's day; default: today with the default day start) is what a
    typed exam date may not be before."""
    key = KEYS.get(name)
    if key is None:
        raise SettingsError(f"unknown setting {name!r}; the settings are: {', '.join(KEYS)}")
    if key.kind == "steps":
        return _check(key, text)
    if key.kind == "date":
        return _parse_date(key, text, today)
    try:
        number: float = int(text) if key.kind == "int" else float(text)
    except ValueError:
        raise SettingsError(
            f"{name}: {text!r} is not {'a whole number' if key.kind == 'int' else 'a number'}; use {key.allowed}"
        ) from None
    return _check(key, number)


def format_value(name: str, value: Any) -> str:
    """A setting's value as `quiz config` prints it and as it would be typed back."""
    if KEYS[name].kind == "steps":
        return " ".join(_format_step(step) for step in value)
    if KEYS[name].kind == "date":
        return "none" if value is None else value.isoformat()
    return str(value)


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The file's keys with their values in `settings`."""
    return {name: getattr(settings, name) for name in KEYS}


def load_settings(path: Path | None = None, *, base: Settings | None = None) -> Settings:
    """The settings in the file at `path` (default: `settings_path()`), over `base`.

    A missing file gives `base` (the defaults). Unknown keys are refused, since a
    misspelt key silently ignored is a setting the learner believes in but never
    gets. Raises SettingsError listing every problem, or for a file that cannot be read.
    """
    path = settings_path() if path is None else path
    base = Settings() if base is None else base
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return base
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: is not UTF-8 text") from None
    import tomllib  # here: most starts have no settings file

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: is not valid TOML ({error})") from None
    problems: list[str] = []
    changes: dict[str, Any] = {}
    for name, value in data.items():
        key = KEYS.get(name)
        if key is None:
            problems.append(f"unknown setting {name!r}; the settings are: {', '.join(KEYS)}")
            continue
        try:
            changes[name] = _check(key, value)
        except SettingsError as error:
            problems.append(str(error))
    if problems:
        raise SettingsError(f"{path}:\n" + "\n".join(f"  {problem}" for problem in problems))
    try:
        return replace(base, **changes)
    except ValueError as error:
        raise SettingsError(f"{path}: {error}") from None


def _toml_value(value: Any, kind: str) -> str:
    if kind == "date":
        return str(value.isoformat())  # a TOML local date, read back by tomllib as a `date`
    if kind == "steps":
        return "[" + ", ".join(f'"{_format_step(step)}"' for step in value) + "]"
    if kind == "float":
        return repr(float(value))
    return str(int(value))


def save_settings(path: Path, settings: Settings, *, only: Mapping[str, Any] | None = None) -> None:
    """Write the file atomically: the keys in `only` if given, else every key of `settings`.

    Raises OSError when the folder cannot be written; the old file is then untouched.
    """
    values = settings_to_dict(settings) if only is None else dict(only)
    lines = ["# quiz settings: `quiz config` rewrites this file (comments are not kept).", ""]
    for name, key in KEYS.items():
        if values.get(name) is not None:
            lines.append(f"{name} = {_toml_value(values[name], key.kind)}")
    text = "\n".join(lines) + "\n"
    # What is written must read back as the same settings: never save a file that fails.
    import tomllib

    tomllib.loads(text)
    atomic.write_text(path, text, prefix=".settings-")


def _file_values(path: Path) -> dict[str, Any]:
    """The keys present in the file (checked), so saving one key keeps the others as they were."""
    import tomllib

    current = load_settings(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {name: getattr(current, name) for name in data if name in KEYS}


def set_value(path: Path, name: str, value: Any) -> Settings:
    """Set one key in the file (others kept as written) and return the new settings.

    `value` must be checked already (`parse_value`). Raises SettingsError when the
    file is bad or the combination is refused, OSError when it cannot be written.
    """
    values = _file_values(path)
    values[name] = value
    if value is None:  # `exam_date none`: no exam, the key leaves the file
        del values[name]
    try:
        settings = replace(Settings(), **values)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    save_settings(path, settings, only=values)
    return settings


def reset_value(path: Path, name: str) -> Settings:
    """Remove one key from the file, so it takes its default again."""
    values = _file_values(path)
    values.pop(name, None)
    settings = replace(Settings(), **values)
    save_settings(path, settings, only=values)
    return settings


def _check_date(key: Key, value: object) -> date | None:
    """An exam date from the file: a TOML date or a "YYYY-MM-DD" string.

    A day already past is accepted here (the file was right when it was written, and
    a drill after the exam simply is an ordinary drill again); typing one is refused
    (`_parse_date`)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise SettingsError(f"{key.name}: {value!r} is not a day; use {key.allowed}")


def _parse_date(key: Key, text: str, today: date | None) -> date | None:
    """A typed exam date: None for "none", else a day not before `today`."""
    if text.strip().casefold() in _CLEAR:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise SettingsError(f"{key.name}: {text.strip()!r} is not a day like 2027-01-20; use {key.allowed}") from None
    today = Settings().days.day_of(utc_now()) if today is None else today
    if day < today:
        raise SettingsError(
            f"{key.name}: {day.isoformat()} is in the past (today is {today.isoformat()}); "
            "give the day of an exam to come, or none to clear it"
        )
    return day
