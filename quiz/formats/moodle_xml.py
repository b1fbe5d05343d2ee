"""Moodle XML, both ways, parsed with defusedxml.

Element by element as Moodle's question/format/xml/format.php reads and writes
them: `<quiz>` holding `<question type="...">`; `category` (`<category><text>`);
`multichoice` (`<single>`, `<shuffleanswers>`, `<answer fraction="...">` with
`<text>` and `<feedback>`), `truefalse`, `shortanswer` (`<usecase>`), `numerical`
(`<tolerance>`, `<units>`), `matching` (`<subquestion>` with `<answer>`), `cloze`
(Moodle's name for multianswer: `{1:SHORTANSWER:=Paris}` in the text), and
`ordering` on import. Every question may carry `<name>`, `<questiontext>`,
`<generalfeedback>`, `<hint>` and `<tags>`. Texts in `format="html"` become plain
text.

An XML file is untrusted: a DTD with entities (the billion laughs) or an external
entity is refused by defusedxml before anything expands or is read from disk;
elements nest at most `MAX_DEPTH` deep; embedded files (`<file>`, base64 images)
are skipped as they stream by instead of being kept in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from quiz.core.model import (
    Question,
)
from quiz.formats.build import Answer, Draft, Skip, add, build, choice_fields, gap, number_fields, short_answers
from quiz.formats.common import (
    ImportedBank,
    ImportResult,
    Report,
    html_to_text,
    normalise_space,
    slugify,
)

MAX_DEPTH = 64
"""Moodle XML nests about six deep; far deeper is a hostile or broken file."""

UNSUPPORTED = {
    "essay": "an essay cannot be graded automatically",
    "description": "a description is not a question",
    "calculated": "calculated questions (formulas with wildcards) have no quiz form",
    "calculatedsimple": "calculated questions (formulas with wildcards) have no quiz form",
    "calculatedmulti": "calculated questions (formulas with wildcards) have no quiz form",
    "ddwtos": "drag-and-drop into text has no quiz form",
    "ddimageortext": "drag-and-drop onto an image has no quiz form",
    "ddmarker": "drag-and-drop markers have no quiz form",
    "gapselect": "select missing words has no quiz form",
    "randomsamatch": "random short-answer matching draws from other questions",
    "random": "a random question draws from a category",
}


class _TooDeep(Exception):
    pass


@dataclass
class _Target:
    """An ElementTree target that hands over each `<question>` as it closes.

    Questions are converted and forgotten one by one, so memory holds one question
    at a time; `<file>` contents (base64 images) are never kept; each element
    remembers its line in `lines`.
    """

    on_question: Callable[[Element, dict[int, int]], None]
    parser: DefusedXMLParser | None = None
    stack: list[Element] = field(default_factory=list)
    lines: dict[int, int] = field(default_factory=dict)
    text: list[str] = field(default_factory=list)
    in_file: int = 0
    root_tag: str = ""

    def start(self, tag: str, attrib: dict[str, str]) -> Element:
        if len(self.stack) >= MAX_DEPTH:
            raise _TooDeep()
        self._flush()
        element = Element(tag, attrib)
        if self.parser is not None:
            self.lines[id(element)] = self.parser.parser.CurrentLineNumber
        if self.stack:
            if not (len(self.stack) == 1 and tag == "question"):
                self.stack[-1].append(element)
        else:
            self.root_tag = tag
        if tag == "file":
            self.in_file += 1
        self.stack.append(element)
        return element

    def end(self, tag: str) -> Element:
        self._flush()
        element = self.stack.pop()
        if tag == "file":
            self.in_file -= 1
        if tag == "question" and len(self.stack) == 1:
            self.on_question(element, self.lines)
            self.lines = {}
        return element

    def data(self, data: str) -> None:
        if not self.in_file:
            self.text.append(data)

    def _flush(self) -> None:
        if not self.text or not self.stack:
            self.text.clear()
            return
        joined = "".join(self.text)
        self.text.clear()
        element = self.stack[-1]
        if len(element):
            last = element[-1]
            last.tail = (last.tail or "") + joined
        else:
            element.text = (element.text or "") + joined

    def close(self) -> None:
        return None


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "") if found is not None else ""


def _formatted(element: Element | None, draft: Draft | None = None) -> str:
    """The plain text of a `<questiontext format="...">`-like element."""
    if element is None:
        return ""
    raw = _text(element)
    fmt = element.get("format", "html")
    if fmt == "html":
        text, images = html_to_text(raw)
        if draft is not None:
            for _ in images:
                draft.note("an image is not imported", "image")
        return text
    return normalise_space(raw)


def _fraction(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes")


def parse(text: str, file: str, deck: str | None = None) -> ImportResult:
    """Every question of a Moodle XML file; `deck` puts them all in one deck."""
    result = ImportResult()
    state = {"deck": deck or slugify(PurePath(file).stem, words=8, fallback="imported"), "title": "", "category": ""}

    def on_question(element: Element, lines: dict[int, int]) -> None:
        _question(element, lines, file, deck, state, result)

    target = _Target(on_question)
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    target.parser = parser
    try:
        for start in range(0, len(text), 1 << 20):
            parser.feed(text[start : start + (1 << 20)])
        parser.close()
    except DefusedXmlException as error:
        line = parser.parser.CurrentLineNumber
        what = (
            "refers to an external entity" if "External" in type(error).__name__ else "declares an entity (<!ENTITY>)"
        )
        message = (
            f"refused: the file {what}; Moodle never writes one, and expanding it could "
            "exhaust memory (an entity bomb) or read other files. Nothing was expanded or read."
        )
        result.reports.append(Report(file, line, message, "error", column=1, what="unsafe XML"))
        result.fatal = True
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        result.reports.append(
            Report(file, line, f"not well-formed XML: {message}", "error", column=column + 1, what="XML syntax")
        )
        result.fatal = True
    except _TooDeep:
        line = parser.parser.CurrentLineNumber
        result.reports.append(
            Report(
                file,
                line,
                f"elements nested more than {MAX_DEPTH} deep: not a Moodle XML file",
                "error",
                column=1,
                what="XML syntax",
            )
        )
        result.fatal = True
    else:
        if target.root_tag != "quiz":
            found = f"<{target.root_tag}>" if target.root_tag else "nothing"
            result.reports.append(
                Report(
                    file,
                    1,
                    f"expected a <quiz> element holding questions, found {found}",
                    "error",
                    column=1,
                    what="not Moodle XML",
                )
            )
            result.fatal = True
    result.banks = [b for b in result.banks if b.questions]
    return result


def _question(
    element: Element, lines: dict[int, int], file: str, deck: str | None, state: dict[str, str], result: ImportResult
) -> None:
    qtype = element.get("type", "")
    line = lines.get(id(element), 1)
    if qtype == "category":
        path = _text(element.find("category"))
        path = re.sub(r"^\$\w+\$/", "", path.strip())
        parts = [p for p in path.split("/") if p.strip()]
        if parts and parts[0].lower() == "top":
            parts = parts[1:]
        state["category"] = "/".join(parts)
        if deck is None and parts:
            state["deck"], state["title"] = slugify(parts[-1], words=8, fallback="category"), "/".join(parts)
        return
    result.seen += 1
    bank = result.bank(state["deck"], state["title"] or state["deck"], origin=file)
    draft = Draft(file=file, line=line, name=normalise_space(_text(element.find("name"))))
    if qtype in UNSUPPORTED:
        result.reports.append(Report(file, line, f"skipped: {UNSUPPORTED[qtype]} ({qtype})", what=qtype))
        return
    draft.prompt = _formatted(element.find("questiontext"), draft) if qtype != "cloze" else ""
    draft.feedback = _formatted(element.find("generalfeedback"))
    hints = [_formatted(h) for h in element.findall("hint")]
    draft.hint = next((h for h in hints if h), None)
    if sum(1 for h in hints if h) > 1:
        draft.note("only the first of several hints is kept", "hint")
    draft.tags = [normalise_space(_text(t)) for t in element.findall("tags/tag")]
    if deck is not None and state["category"]:
        draft.tags.append(state["category"])
    if element.find("questiontext/file") is not None:
        draft.note("an embedded file is not imported", "image")
    makers: dict[str, Callable[[Element, Draft], dict[str, object]]] = {
        "multichoice": _multichoice,
        "truefalse": _truefalse,
        "shortanswer": _shortanswer,
        "numerical": _numerical,
        "matching": _matching,
        "cloze": _cloze,
        "multianswer": _cloze,
        "ordering": _ordering,
    }
    maker = makers.get(qtype)
    if maker is None:
        result.reports.append(
            Report(file, line, f"skipped: the question type '{qtype}' has no quiz form", what=qtype or "unknown")
        )
        return
    try:
        fields = maker(element, draft)
    except Skip as skip:
        result.reports.append(Report(file, line, f"skipped: {skip}", what=skip.what))
        return
    add(result, bank, draft, lambda qid: _make(draft, bank, qid, fields))


def _make(draft: Draft, bank: ImportedBank, qid: str, fields: dict[str, object]) -> Question:
    if fields.get("type") == "order":
        from quiz.core.model import OrderQuestion
        from quiz.formats.build import common

        items = fields["items"]
        assert isinstance(items, tuple)
        return OrderQuestion(**common(draft, bank, qid), items=items)
    return build(draft, bank, qid, fields)


def _answers(element: Element) -> list[Answer]:
    return [
        Answer(
            _formatted(a) if a.find("text") is not None else "",
            _fraction(a.get("fraction")),
            _formatted(a.find("feedback")),
        )
        for a in element.findall("answer")
    ]


def _multichoice(element: Element, draft: Draft) -> dict[str, object]:
    single_text = _text(element, "single") if element.find("single") is not None else "true"
    fields = choice_fields(draft, _answers(element), _truthy(single_text))
    shuffle = element.find("shuffleanswers")
    if shuffle is not None and not _truthy(shuffle.text or "1"):
        fields["shuffle"] = False
    return fields


def _truefalse(element: Element, draft: Draft) -> dict[str, object]:
    answers = _answers(element)
    right = [a for a in answers if a.weight >= 99.99]
    if len(right) != 1 or right[0].text.strip().lower() not in ("true", "false"):
        raise Skip("a true/false question needs one right answer, 'true' or 'false'", "no right answer")
    value = right[0].text.strip().lower() == "true"
    lines = [f"If answered {a.text.strip().lower()}: {a.feedback}" for a in answers if a.feedback]
    return {"type": "truefalse", "answer": value, "lines": lines}


def _shortanswer(element: Element, draft: Draft) -> dict[str, object]:
    answers = _answers(element)
    wild = [a for a in answers if "*" in a.text]
    if wild:
        draft.note("answers with the '*' wildcard are not kept: quiz matches whole answers", "wildcard")
        answers = [a for a in answers if "*" not in a.text]
    if _truthy(_text(element, "usecase") or "0"):
        draft.note("case-sensitive matching becomes case-insensitive", "case")
    right, lines = short_answers(draft, answers)
    return {"type": "short", "answers": tuple(right), "lines": lines}


def _numerical(element: Element, draft: Draft) -> dict[str, object]:
    answers: list[Answer] = []
    for a in element.findall("answer"):
        value = _text(a).strip()
        weight = _fraction(a.get("fraction"))
        feedback = _formatted(a.find("feedback"))
        if value == "*":
            answers.append(Answer("any other answer", 0, feedback))
            continue
        try:
            center = float(value)
            spread = abs(float(_text(a, "tolerance") or 0))
        except ValueError:
            raise Skip(f"the numerical answer '{value}' is not a number", "not a number") from None
        answers.append(Answer(value, weight, feedback, center, spread))
    fields = number_fields(draft, answers)
    units = [
        (normalise_space(_text(u, "unit_name")), _text(u, "multiplier").strip()) for u in element.findall("units/unit")
    ]
    base = [name for name, multiplier in units if name and _fraction(multiplier or "1") == 1]
    if base:
        fields["unit"] = base[0]
    if len(units) > 1:
        draft.note("only the base unit is kept (quiz has no unit conversion)", "units")
    return fields


def _matching(element: Element, draft: Draft) -> dict[str, object]:
    pairs: list[tuple[str, str]] = []
    for sub in element.findall("subquestion"):
        left = _formatted(sub, draft)
        right = normalise_space(_text(sub.find("answer")))
        if not left:
            draft.note(f"the extra wrong match '{right}' is not kept (quiz pairs every item)", "distractor")
            continue
        pairs.append((left, right))
    if len(pairs) < 2:
        raise Skip("a matching question needs at least 2 pairs", "too few answers")
    fields: dict[str, object] = {"type": "match", "pairs": tuple(pairs)}
    shuffle = element.find("shuffleanswers")
    if shuffle is not None and not _truthy(shuffle.text or "1"):
        fields["shuffle"] = False
    return fields


def _ordering(element: Element, draft: Draft) -> dict[str, object]:
    items = tuple(_formatted(a) for a in element.findall("answer"))
    if len(items) < 3:
        raise Skip("an ordering question needs at least 3 items", "too few answers")
    return {"type": "order", "items": items}


# Moodle's embedded answers: {1:SHORTANSWER:=Paris~%50%Lyon#feedback}
_EMBEDDED_START = re.compile(r"\{\d*:([A-Z_]+):")
_EMBEDDED_BODY = re.compile(r"(?:\\.|[^\\}])*")
"""An embedded answer: `{N:KIND:body}`, the body running to the first `}` not escaped by a backslash."""
_SHORT_KINDS = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_NUMERICAL_KINDS = {"NUMERICAL", "NM"}
_CHOICE_KINDS = {
    "MULTICHOICE",
    "MC",
    "MULTICHOICE_V",
    "MCV",
    "MULTICHOICE_H",
    "MCH",
    "MULTICHOICE_S",
    "MCS",
    "MULTICHOICE_VS",
    "MCVS",
    "MULTICHOICE_HS",
    "MCHS",
}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _embedded_answers(body: str) -> list[Answer]:
    out: list[Answer] = []
    for raw in re.split(r"(?<!\\)~", body):
        weight = 0.0
        if raw.startswith("="):
            weight, raw = 100.0, raw[1:]
        else:
            match = re.match(r"%(-?\d+(?:\.\d+)?)%", raw)
            if match:
                weight, raw = float(match.group(1)), raw[match.end() :]
        mark = re.search(r"(?<!\\)#", raw)
        answer, feedback = (raw[: mark.start()], raw[mark.end() :]) if mark else (raw, "")
        out.append(Answer(html_to_text(_unescape(answer))[0], weight, html_to_text(_unescape(feedback))[0]))
    return out


def _replace_embedded(raw: str, replace: Callable[[str, str], str]) -> str:
    """`raw` with each embedded answer replaced by `replace(kind, body)`, left to right.

    In linear time, unlike one regular expression over the whole answer (which, from
    each of many `{1:SA:` left open, would scan to the end of the text again): a body
    that ends anywhere but at a `}` ends there for every later start too (the headers
    hold no backslash, so the escapes pair up the same), and the search goes on past it."""
    parts: list[str] = []
    done = search = 0
    while (start := _EMBEDDED_START.search(raw, search)) is not None:
        body = _EMBEDDED_BODY.match(raw, start.end())
        end = body.end() if body is not None else start.end()  # it always matches, if only ""
        if end < len(raw) and raw[end] == "}":
            parts += (raw[done : start.start()], replace(start.group(1), raw[start.end() : end]))
            done = search = end + 1
        else:
            search = end + 1
    parts.append(raw[done:])
    return "".join(parts)


def _cloze(element: Element, draft: Draft) -> dict[str, object]:
    raw = _text(element.find("questiontext"))
    gaps: list[str] = []

    def replace(kind: str, body: str) -> str:
        answers = _embedded_answers(body)
        if kind in _NUMERICAL_KINDS:
            for a in answers:
                parts = a.text.split(":")
                if len(parts) == 2 and parts[1].strip() not in ("", "0"):
                    draft.note(f"the tolerance of '{a.text}' is dropped: the gap takes the exact number", "tolerance")
                a.text = parts[0].strip()
        elif kind in _CHOICE_KINDS:
            draft.note("a drop-down gap becomes a typed gap (its right answer)", "drop-down gap")
        elif kind not in _SHORT_KINDS:
            raise Skip(f"the embedded answer type '{kind}' has no quiz form", "cloze part")
        right, _ = short_answers(draft, answers)
        gaps.append(gap(right))
        return f"\ue010{len(gaps) - 1}\ue011"

    replaced = _replace_embedded(raw, replace)
    if not gaps:
        raise Skip("a cloze question without any embedded answer", "no right answer")
    fmt = element.find("questiontext")
    text = (
        html_to_text(replaced)[0] if fmt is None or fmt.get("format", "html") == "html" else normalise_space(replaced)
    )
    if "{{" in re.sub(r"\ue010\d+\ue011", "", text) or "}}" in text:
        raise Skip("the text holds '{{' or '}}', which a quiz cloze reads as a gap", "gap syntax")
    text = re.sub(r"\ue010(\d+)\ue011", lambda m: gaps[int(m.group(1))], text)
    return {"type": "cloze", "text": text}


__all__ = ["MAX_DEPTH", "parse"]
