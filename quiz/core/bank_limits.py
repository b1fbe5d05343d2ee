"""What a bank file may be before it is parsed: a regular file, of a bounded size,
composing to a bounded number of YAML nodes.

Why a module of its own: these guards run on every bank file, including the ones
the bank cache answers, so they must not need yaml; and the limits live in one place
that the reader (`read_bank_bytes`) and the YAML loader (`quiz.core.bank_yaml`) both
look up when they run (tests lower them on this module).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = ["MAX_BANK_BYTES", "MAX_NODES", "Unreadable", "file_kind", "node_bound", "read_bank_bytes"]

MAX_NODES = 2_000_000
"""A file with more nodes than this is refused, before it is composed (see
`quiz.core.bank_yaml.too_many_nodes`)."""
MAX_BANK_BYTES = 64 << 20
"""A bank file larger than this (64 MiB; 50,000 realistic questions take about 25) is not read."""

_TOO_BIG = f"cannot read the file: it is over {MAX_BANK_BYTES >> 20} MiB, the most a bank may be"


class Unreadable(Exception):
    """A bank path that is not a regular file, or too big to read."""


def read_bank_bytes(path: Path) -> bytes:
    """The bytes of a bank file, read only if it is a regular file of at most
    `MAX_BANK_BYTES`: a FIFO would block for ever, a device (`/dev/zero`) never
    end. Opened without blocking, checked on the open descriptor (no race), read
    up to one byte past the cap. `Unreadable` or `OSError` otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(f"cannot read the file: it is {file_kind(info.st_mode)}, not a regular file")
        if info.st_size > MAX_BANK_BYTES:
            raise Unreadable(_TOO_BIG)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, MAX_BANK_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BANK_BYTES:
                raise Unreadable(_TOO_BIG)
        return b"".join(chunks)
    finally:
        os.close(fd)


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"  # pragma: no cover - every kind is named above


def node_bound(text: str) -> int:
    """An upper bound on the YAML nodes `text` can compose to, from a few counts.

    Every node but the root is introduced by an indicator: `-` (a block sequence
    item), `:` or `?` (a key and its value), `[` or `{` (a flow collection and its
    first entry, which may be a key and its value), `,` (a further flow entry, a
    key and its value at most). The same characters inside scalars only raise the
    bound. Aliases add no node (they are refused).
    """
    count = text.count
    return 1 + count("-") + 2 * (count(":") + count("?") + count(",")) + 3 * (count("[") + count("{"))
