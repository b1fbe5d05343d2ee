"""Text from banks and score files made harmless for a terminal, otherwise literal.

Nothing in a bank or a score file is trusted: an ESC sequence in a prompt could
clear the screen, retitle the window or write to the clipboard. Every place that
prints such text (the TUI, `quiz check`, `quiz history`, `quiz report`) passes it
through `clean`, so they all agree on what a learner sees.
"""

from __future__ import annotations

import unicodedata


def clean(text: str, *, keep_newlines: bool = False) -> str:
    """Control and format characters become visible escapes such as `\\x1b`.

    Line breaks become spaces (or stay, with `keep_newlines`); tabs and carriage
    returns become spaces. Printable text, markup-like `[bold]` included, is kept
    exactly as typed.
    """
    if text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        if char == "\n" and keep_newlines:
            out.append(char)
        elif char in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)
