"""This installation's device name: the file each device writes its answers to.

Each device appends to its own log (`<scores>/<learner>/<device>.jsonl`), so two
devices of one learner, a sync tool or a git merge never have two writers on one
file. The name is made once per installation from the host name and a short
random suffix (two lab machines may share a host name) and kept in the config
folder; `QUIZ_DEVICE` overrides it (tests, portable installs).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from quiz.core import paths

DEVICE_FILE = "device.json"
_SAFE = re.compile(r"[^a-z0-9-]+")
_VALID = re.compile(r"^[a-z0-9][a-z0-9-]{0,40}$")


class DeviceError(ValueError):
    """A device name that cannot be a file name."""


def _host() -> str:
    import socket  # here: only a new installation names itself, and every start needs the name

    try:
        host = socket.gethostname()
    except OSError:
        host = ""
    host = _SAFE.sub("-", host.split(".")[0].lower()).strip("-")[:24].strip("-")
    return host or "device"


def make_name() -> str:
    """A new name: the host name made safe, a dash and four random hex digits."""
    import secrets

    return f"{_host()}-{secrets.token_hex(2)}"


def validate_device(name: str) -> str:
    """`name` unchanged when it is a safe, portable file stem; `DeviceError` otherwise."""
    if not _VALID.match(name):
        raise DeviceError(
            f"The device name {name!r} is not usable: use 1 to 41 lower-case letters, digits and dashes "
            "(starting with a letter or digit)."
        )
    return name


def _saved(file: Path) -> str | None:
    """The name saved in `file`, or None when there is none or it is unusable."""
    with contextlib.suppress(OSError, ValueError, DeviceError):
        data = json.loads(file.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("name"), str):
            return validate_device(data["name"])
    return None


def device_name(env: Mapping[str, str] | None = None) -> str:
    """`QUIZ_DEVICE`, else the name saved in the config folder, made and saved on first use.

    If the config folder cannot be written the name is still made (for this run);
    the next run then makes another, which only means another log file.
    """
    env = os.environ if env is None else env
    value = env.get("QUIZ_DEVICE", "").strip()
    if value:
        return validate_device(value)
    file = paths.config_dir(env) / DEVICE_FILE
    saved = _saved(file)
    if saved is not None:
        return saved
    import tempfile

    name = make_name()
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".device-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
                json.dump({"name": name}, handle)
                handle.write("\n")
                handle.flush()
                os.fsync(handle.fileno())
            if file.exists():  # another process made one meanwhile: theirs wins, if readable
                os.unlink(temporary)
                return _saved(file) or name
            os.replace(temporary, file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    return name
