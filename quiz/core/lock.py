"""An exclusive lock on a file, on every platform, with a timeout.

Why our own small module and not `filelock` or `portalocker`: the log's lock must
(1) be released by the operating system when a process dies, so a SIGKILL or a
power cut never leaves a stale lock (that rules out `filelock`'s soft fallback,
which it uses wherever `fcntl` is missing); (2) create the lock file 0600, so
another local user can neither read it nor take it; (3) give up after a timeout
with a clear message. Both libraries wrap the same two system calls used here,
`fcntl.flock` on POSIX and `msvcrt.locking` on Windows; each is imported only when
a lock is taken, so importing `quiz` works where either module is missing.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait for another `quiz` that holds the lock before giving up."""

POLL = 0.02


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the timeout."""


def _module(name: str) -> ModuleType | None:
    """`fcntl` or `msvcrt` when this platform has it (a None in sys.modules counts as missing)."""
    if name in sys.modules and sys.modules[name] is None:
        return None
    try:
        return __import__(name)
    except ImportError:
        return None


def backend() -> str:
    """ "fcntl" (POSIX), "msvcrt" (Windows), or "none" (no locking available)."""
    if _module("fcntl") is not None:
        return "fcntl"
    if _module("msvcrt") is not None:
        return "msvcrt"
    return "none"


def _try_fcntl(fd: int) -> bool:
    fcntl = _module("fcntl")
    assert fcntl is not None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _try_msvcrt(fd: int) -> bool:
    """Lock the first byte of the file (msvcrt locks byte ranges from the position)."""
    msvcrt = _module("msvcrt")
    assert msvcrt is not None
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock_msvcrt(fd: int) -> None:
    msvcrt = _module("msvcrt")
    assert msvcrt is not None
    os.lseek(fd, 0, os.SEEK_SET)
    with contextlib.suppress(OSError):
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def open_flags() -> int:
    """Flags for opening a file we write bytes to: binary on Windows, not inherited by children."""
    return getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0)


@contextlib.contextmanager
def locked(path: Path, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created 0600) for the `with` block.

    Raises `LockTimeout` when another process holds it for `timeout` seconds, and
    `OSError` when the file cannot be opened.
    """
    kind = backend()
    fd = os.open(path, os.O_RDWR | os.O_CREAT | open_flags(), 0o600)
    try:
        with contextlib.suppress(OSError):
            # A lock file made by an older version (0644) is narrowed when it is ours.
            if hasattr(os, "fchmod") and os.fstat(fd).st_mode & 0o077:
                os.fchmod(fd, 0o600)
        attempt = _try_fcntl if kind == "fcntl" else _try_msvcrt if kind == "msvcrt" else None
        if attempt is not None:
            deadline = time.monotonic() + timeout
            while not attempt(fd):
                if time.monotonic() >= deadline:
                    raise LockTimeout(f"{path} is locked by another quiz (waited {timeout:g} s)")
                time.sleep(POLL)
        try:
            yield
        finally:
            if kind == "msvcrt":
                _unlock_msvcrt(fd)
    finally:
        os.close(fd)  # also releases an fcntl lock
