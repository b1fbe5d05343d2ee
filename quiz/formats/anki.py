"""Anki: "Notes in Plain Text" in, `.apkg` out (with genanki).

Import follows the Anki manual's text-file headers: `#separator:` (Comma,
Semicolon, Tab, Space, Pipe, Colon, or the character itself), `#html:true|false`,
`#tags column:N`, `#deck column:N`, `#notetype column:N`, `#guid column:N`,
`#columns:`, `#deck:`, `#notetype:` and `#tags:`. The first two fields of a note
are front and back; a front with `{{c1::...}}` is a cloze. Fronts and backs
become `card` questions, or `short` with `--as short`.

Export builds one Anki note per question with a stable guid derived from the
question's `deck/id`, so importing a new export into Anki updates the notes it
already has instead of adding copies.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any

from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats.build import Draft, Skip, add, build, cloze_parts, common, gap
from quiz.formats.common import (
    ImportedBank,
    ImportResult,
    Report,
    format_number,
    html_to_text,
    normalise_space,
    slugify,
)

SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_CLOZE = re.compile(r"\{\{c\d+::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_SOUND = re.compile(r"\[sound:[^\]]*\]")


def _cloze_end(text: str) -> int:
    """Where a cloze deletion can end at the latest: after the last '}}'.

    `_CLOZE` is only ever applied up to there: an attempt from a '{{c1::' with no
    '}}' after it scans to the end of the text, and its nested lazy groups made
    6 KB of '{{c1::' take 90 s. Every match ends at a '}}', so none is lost.
    """
    end = text.rfind("}}")
    return 0 if end < 0 else end + 2


def has_cloze(text: str) -> bool:
    """Whether `text` holds an Anki cloze deletion (`{{c1::...}}`), in linear time."""
    return _CLOZE.search(text, 0, _cloze_end(text)) is not None


def replace_clozes(replace: Callable[[re.Match[str]], str], text: str) -> str:
    """`_CLOZE.sub(replace, text)`, in linear time (see `_cloze_end`)."""
    end = _cloze_end(text)
    return _CLOZE.sub(replace, text[:end]) + text[end:]


def _headers(text: str, file: str, result: ImportResult) -> tuple[dict[str, str], int]:
    """The `#key:value` lines at the top, and how many lines they take."""
    headers: dict[str, str] = {}
    lines = text.split("\n")
    count = 0
    for number, line in enumerate(lines, start=1):
        match = re.match(r"^#([a-z ]+):(.*)$", line.rstrip("\r"))
        if not match:
            break
        key, value = match.group(1).strip(), match.group(2).strip()
        known = ("separator", "html", "tags column", "deck column", "notetype column", "guid column", "columns",
                 "deck", "notetype", "tags", "if matches")  # fmt: skip
        if key not in known:
            result.reports.append(Report(file, number, f"the header '#{key}:' is not read", "changed", what="header"))
        headers[key] = value
        count = number
    return headers, count


def _column(headers: dict[str, str], key: str, file: str, result: ImportResult, line: int) -> int | None:
    value = headers.get(key)
    if value is None or not value:
        return None
    if not value.isdigit() or int(value) < 1:
        result.reports.append(Report(file, line, f"'#{key}:' must be a column number, not '{value}'", "error", 1))
        return None
    return int(value) - 1


def parse(text: str, file: str, deck: str | None = None, *, as_short: bool = False) -> ImportResult:
    """Every note of an Anki plain-text export."""
    result = ImportResult()
    headers, skip_lines = _headers(text, file, result)
    sep_name = headers.get("separator", "tab")
    separator = SEPARATORS.get(sep_name.lower(), sep_name)
    if len(separator) != 1:
        result.reports.append(
            Report(
                file,
                1,
                f"'#separator:{sep_name}' is not one character nor a known name "
                f"({', '.join(s.capitalize() for s in SEPARATORS)})",
                "error",
                1,
            )
        )
        result.fatal = True
        return result
    body = text.split("\n", skip_lines)[-1] if skip_lines else text
    if skip_lines and skip_lines >= text.count("\n") + 1:
        body = ""
    is_html = headers.get("html", "").lower() == "true" or (
        "html" not in headers and bool(re.search(r"<(br|div|p|b|i|img)\b|&nbsp;", body, re.IGNORECASE))
    )
    tags_col = _column(headers, "tags column", file, result, 1)
    deck_col = _column(headers, "deck column", file, result, 1)
    type_col = _column(headers, "notetype column", file, result, 1)
    guid_col = _column(headers, "guid column", file, result, 1)
    fixed = {c for c in (tags_col, deck_col, type_col, guid_col) if c is not None}
    default_deck = deck or slugify(headers.get("deck") or PurePath(file).stem, words=8, fallback="imported")
    base_tags = headers.get("tags", "").split()
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, strict=False)
    previous = skip_lines
    try:
        for row in reader:
            line = previous + 1
            previous = skip_lines + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            result.seen += 1
            fields = [cell for index, cell in enumerate(row) if index not in fixed]
            anki_deck = row[deck_col].strip() if deck_col is not None and deck_col < len(row) else ""
            bank_name = deck or (slugify(anki_deck.replace("::", " "), words=8) if anki_deck else default_deck)
            bank = result.bank(bank_name, anki_deck if not deck else "", origin=file)
            tags = list(base_tags)
            if tags_col is not None and tags_col < len(row):
                tags += row[tags_col].split()
            if deck and anki_deck:
                tags.append(anki_deck)
            notetype = (
                row[type_col].strip() if type_col is not None and type_col < len(row) else headers.get("notetype", "")
            )
            _note(fields, is_html, tags, notetype, line, file, bank, result, as_short)
    except csv.Error as error:
        result.reports.append(Report(file, previous + 1, f"syntax error: {error}", "error", 1, what="syntax error"))
    result.banks = [b for b in result.banks if b.questions]
    return result


def _field(raw: str, is_html: bool, draft: Draft) -> str:
    if _SOUND.search(raw):
        draft.note("a sound is not imported", "sound")
        raw = _SOUND.sub("", raw)
    if not is_html:
        return normalise_space(raw)
    text, images = html_to_text(raw)
    for _ in images:
        draft.note("an image is not imported", "image")
    return text


def _note(fields: list[str], is_html: bool, tags: list[str], notetype: str, line: int, file: str,
          bank: ImportedBank, result: ImportResult, as_short: bool) -> None:  # fmt: skip
    draft = Draft(file=file, line=line, tags=tags)
    front_raw = fields[0] if fields else ""
    is_cloze = has_cloze(front_raw) or "cloze" in notetype.lower()
    if is_cloze:
        gaps: list[str] = []

        def replace(match: re.Match[str]) -> str:
            if match.group(2):
                draft.note(f"the cloze hint '{match.group(2)}' is not kept", "cloze hint")
            gaps.append(gap([_field(match.group(1), is_html, draft)]))
            return f"\ue010{len(gaps) - 1}\ue011"

        marked = replace_clozes(replace, front_raw)
        text = _field(marked, is_html, draft)
        text = re.sub(r"\ue010(\d+)\ue011", lambda m: gaps[int(m.group(1))], text)
        draft.prompt = text[:60]
        draft.feedback = _field(fields[1], is_html, draft) if len(fields) > 1 else ""

        def make_cloze(qid: str) -> Question:
            if not gaps:
                raise Skip("a cloze note without any {{c1::...}} deletion", "no right answer")
            base = common(draft, bank, qid) | {"prompt": ""}
            return ClozeQuestion(**base, text=text, parts=cloze_parts(text))

        add(result, bank, draft, make_cloze)
        return
    draft.prompt = _field(front_raw, is_html, draft)
    back = _field(fields[1], is_html, draft) if len(fields) > 1 else ""
    if len(fields) > 2 and any(f.strip() for f in fields[2:]):
        extra = [_field(f, is_html, draft) for f in fields[2:] if f.strip()]
        draft.feedback = "\n".join(extra)

    def make(qid: str) -> Question:
        if not draft.prompt:
            raise Skip("the front of the note is empty", "empty note")
        if not back:
            raise Skip("the back of the note is empty", "empty note")
        if as_short or "type in" in notetype.lower():
            return build(draft, bank, qid, {"type": "short", "answers": (back,)})
        return CardQuestion(**common(draft, bank, qid), answer=back)

    add(result, bank, draft, make)


# --------------------------------------------------------------------------- .apkg export


def stable_id(text: str) -> int:
    """A 31-bit id from a name, the range genanki recommends for models and decks."""
    digest = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")
    return (1 << 30) + digest % (1 << 30)


_CSS = ".card { font-family: sans-serif; font-size: 20px; text-align: left; }\n.extra { font-size: 16px; color: #555; }"


def _models() -> dict[str, Any]:
    import genanki

    extra = '<div class="extra">{{Extra}}</div>'
    basic = genanki.Model(
        stable_id("quiz basic"),
        "quiz: basic",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Extra"}],
        templates=[{"name": "Card", "qfmt": "{{Front}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}' + extra}],
        css=_CSS,
    )
    typed = genanki.Model(
        stable_id("quiz type-in"),
        "quiz: type the answer",
        fields=[{"name": "Front"}, {"name": "Answer"}, {"name": "Extra"}],
        templates=[
            {
                "name": "Card",
                "qfmt": "{{Front}}<br><br>{{type:Answer}}",
                "afmt": '{{Front}}<hr id="answer">{{type:Answer}}' + extra,
            }
        ],
        css=_CSS,
    )
    choice = genanki.Model(
        stable_id("quiz choice"),
        "quiz: choose",
        fields=[{"name": "Front"}, {"name": "Choices"}, {"name": "Back"}, {"name": "Extra"}],
        templates=[
            {"name": "Card", "qfmt": "{{Front}}{{Choices}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}' + extra}
        ],
        css=_CSS,
    )
    cloze = genanki.Model(
        stable_id("quiz cloze"),
        "quiz: cloze",
        fields=[{"name": "Text"}, {"name": "Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}", "afmt": "{{cloze:Text}}<br>" + extra}],
        css=_CSS,
        model_type=genanki.Model.CLOZE,
    )
    return {"basic": basic, "typed": typed, "choice": choice, "cloze": cloze}


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _list_html(items: Sequence[str], ordered: bool = True, kind: str = "A") -> str:
    tag = "ol" if ordered else "ul"
    attrs = f' type="{kind}"' if ordered else ""
    return f"<{tag}{attrs}>" + "".join(f"<li>{_html(i)}</li>" for i in items) + f"</{tag}>"


def _extra(q: Question, lines: Sequence[str] = ()) -> str:
    parts = [_html(line) for line in lines if line]
    if q.explanation:
        parts.append(_html(q.explanation))
    if q.citation:
        parts.append("<i>Source: " + _html(q.citation) + "</i>")
    return "<br><br>".join(parts)


def _note_for(q: Question, models: dict[str, Any]) -> tuple[Any, list[str]]:
    """(model, fields) for one question."""
    if isinstance(q, ChoiceQuestion | MultiQuestion | TrueFalseQuestion):
        if isinstance(q, TrueFalseQuestion):
            choices, right = ["True", "False"], ["True" if q.answer else "False"]
            feedback: dict[str, str] = {}
        else:
            choices = list(q.choices)
            right = [q.answer] if isinstance(q, ChoiceQuestion) else [c for c in q.choices if c in q.answers]
            feedback = dict(q.feedback)
        hint = "<br><i>Tick every right choice.</i>" if isinstance(q, MultiQuestion) else ""
        back = _list_html(right, ordered=False)
        notes = [f"{c}: {feedback[c]}" for c in choices if c in feedback]
        return models["choice"], [_html(q.prompt) + hint, _list_html(choices), back, _extra(q, notes)]
    if isinstance(q, ShortQuestion):
        others = [f"Also accepted: {', '.join(q.answers[1:])}"] if len(q.answers) > 1 else []
        return models["typed"], [_html(q.prompt), html.escape(q.answers[0]), _extra(q, others)]
    if isinstance(q, NumberQuestion):
        lines = [f"Within {format_number(q.tolerance)} counts as right."] if q.tolerance else []
        if q.unit:
            lines.append(f"Unit: {q.unit}")
        prompt = q.prompt + (f" ({q.unit})" if q.unit else "")
        return models["typed"], [_html(prompt), html.escape(format_number(q.answer)), _extra(q, lines)]
    if isinstance(q, ClozeQuestion):
        pieces = []
        for part in q.parts:
            if isinstance(part, Gap):
                pieces.append("{{c1::" + html.escape(part.answers[0]).replace("}}", "} }") + "}}")
            else:
                pieces.append(_html(part).replace("{{", "{ {").replace("}}", "} }"))
        text = (_html(q.prompt) + "<br>" if q.prompt else "") + "".join(pieces)
        return models["cloze"], [text, _extra(q)]
    if isinstance(q, OrderQuestion):
        shown = sorted(q.items, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        return models["basic"], [
            _html(q.prompt) + _list_html(shown, ordered=False),
            _list_html(q.items, kind="1"),
            _extra(q),
        ]
    if isinstance(q, MatchQuestion):
        rights = sorted((r for _, r in q.pairs), key=lambda s: hashlib.sha256(s.encode()).hexdigest())
        front = _html(q.prompt) + _list_html([left for left, _ in q.pairs], kind="1") + _list_html(rights, kind="a")
        back = "<br>".join(f"{_html(left)} → {_html(right)}" for left, right in q.pairs)
        return models["basic"], [front, back, _extra(q)]
    assert isinstance(q, CardQuestion)
    return models["basic"], [_html(q.prompt), _html(q.answer), _extra(q)]


def anki_tag(tag: str) -> str:
    """Anki tags have no spaces."""
    return "_".join(tag.split()) or "_"


def dumps_apkg(banks: Sequence[Bank], timestamp: float | None = None) -> tuple[bytes, list[Report], int]:
    """An .apkg (a zip holding an SQLite collection) with one Anki deck per bank."""
    import genanki

    models = _models()
    decks = []
    written = 0
    for bank in banks:
        deck = genanki.Deck(
            stable_id("quiz deck " + bank.deck), bank.title or bank.deck, description=_html(bank.description)
        )
        for q in bank.questions:
            model, fields = _note_for(q, models)
            deck.add_note(genanki.Note(model=model, fields=fields, tags=[anki_tag(t) for t in q.tags],
                                       guid=genanki.guid_for("quiz", q.key)))  # fmt: skip
            written += 1
        decks.append(deck)
    package = genanki.Package(decks)
    handle, path = tempfile.mkstemp(suffix=".anki2")
    os.close(handle)
    try:
        connection = sqlite3.connect(path)
        try:
            stamp = time.time() if timestamp is None else timestamp
            package.write_to_db(connection.cursor(), stamp, _ids(stamp))
            connection.commit()
        finally:
            connection.close()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.write(path, "collection.anki2")
            archive.writestr("media", "{}")
        return out.getvalue(), [], written
    finally:
        os.unlink(path)


def _ids(stamp: float) -> Any:
    import itertools

    return itertools.count(int(stamp * 1000))


__all__ = ["anki_tag", "dumps_apkg", "parse", "stable_id"]
