"""A pytest plugin (`-p tests.windows_emulation`) that makes this machine look like
Windows to `quiz`'s locking: `fcntl` cannot be imported, and an `msvcrt` module with
Windows' `locking()` contract (lock N bytes from the current position; raise
OSError when they are locked) stands in, built on `os.lockf` byte-range locks.

It is an emulation of one system call, not a mock of quiz: quiz's own Windows code
path (`quiz.core.lock._try_msvcrt`) runs and really excludes other processes.
"""

from __future__ import annotations

import os
import sys
import types

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4


def locking(fd: int, mode: int, nbytes: int) -> None:
    """msvcrt.locking: lock or unlock `nbytes` from the current position."""
    if mode == LK_UNLCK:
        os.lockf(fd, os.F_ULOCK, nbytes)
    elif mode in (LK_NBLCK, LK_NBRLCK):
        try:
            os.lockf(fd, os.F_TLOCK, nbytes)
        except OSError as error:
            raise PermissionError(13, "Permission denied") from error
    else:
        os.lockf(fd, os.F_LOCK, nbytes)


msvcrt = types.ModuleType("msvcrt")
msvcrt.locking = locking  # type: ignore[attr-defined]
for _name, _value in {"LK_UNLCK": 0, "LK_LOCK": 1, "LK_NBLCK": 2, "LK_RLCK": 3, "LK_NBRLCK": 4}.items():
    setattr(msvcrt, _name, _value)

if "quiz.core.lock" in sys.modules:  # pragma: no cover - a misuse of the plugin
    raise RuntimeError("load tests.windows_emulation before quiz is imported (pytest -p)")
sys.modules["fcntl"] = None  # type: ignore[assignment]
sys.modules["msvcrt"] = msvcrt
