"""CSV and TSV: one question a row, columns named in the first row, both ways.

Spreadsheets are where many teachers keep questions. Quoting follows RFC 4180
(Python's `csv`, strict); a UTF-8 byte-order mark is dropped by the caller; the
delimiter is a tab for .tsv, else whichever of `,` `;` tab the header row uses.

Columns (names in any case; unknown ones are reported): `question` (or
`prompt`, `front`), `answer` (or `answers`, `correct`, `back`), `choices` (or
letter columns `A`, `B`, `C`, ...), `type`, `id`, `deck`, `text` (a cloze),
`explanation`, `hint`, `tags`, `source`, `tolerance`, `unit`, `typos`. A list in
one cell is split on line breaks, else on `;`, else (for choices, tags and multi
answers) on `,`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from quiz.core.model import (
    QUESTION_TYPES,
    Bank,
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
from quiz.formats.build import Draft, Skip, add, build, cloze_parts, common
from quiz.formats.common import ImportedBank, ImportResult, Report, format_number, parse_float, slugify

ALIASES = {
    "question": "question", "prompt": "question", "front": "question", "question text": "question",
    "answer": "answer", "answers": "answer", "correct": "answer", "correct answer": "answer", "back": "answer",
    "choices": "choices", "options": "choices",
    "type": "type", "id": "id", "deck": "deck", "text": "text",
    "explanation": "explanation", "feedback": "explanation", "general feedback": "explanation",
    "hint": "hint", "tags": "tags", "tag": "tags", "source": "source",
    "tolerance": "tolerance", "unit": "unit", "typos": "typos",
}  # fmt: skip
COLUMNS = ("deck", "id", "type", "question", "text", "answer", "choices", "tolerance", "unit", "typos",
           "explanation", "hint", "tags", "source")  # fmt: skip
TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "wahr", "vrai", "verdadero", "vero", "waar"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0", "falsch", "faux", "falso", "onwaar"})
_LETTER = re.compile(r"^(?:option |choice )?([a-z])$")


def split_list(cell: str, *, commas: bool = True) -> list[str]:
    """A list in one cell: by line, else by `;`, else (if allowed) by `,`."""
    if "\n" in cell:
        parts = cell.split("\n")
    elif ";" in cell:
        parts = cell.split(";")
    elif commas and "," in cell:
        parts = cell.split(",")
    else:
        parts = [cell]
    return [p.strip() for p in parts if p.strip()]


def join_list(items: Sequence[str]) -> str:
    """The inverse of `split_list`: `; ` unless an item needs line breaks."""
    if len(items) == 1:
        item = items[0]
        return item + "\n" if any(c in item for c in ";,") else item
    if any(";" in item for item in items):
        return "\n".join(items)
    return "; ".join(items)


def _delimiter(first_line: str, file: str) -> str:
    if PurePath(file).suffix.lower() == ".tsv":
        return "\t"
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def parse(text: str, file: str, deck: str | None = None) -> ImportResult:
    """Every row of a CSV/TSV file with a header row."""
    result = ImportResult()
    if not text.strip():
        result.reports.append(
            Report(file, 1, "the file is empty: expected a header row naming the columns", "error", 1)
        )
        result.fatal = True
        return result
    delimiter = _delimiter(text.split("\n", 1)[0], file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    default_deck = deck or slugify(PurePath(file).stem, words=8, fallback="imported")
    header: list[str | None] = []
    previous = 0
    try:
        for row in reader:
            line = previous + 1
            previous = reader.line_num
            if not header:
                header = _header(row, file, result)
                if "question" not in header and "text" not in header:
                    names = ", ".join(h for h in row if h.strip()) or "nothing"
                    result.reports.append(
                        Report(
                            file,
                            line,
                            f"no 'question' column in the header row (found: {names}); "
                            "expected columns such as question, answer, choices",
                            "error",
                            1,
                        )
                    )
                    result.fatal = True
                    return result
                continue
            if not any(cell.strip() for cell in row):
                continue
            result.seen += 1
            if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
                result.reports.append(
                    Report(
                        file,
                        line,
                        f"the row has {len(row)} cells but the header names {len(header)}; "
                        "quote a cell that holds the delimiter",
                        "error",
                        what="syntax error",
                    )
                )
                continue
            _row(row, header, line, file, deck, default_deck, result)
    except csv.Error as error:
        hint = " (a quote opened in this row is never closed)" if "end of data" in str(error) else ""
        result.reports.append(
            Report(file, previous + 1, f"CSV syntax error: {error}{hint}", "error", what="syntax error")
        )
        result.fatal = not header
    result.banks = [b for b in result.banks if b.questions]
    return result


def _header(row: list[str], file: str, result: ImportResult) -> list[str | None]:
    names: list[str | None] = []
    for column, raw in enumerate(row, start=1):
        name = " ".join(raw.strip().lower().replace("_", " ").split())
        letter = _LETTER.match(name)
        if name in ALIASES:
            names.append(ALIASES[name])
        elif letter:
            names.append("choice:" + letter.group(1))
        else:
            names.append(None)
            if name:
                result.reports.append(
                    Report(
                        file,
                        1,
                        f"column '{raw.strip()}' is not read (columns: {', '.join(COLUMNS)})",
                        "changed",
                        column,
                        what="unknown column",
                    )
                )
    return names


def _row(row: list[str], header: list[str | None], line: int, file: str, deck: str | None,
         default_deck: str, result: ImportResult) -> None:  # fmt: skip
    cells: dict[str, str] = {}
    letters: list[str] = []
    for name, value in zip(header, row, strict=False):
        if name is None:
            continue
        if name.startswith("choice:"):
            if value.strip():
                letters.append(value.strip())
        elif value.strip() and name not in cells:
            cells[name] = value.strip()
    bank_name = deck or (slugify(cells["deck"], words=8) if cells.get("deck") else default_deck)
    bank = result.bank(bank_name, cells.get("deck", "") if not deck else "", origin=file)
    draft = Draft(file=file, line=line, name=cells.get("id", ""), prompt=cells.get("question", ""))
    draft.feedback = cells.get("explanation", "")
    if cells.get("source"):
        draft.feedback += "\n\nSource: " + " ".join(cells["source"].split())
    draft.tags = split_list(cells.get("tags", ""))
    draft.hint = cells.get("hint")
    choices = split_list(cells["choices"]) if cells.get("choices") else letters
    if cells.get("choices") and letters:
        draft.note("both a 'choices' column and letter columns: the letter columns are not read", "unknown column")

    def make(qid: str) -> Question:
        kind = (cells.get("type") or _infer(cells, choices)).lower()
        if kind not in QUESTION_TYPES:
            raise Skip(f"unknown type '{kind}'; types are {', '.join(QUESTION_TYPES)}", "unknown type")
        if kind != "cloze" and not draft.prompt:
            raise Skip("the 'question' cell is empty", "no question")
        return _build(kind, draft, bank, qid, cells, choices)

    add(result, bank, draft, make)


def _infer(cells: dict[str, str], choices: list[str]) -> str:
    answer = cells.get("answer", "")
    if cells.get("text") or ("{{" in cells.get("question", "") and not answer):
        return "cloze"
    if choices:
        return "multi" if len(split_list(answer)) > 1 and answer not in choices else "choice"
    if answer.lower() in ("true", "false"):
        return "truefalse"
    if parse_float(answer.replace(",", ".") if "." not in answer else answer) is not None:
        return "number"
    return "short"


def _pick(value: str, choices: list[str]) -> str:
    """A choice named by its text, else by its letter (`B`) or number (`2`)."""
    if value in choices:
        return value
    letter = value.strip().upper()
    if len(letter) == 1 and "A" <= letter <= "Z" and ord(letter) - 65 < len(choices):
        return choices[ord(letter) - 65]
    if letter.isdigit() and 1 <= int(letter) <= len(choices):
        return choices[int(letter) - 1]
    raise Skip(f"the answer '{value}' is not one of the choices (nor their letter)", "answer not a choice")


def _build(
    kind: str, draft: Draft, bank: ImportedBank, qid: str, cells: dict[str, str], choices: list[str]
) -> Question:
    answer = cells.get("answer", "")
    if not answer and kind != "cloze":
        raise Skip("the 'answer' cell is empty", "no answer")
    fields: dict[str, Any]
    if kind == "choice":
        fields = {"choices": choices, "answer": _pick(answer, choices)}
    elif kind == "multi":
        fields = {"choices": choices, "answers": frozenset(_pick(a, choices) for a in split_list(answer))}
    elif kind == "truefalse":
        word = answer.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise Skip(f"a true/false answer must be true or false, not '{answer}'", "not true or false")
        fields = {"answer": word in TRUE_WORDS}
    elif kind == "short":
        fields = {"answers": tuple(split_list(answer, commas=False)), "typos": _count(cells.get("typos"))}
    elif kind == "number":
        value = _number(answer, "answer")
        tolerance = _number(cells["tolerance"], "tolerance") if cells.get("tolerance") else 0.0
        fields = {"answer": value, "tolerance": abs(tolerance), "unit": cells.get("unit")}
    elif kind == "cloze":
        text = cells.get("text") or draft.prompt
        prompt = draft.prompt if cells.get("text") else ""
        base = common(draft, bank, qid) | {"prompt": prompt}
        return ClozeQuestion(**base, text=text, parts=cloze_parts(text), typos=_count(cells.get("typos")))
    elif kind == "order":
        items = split_list(answer) if answer else choices
        return OrderQuestion(**common(draft, bank, qid), items=tuple(items))
    elif kind == "match":
        pairs = []
        for item in split_list(answer, commas=False):
            left, arrow, right = item.partition("->")
            if not arrow:
                raise Skip(f"a match pair is written 'item -> partner', found '{item}'", "match syntax")
            pairs.append((left.strip(), right.strip()))
        return MatchQuestion(**common(draft, bank, qid), pairs=tuple(pairs))
    else:
        return CardQuestion(**common(draft, bank, qid), answer=answer)
    return build(draft, bank, qid, {"type": kind, **fields})


def _count(value: str | None) -> int:
    if not value:
        return 0
    if not value.strip().isdigit():
        raise Skip(f"'typos' must be a whole number, not '{value}'", "not a number")
    return int(value)


def _number(value: str, what: str) -> float:
    text = value.strip().replace(" ", "").replace("\u202f", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    number = parse_float(text.replace(",", ""))
    if number is None:
        raise Skip(f"the {what} '{value}' is not a number", "not a number")
    return number


# --------------------------------------------------------------------------- export


def dumps(banks: Sequence[Bank]) -> tuple[str, list[Report], int]:
    """One row per question in the columns `parse` reads; reports what is left out."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    reports: list[Report] = []
    written = 0
    for bank in banks:
        for q in bank.questions:
            try:
                row = _export_row(bank.deck, q, reports)
            except Skip as skip:
                reports.append(Report(q.file, q.line, f"{q.key}: {skip}", what=skip.what))
                continue
            writer.writerow([row.get(c, "") for c in COLUMNS])
            written += 1
    return out.getvalue(), reports, written


