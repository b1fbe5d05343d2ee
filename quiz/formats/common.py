"""What every format module shares: the report line, the imported bank, ids, HTML.

An importer is a pure function `parse(text, file, deck) -> ImportResult`: it reads
nothing from disk and never raises on bad input. Everything it could not bring
over faithfully is a `Report` with the line in the source file, so the CLI can say
`FILE:LINE: message` and count it; nothing is dropped in silence.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from quiz.core.model import Question
from quiz.core.text import clean

ReportKind = Literal["skipped", "changed", "error"]


@dataclass(frozen=True)
class Report:
    """One thing a teacher should know about an import or an export.

    `skipped`: a question did not come over at all; `changed`: it came over without
    something the other side cannot hold (a partial credit, an image, a hint);
    `error`: the source could not be read here (a syntax error), with a column.
    """

    file: str
    line: int
    message: str
    kind: ReportKind = "skipped"
    column: int = 0
    """1-based; 0 when the report is about a whole line or question."""
    what: str = ""
    """A short reason for the closing summary ("essay", "partial credit")."""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        return clean(f"{where}: {self.message}")


# --------------------------------------------------------------------------- ids

_SLUG_OUT = re.compile(r"[^a-z0-9]+")
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def slugify(text: str, *, words: int = 6, fallback: str = "q") -> str:
    """A bank-valid id or deck name from any text: ASCII letters, digits and '-'.

    Accents are dropped rather than the letters ("Élysée" -> "elysee"); at most
    `words` words, so an id made from a long prompt stays readable.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    parts = [p for p in _SLUG_OUT.split(ascii_text) if p][:words]
    slug = "-".join(parts)[:60].strip("-")
    return slug or fallback


class IdMaker:
    """Valid, unique ids within one deck: `name`, `name-2`, `name-3`, ..."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def make(self, *candidates: str | None) -> str:
        """The first usable candidate made valid (a source's name, else the prompt)."""
        base = "q"
        for candidate in candidates:
            if candidate and candidate.strip():
                text = candidate.strip()
                base = text if SLUG.match(text) and len(text) <= 60 else slugify(text)
                break
        unique = base
        number = 2
        while unique in self.taken:
            unique = f"{base}-{number}"
            number += 1
        self.taken.add(unique)
        return unique


@dataclass
class ImportedBank:
    """The questions of one deck, ready for the YAML writer."""

    deck: str
    title: str = ""
    description: str = ""
    questions: list[Question] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    """Citation key -> full text, for questions whose `source` names one."""
    origin: str = ""
    """Where the questions came from, for the file's opening comment."""
    ids: IdMaker = field(default_factory=lambda: IdMaker())
    """The ids given so far, so each new one is unique in the deck."""


@dataclass
class ImportResult:
    """What one source file gave: banks, reports, and how many questions it held."""

    banks: list[ImportedBank] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    seen: int = 0
    """Questions found in the source (imported or not), for the summary."""
    fatal: bool = False
    """The source could not be read at all (exit status 2)."""

    def bank(self, deck: str, title: str = "", origin: str = "") -> ImportedBank:
        """The bank of that deck, made on first use (sources may switch back and forth)."""
        for bank in self.banks:
            if bank.deck == deck:
                return bank
        bank = ImportedBank(deck=deck, title=title or deck, origin=origin)
        self.banks.append(bank)
        return bank

    @property
    def imported(self) -> int:
        return sum(len(bank.questions) for bank in self.banks)


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr"}
    | {"dt", "dd", "section", "article"}
)
_SKIP_TAGS = frozenset({"script", "style", "head", "title"})


class _TextExtractor(HTMLParser):
    """HTML -> plain text: tags gone, entities decoded, block breaks kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")
        elif tag == "img":
            values = dict(attrs)
            self.images.append(values.get("src") or "")
            alt = (values.get("alt") or "").strip()
            if alt:
                self.out.append(f"[{alt}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Plain text of an HTML fragment, and the `src` of every image it showed.

    Whitespace runs collapse as a browser collapses them; paragraphs, line breaks
    and list items become line breaks; `&nbsp;` and the like are decoded.
    """
    if "<" not in markup and "&" not in markup:
        return normalise_space(markup), []
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return normalise_space("".join(parser.out)), parser.images


def normalise_space(text: str) -> str:
    """Runs of spaces to one, at most one empty line between paragraphs, no edges."""
    lines = [" ".join(line.replace("\xa0", " ").split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML: escaped, a paragraph per blank-line block, `<br>` within."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join("<p>" + html.escape(p, quote=False).replace("\n", "<br>") + "</p>" for p in paragraphs)


# --------------------------------------------------------------------------- numbers


def format_number(value: float) -> str:
    """`2000` rather than `2000.0`; no exponent for ordinary values."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def parse_float(text: str) -> float | None:
    """A number as sources write it (`1962`, `-0.5`, `1.5e3`); None otherwise."""
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


# --------------------------------------------------------------------------- feedback


def with_lines(explanation: str, lines: Iterable[str]) -> str:
    """The explanation followed by extra lines (folded per-answer feedback)."""
    extra = [line for line in lines if line.strip()]
    if not extra:
        return explanation
    return (explanation + "\n\n" if explanation else "") + "\n".join(extra)


SOURCE_PREFIX = "Source: "


def split_source(feedback: str) -> tuple[str, str | None]:
    """Split a trailing `Source: ...` paragraph (as `quiz export` writes it) off feedback."""
    paragraphs = feedback.rsplit("\n\n", 1)
    last = paragraphs[-1].strip()
    if last.startswith(SOURCE_PREFIX) and "\n" not in last:
        rest = paragraphs[0].strip() if len(paragraphs) == 2 else ""
        return rest, last[len(SOURCE_PREFIX) :].strip() or None
    return feedback, None


def source_key(bank: ImportedBank, citation: str) -> str:
    """The key under which a bank cites `citation`, added on first use."""
    for key, text in bank.sources.items():
        if text == citation:
            return key
    key = IdMaker(bank.sources).make(slugify(citation, words=3, fallback="source"))
    bank.sources[key] = citation
    return key


def general_feedback(explanation: str, citation: str | None) -> str:
    """Explanation and source as one text, as Moodle's general feedback holds them."""
    parts = [explanation.strip()] if explanation.strip() else []
    if citation:
        parts.append(SOURCE_PREFIX + " ".join(citation.split()))
    return "\n\n".join(parts)
