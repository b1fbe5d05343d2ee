"""Text from banks and score files made harmless for a terminal, otherwise literal.

Nothing in a bank or a score file is trusted: an ESC sequence in a prompt could
clear the screen, retitle the window or write to the clipboard. Every place that
prints such text (the TUI, `quiz check`, `quiz history`, `quiz report`) passes it
through `clean`, so they all agree on what a learner sees. Machine formats have
their own: `json_text` (controls as `\\u` escapes, the data unchanged) and
`csv_cell` (cleaned, and never a spreadsheet formula).
"""

from __future__ import annotations

import json
import re
import unicodedata

__all__ = ["clean", "csv_cell", "csv_row", "json_text"]


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


_ESCAPED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))
_NOT_PLAIN_ASCII = re.compile(r"[^\x20-\x7e\n]+")


def _json_escape(char: str) -> str:
    """`char` as a JSON `\\u` escape (a surrogate pair beyond the BMP)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _escape_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if run.isprintable():
        return run
    return "".join(_json_escape(char) if unicodedata.category(char) in _ESCAPED_CATEGORIES else char for char in run)


def json_text(data: object, *, indent: int | None = None) -> str:
    """`data` as JSON that is safe to print on a terminal, and still the same data.

    `json.dumps(..., ensure_ascii=False)` keeps text readable but passes DEL, the
    8-bit controls (U+009B is a CSI: an escape sequence on its own), format
    characters (U+202E reverses the line) and line separators through raw; here
    each becomes a `\\u` escape, which every JSON reader decodes back to the same
    character. Lone surrogates are escaped too, so the text always encodes.
    """
    return _NOT_PLAIN_ASCII.sub(_escape_run, json.dumps(data, ensure_ascii=False, indent=indent))


_FORMULA_START = ("=", "@", "+", "-")


def csv_cell(value: object) -> object:
    """A CSV cell safe to print on a terminal and to open in a spreadsheet.

    Text gets `clean` (control characters as visible escapes; line breaks kept,
    quoted by the CSV writer). Text that a spreadsheet would run as a formula
    (starting with `=`, `@`, or `+`/`-` when it is not a number) is prefixed with
    `'`, the usual defence against CSV injection. Other values pass unchanged.
    """
    if not isinstance(value, str):
        return value
    text = clean(value, keep_newlines=True)
    if text.startswith(_FORMULA_START):
        if text[0] in "+-":
            try:
                float(text)
            except ValueError:
                return "'" + text
            return text
        return "'" + text
    return text


def csv_row(*cells: object) -> list[object]:
    """`csv_cell` of every cell: what a `csv.writer` should be given."""
    return [csv_cell(cell) for cell in cells]
