"""Replace a small text file atomically: a temporary file in the same folder,
fsynced, then renamed over the target, so a crash leaves the old file or the new
one, never half of either. `\n` line ends on every platform."""

from __future__ import annotations

import contextlib
import os
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
