"""Replace a small text file atomically: a temporary file in the same folder,
fsynced, then renamed over the target, so a crash leaves the old file or the new
one, never half of either. `\n` line ends on every platform.

`write_cache` is the same without the fsync, for disposable caches whose readers
refuse an entry a crash cut short (a digest, or JSON that does not parse)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path


def write_text(path: Path, text: str, *, prefix: str = ".tmp-") -> None:
    """Write `text` to `path` atomically (folders made); raises `OSError` on failure."""
    import tempfile  # only when saving: keeps start-up lean

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def write_cache(path: Path, parts: Iterable[bytes], *, suffix: str = ".tmp") -> None:
    """Write `parts` to `path` through a temporary file renamed over it, not fsynced:
    a cache entry is disposable, and a report of a thousand learners should not wait
    for a thousand disk flushes. Raises `OSError` on failure."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for part in parts:
                handle.write(part)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
