"""Question interchange: GIFT, Moodle XML, Aiken, CSV/TSV and Anki in; GIFT, Moodle
XML, CSV and .apkg out. No Textual, no file system: the CLI hands text in and
takes text (or bytes) out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath

from quiz.formats.common import ImportResult

IMPORT_FORMATS = ("gift", "moodle-xml", "aiken", "csv", "anki-txt")
EXPORT_FORMATS = ("moodle-xml", "gift", "apkg", "csv")
EXTENSIONS = {"moodle-xml": ".xml", "gift": ".gift", "apkg": ".apkg", "csv": ".csv"}


def detect(file: str, text: str) -> str | None:
    """The import format of a file, from its extension, else from its first lines."""
    suffix = PurePath(file).suffix.lower()
    by_suffix = {".gift": "gift", ".xml": "moodle-xml", ".csv": "csv", ".tsv": "csv", ".aiken": "aiken"}
    if suffix in by_suffix:
        return by_suffix[suffix]
    head = text[:4096].lstrip("\ufeff")
    if head.lstrip().startswith("<"):
        return "moodle-xml"
    if re.match(r"#(separator|html|tags column|notetype|deck|columns|guid column):", head):
        return "anki-txt"
    if re.search(r"^ANSWER\s*:\s*[A-Z]\s*$", text, re.MULTILINE):
        return "aiken"
    if re.search(r"\{[^{}]*\}", text) or "::" in head or "$CATEGORY:" in head:
        return "gift"
    first = head.split("\n", 1)[0].lower()
    if "question" in first and any(d in first for d in ",;\t"):
        return "csv"
    if "\t" in head:
        return "anki-txt"
    return None


def importer(name: str, *, as_short: bool = False) -> Callable[[str, str, str | None], ImportResult]:
    """The parse function of an import format."""
    if name == "gift":
        from quiz.formats import gift

        return gift.parse
    if name == "moodle-xml":
        from quiz.formats import moodle_xml

        return moodle_xml.parse
    if name == "aiken":
        from quiz.formats import aiken

        return aiken.parse
    if name == "csv":
        from quiz.formats import csv_format

        return csv_format.parse
    if name == "anki-txt":
        from quiz.formats import anki

        return lambda text, file, deck: anki.parse(text, file, deck, as_short=as_short)
    raise ValueError(name)