def _export_row(deck: str, q: Question, reports: list[Report]) -> dict[str, str]:
    row = {"deck": deck, "id": q.id, "type": q.type, "question": q.prompt, "explanation": q.explanation,
           "hint": q.hint or "", "tags": join_list(q.tags) if q.tags else "", "source": q.citation or ""}  # fmt: skip
    if isinstance(q, ChoiceQuestion | MultiQuestion):
        if any("\n" in c for c in q.choices):
            raise Skip("a choice spans several lines, which a list cell cannot hold", "multi-line choice")
        row["choices"] = join_list(q.choices)
        row["answer"] = (
            q.answer if isinstance(q, ChoiceQuestion) else join_list([c for c in q.choices if c in q.answers])
        )
        if q.feedback:
            reports.append(
                Report(
                    q.file,
                    q.line,
                    f"{q.key}: per-choice feedback is not exported (no CSV column)",
                    "changed",
                    what="choice feedback",
                )
            )
    elif isinstance(q, TrueFalseQuestion):
        row["answer"] = "true" if q.answer else "false"
    elif isinstance(q, ShortQuestion):
        row["answer"] = join_list(q.answers)
        row["typos"] = str(q.typos) if q.typos else ""
    elif isinstance(q, NumberQuestion):
        row["answer"] = format_number(q.answer)
        row["tolerance"] = format_number(q.tolerance) if q.tolerance else ""
        row["unit"] = q.unit or ""
    elif isinstance(q, ClozeQuestion):
        row["text"] = q.text
        row["typos"] = str(q.typos) if q.typos else ""
    elif isinstance(q, OrderQuestion):
        row["answer"] = join_list(q.items)
    elif isinstance(q, MatchQuestion):
        if any("->" in left or "\n" in left + right for left, right in q.pairs):
            raise Skip("an item holds '->' or a line break, which a pair cell cannot hold", "match syntax")
        row["answer"] = "\n".join(f"{left} -> {right}" for left, right in q.pairs)
    elif isinstance(q, CardQuestion):
        row["answer"] = q.answer
    return row


__all__ = ["COLUMNS", "dumps", "join_list", "parse", "split_list"]
