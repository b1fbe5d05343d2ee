"""Banks written as a teacher writes them: readable YAML with comments.

Why not `yaml.dump`: it sorts keys, quotes at random for a reader, breaks long
lines where it likes and cannot add comments. A bank written here puts fields in
the order docs/question-format.md shows them, folds long text with `>-`, keeps
short lists on one line, quotes only where a YAML reader (or a teacher) could take
a value for something else (`yes`, `0123`, `1:30`, `2000-01-01`, `#`, `null`), and
says in a comment where each question came from. `quiz check` reads every value
back exactly as it was (tests load each written bank).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePath

from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats.common import ImportedBank, Report, format_number

WIDTH = 96
"""Folded text wraps at this column, like the bundled banks."""

# Plain scalars YAML 1.1 or 1.2 would read as something other than text.
_SPECIAL = re.compile(
    r"""^(?:
        ~|null|Null|NULL|
        y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|
        [-+]?(?:0|[1-9][0-9_]*)|
        [-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0o[0-7]+|[-+]?0b[01_]+|
        [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|
        [-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|
        [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|
        [-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|
        \d{4}-\d\d?-\d\d?(?:[Tt ].*)?|
        =|<<
    )$""",
    re.VERBOSE,
)
_PLAIN_START = re.compile(r"^[^-?:,\[\]{}#&*!|>'\"%@`\s]|^[-?:][^\s,\[\]{}]")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}]")


def _printable(text: str) -> bool:
    """Only characters a YAML file may hold raw (tabs and line breaks aside)."""
    return all(c == " " or c.isprintable() for c in text)


def plain_ok(text: str, *, flow: bool = False) -> bool:
    """Whether `text` can be written unquoted and read back as this same text."""
    if not text or text != text.strip() or not _printable(text) or "\n" in text:
        return False
    if _SPECIAL.match(text) or not _PLAIN_START.match(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    # In a flow list `?` and `:` cannot start a plain scalar, and `:` may end one early.
    return not (flow and (_FLOW_UNSAFE.search(text) or ":" in text or text.startswith("?")))


def quoted(text: str) -> str:
    """Single quotes where they suffice (a teacher's choice); double with escapes otherwise."""
    if _printable(text) and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == " " or char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def scalar(text: str, *, flow: bool = False) -> str:
    """A one-line scalar: plain when safe, else quoted."""
    return text if plain_ok(text, flow=flow) else quoted(text)


def _wrap(text: str, width: int) -> list[str] | None:
    """Lines for a folded scalar, breaking only at single spaces; None if unsafe."""
    words = text.split(" ")
    if any(not word for word in words):
        return None  # double or edge spaces would not survive folding
    lines: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return lines


def block_text(key: str, text: str, indent: int) -> list[str]:
    """`key: value`, folded with `>-` when long, literal `|-` when it has line breaks."""
    pad = " " * indent
    head = f"{pad}{key}:"
    one_line = scalar(text)
    if "\n" not in text and len(head) + 1 + len(one_line) <= WIDTH:
        return [f"{head} {one_line}"]
    inner = pad + "  "
    safe = _printable(text.replace("\n", "")) and text == text.strip() and "\t" not in text and "\r" not in text
    if safe and "\n" in text:
        lines = text.split("\n")
        if all(line == line.rstrip() for line in lines) and not lines[0].startswith(" "):
            return [f"{head} |-", *((inner + line) if line else "" for line in lines)]
    if safe and "\n" not in text:
        wrapped = _wrap(text, WIDTH - len(inner))
        if wrapped is not None and len(wrapped) > 1:
            return [f"{head} >-", *(inner + line for line in wrapped)]
    return [f"{head} {quoted(text)}"]


def _key(text: str) -> str:
    """A mapping key: plain or quoted; an over-long key gets the explicit `? ` form."""
    return scalar(text)


def _mapping(key: str, pairs: Iterable[tuple[str, str]], indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{key}:"]
    for left, right in pairs:
        written = _key(left)
        if len(written) > 1000:  # YAML's limit on an implicit key
            lines.append(f"{pad}  ? {written}")
            lines.append(f"{pad}  : {quoted(right)}")
        else:
            lines.extend(block_text(written, right, indent + 2))
    return lines


def _list(key: str, items: Sequence[str], indent: int) -> list[str]:
    """Short lists on one line in flow style, like `choices: [a, b, c]`; others one item a line."""
    pad = " " * indent
    if all(_printable(item) and "\n" not in item for item in items):
        written = (item if plain_ok(item, flow=True) else quoted(item) for item in items)
        flow = f"{pad}{key}: [{', '.join(written)}]"
        if len(flow) <= WIDTH:
            return [flow]
    lines = [f"{pad}{key}:"]
    for item in items:
        lines.extend(_item(item, indent + 2))
    return lines


def _item(text: str, indent: int) -> list[str]:
    pad = " " * indent
    body = block_text("x", text, 0)
    if len(body) == 1:
        return [f"{pad}- {body[0][3:]}"]
    return [f"{pad}- {body[0][3:]}", *(pad + "  " + line if line else "" for line in body[1:])]


def question_lines(question: Question, comment: str = "") -> list[str]:
    """One question as list item lines (indented two spaces under `questions:`)."""
    lines: list[str] = []
    if comment:
        lines.extend(f"  # {line}".rstrip() for line in comment.splitlines())
    body: list[str] = [f"id: {scalar(question.id)}", f"type: {question.type}"]
    out = [f"    {line}" for line in body]
    if question.prompt:
        out.extend(block_text("prompt", question.prompt, 4))
    out.extend(_type_lines(question))
    if question.hint:
        out.extend(block_text("hint", question.hint, 4))
    if question.explanation:
        out.extend(block_text("explanation", question.explanation, 4))
    if question.source:
        out.append(f"    source: {scalar(question.source)}")
    if question.tags:
        out.extend(_list("tags", question.tags, 4))
    out[0] = "  - " + out[0][4:]
    lines.extend(out)
    return lines


def _type_lines(q: Question) -> list[str]:
    if isinstance(q, ChoiceQuestion | MultiQuestion):
        lines = _list("choices", q.choices, 4)
        if isinstance(q, ChoiceQuestion):
            lines.extend(block_text("answer", q.answer, 4))
        else:
            lines.extend(_list("answers", [c for c in q.choices if c in q.answers], 4))
        if q.feedback:
            lines.extend(_mapping("feedback", [(c, q.feedback[c]) for c in q.choices if c in q.feedback], 4))
        if not q.shuffle:
            lines.append("    shuffle: false")
        return lines
    if isinstance(q, TrueFalseQuestion):
        return [f"    answer: {'true' if q.answer else 'false'}"]
    if isinstance(q, ShortQuestion):
        lines = block_text("answer", q.answers[0], 4) if len(q.answers) == 1 else _list("answer", q.answers, 4)
        return lines + ([f"    typos: {q.typos}"] if q.typos else []) + (["    strict: true"] if q.strict else [])
    if isinstance(q, NumberQuestion):
        lines = [f"    answer: {format_number(q.answer)}"]
        if q.tolerance:
            lines.append(f"    tolerance: {format_number(q.tolerance)}")
        if q.unit:
            lines.append(f"    unit: {scalar(q.unit)}")
        return lines
    if isinstance(q, ClozeQuestion):
        typos = [f"    typos: {q.typos}"] if q.typos else []
        return block_text("text", q.text, 4) + typos + (["    strict: true"] if q.strict else [])
    if isinstance(q, OrderQuestion):
        return _list("items", q.items, 4)
    if isinstance(q, MatchQuestion):
        lines = _mapping("pairs", q.pairs, 4)
        return lines + ([] if q.shuffle else ["    shuffle: false"])
    if isinstance(q, CardQuestion):
        return block_text("answer", q.answer, 4)
    raise TypeError(type(q).__name__)


def bank_text(
    bank: ImportedBank, header: Sequence[str] = (), comments: Mapping[int, Sequence[str]] | None = None
) -> tuple[str, list[int]]:
    """The whole bank file, and the line each question starts on (for checking it).

    `comments` maps a question's index to comment lines written above it."""
    comments = comments or {}
    lines = [f"# {line}".rstrip() for line in header]
    lines.append(f"deck: {scalar(bank.deck)}")
    if bank.title and bank.title != bank.deck:
        lines.extend(block_text("title", bank.title, 0))
    if bank.description:
        lines.extend(block_text("description", bank.description, 0))
    if bank.sources:
        lines.append("sources:")
        for key, citation in bank.sources.items():
            lines.extend(block_text(scalar(key), citation, 2))
    lines.append("questions:")
    starts: list[int] = []
    for index, question in enumerate(bank.questions):
        lines.append("")
        starts.append(len(lines) + 1)
        lines.extend(question_lines(question, "\n".join(comments.get(index, ()))))
    return "\n".join(lines) + "\n", starts


def render_bank(
    bank: ImportedBank, header: Sequence[str] = (), notes: Sequence[Report] = ()
) -> tuple[str, list[Report]]:
    """The bank's YAML, checked by the loader `quiz check` uses.

    A question the loader would refuse (two equal choices, a repeated partner, ...)
    is taken out and reported at its line in the source, so what is written always
    passes `quiz check` and nothing leaves in silence. `notes` (what changed on the
    way in) become comments above their questions. Empty text when nothing is left.
    """
    from quiz.core.bank import load_text

    reports: list[Report] = []
    by_place: dict[tuple[str, int], list[str]] = {}
    for note in notes:
        if note.kind == "changed":
            by_place.setdefault((note.file, note.line), []).append(f"note: {note.message}")
    names: dict[str, str] = {}
    while bank.questions:
        comments: dict[int, list[str]] = {}
        for index, question in enumerate(bank.questions):
            name = names.setdefault(question.file, PurePath(question.file).name)
            lines = [f"from {name}:{question.line}"] if question.file else []
            lines.extend(by_place.get((question.file, question.line), ()))
            comments[index] = lines
        text, starts = bank_text(bank, header, comments)
        _, problems = load_text(text, "<written bank>", bank.deck)
        if not problems:
            return text, reports
        bad: dict[int, str] = {}
        for problem in problems:
            index = bisect_right(starts, problem.line) - 1
            if index < 0:
                raise ValueError(f"the written bank does not load: {problem}")
            bad.setdefault(index, problem.message)
        for index, message in sorted(bad.items()):
            question = bank.questions[index]
            reports.append(Report(question.file, question.line, f"not imported: {message}", "skipped", what="invalid"))
        bank.questions = [q for i, q in enumerate(bank.questions) if i not in bad]
    return "", reports
