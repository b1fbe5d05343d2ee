"""Turning what a source says about one question into a bank question, or a report.

The GIFT, Moodle XML and CSV readers all end up with the same facts: answers with
weights and feedback, a general feedback, a name. These helpers decide the
`quiz` type for them in one place, so a weight of 50% or a second fully right
answer is treated (and reported) the same way whatever the source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quiz.core.model import (
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats.common import ImportedBank, ImportResult, Report, format_number, source_key, split_source

BLANK = "_____"
"""Where the missing word goes when a missing-word question becomes a prompt."""


@dataclass
class Answer:
    """One answer of a source question: its text, credit in percent, feedback."""

    text: str
    weight: float
    feedback: str = ""
    center: float | None = None
    """For numerical answers: the accepted value, and how far off still counts."""
    spread: float = 0.0


@dataclass
class Draft:
    """What a reader learnt about one question, before it has a type."""

    file: str
    line: int
    name: str = ""
    prompt: str = ""
    feedback: str = ""
    """General feedback: becomes the explanation (and the source, if it names one)."""
    tags: list[str] = field(default_factory=list)
    hint: str | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(message, summary word) for what did not come over."""

    def note(self, message: str, what: str) -> None:
        self.notes.append((message, what))


class Skip(Exception):
    """The question cannot be represented; the message says why."""

    def __init__(self, message: str, what: str) -> None:
        super().__init__(message)
        self.what = what


def _fold(explanation: str, lines: list[str]) -> str:
    extra = [line for line in lines if line.strip()]
    if not extra:
        return explanation
    return (explanation + "\n\n" if explanation else "") + "\n".join(extra)


def common(draft: Draft, bank: ImportedBank, qid: str) -> dict[str, Any]:
    """The fields every type shares; a trailing `Source: ...` becomes a cited source."""
    explanation, citation = split_source(draft.feedback.strip())
    source = source_key(bank, citation) if citation else None
    return {
        "deck": bank.deck,
        "id": qid,
        "prompt": draft.prompt,
        "explanation": explanation,
        "source": source,
        "citation": citation,
        "tags": tuple(dict.fromkeys(t for t in draft.tags if t.strip())),
        "hint": draft.hint or None,
        "file": draft.file,
        "line": draft.line,
    }


def _percent(weight: float) -> str:
    return f"{format_number(round(weight, 5))}%"


def choice_fields(draft: Draft, answers: list[Answer], single: bool | None = None) -> dict[str, Any]:
    """choice or multi from weighted answers; partial credit is reported, not kept.

    One fully right answer: `choice` (other positive weights noted as dropped).
    Several positive answers adding up to 100%: `multi`, all-or-nothing.
    """
    if len(answers) < 2:
        raise Skip("a multiple-choice question needs at least 2 answers", "too few answers")
    full = [a for a in answers if a.weight >= 99.99]
    positive = [a for a in answers if a.weight > 0]
    feedback = {a.text: a.feedback for a in answers if a.feedback}
    choices = [a.text for a in answers]
    if len(full) == 1 and single is not False:
        for a in positive:
            if a is not full[0]:
                draft.note(
                    f"partial credit {_percent(a.weight)} for '{a.text}' dropped: it counts as wrong", "partial credit"
                )
        return {"type": "choice", "choices": choices, "answer": full[0].text, "feedback": feedback}
    if len(full) > 1 and single:
        raise Skip("several answers are each fully right: a quiz choice has exactly one", "several right answers")
    total = sum(a.weight for a in positive)
    if positive and 99 <= total <= 101 and (len(positive) > 1 or single is False):
        if len({round(a.weight, 3) for a in positive}) > 1:
            shown = ", ".join(f"'{a.text}' {_percent(a.weight)}" for a in positive)
            draft.note(f"unequal weights ({shown}) become all-or-nothing: tick exactly these", "partial credit")
        return {
            "type": "multi",
            "choices": choices,
            "answers": frozenset(a.text for a in positive),
            "feedback": feedback,
        }
    if not positive:
        raise Skip("no answer carries any credit: there is no right answer", "no right answer")
    shown = ", ".join(f"'{a.text}' {_percent(a.weight)}" for a in positive)
    raise Skip(f"partial credit other than all-or-nothing ({shown})", "partial credit")


def short_answers(draft: Draft, answers: list[Answer]) -> tuple[list[str], list[str]]:
    """Fully right answers, and feedback lines for the explanation; partial ones noted."""
    right = [a.text for a in answers if a.weight >= 99.99 and a.text.strip()]
    for a in answers:
        if 0 < a.weight < 99.99:
            draft.note(f"partial credit {_percent(a.weight)} for '{a.text}' dropped", "partial credit")
    if not right:
        raise Skip("no fully right answer", "no right answer")
    lines = [f"'{a.text}': {a.feedback}" for a in answers if a.feedback and a.weight >= 99.99]
    return right, lines


def number_fields(draft: Draft, answers: list[Answer]) -> dict[str, Any]:
    """`number` from numerical answers: one fully right range; others noted."""
    right = [a for a in answers if a.weight >= 99.99 and a.center is not None]
    if not right:
        raise Skip("no fully right numerical answer", "no right answer")
    first = right[0]
    assert first.center is not None
    for a in right[1:]:
        if (a.center, a.spread) != (first.center, first.spread):
            raise Skip("several separate right ranges: a quiz number has one", "several right answers")
    for a in answers:
        if 0 < a.weight < 99.99:
            draft.note(f"partial credit {_percent(a.weight)} for '{a.text}' dropped", "partial credit")
    lines = [f"'{a.text}': {a.feedback}" for a in answers if a.feedback and (a.weight >= 99.99 or a.center is None)]
    return {"type": "number", "answer": first.center, "tolerance": abs(first.spread), "lines": lines}


def build(draft: Draft, bank: ImportedBank, qid: str, fields: dict[str, Any]) -> Question:
    """The model question of the given type (`fields["type"]`) with the shared fields."""
    fields = dict(fields)
    kind = fields.pop("type")
    lines = fields.pop("lines", [])
    base = common(draft, bank, qid)
    base["explanation"] = _fold(base["explanation"], lines)
    if kind == "choice":
        return ChoiceQuestion(**base, **fields)
    if kind == "multi":
        return MultiQuestion(**base, **fields)
    if kind == "truefalse":
        return TrueFalseQuestion(**base, **fields)
    if kind == "short":
        return ShortQuestion(**base, **fields)
    if kind == "number":
        return NumberQuestion(**base, **fields)
    if kind == "match":
        return MatchQuestion(**base, **fields)
    if kind == "cloze":
        text = fields["text"]
        return ClozeQuestion(**base, text=text, parts=cloze_parts(text))
    raise ValueError(kind)


def cloze_parts(text: str) -> tuple[str | Gap, ...]:
    """The `parts` of a cloze text, as the loader builds them."""
    # The loader's own linear scan: a regex here took quadratic time on '{{{{...'.
    from quiz.core.bank_format import GapText, split_gaps

    pieces, _ = split_gaps(text)
    parts: list[str | Gap] = [
        Gap(tuple(a.strip() for a in piece.split("|"))) if isinstance(piece, GapText) else piece for piece in pieces
    ]
    return tuple(parts)


def gap(answers: list[str]) -> str:
    """`{{a|b}}`; an answer holding `|`, `{{` or `}}` cannot be a gap."""
    for answer in answers:
        if "|" in answer or "{{" in answer or "}}" in answer or "{" in answer or "}" in answer:
            raise Skip(f"the gap answer '{answer}' holds '|' or braces, which a quiz gap cannot", "gap syntax")
    return "{{" + "|".join(a.strip() for a in answers) + "}}"


def add(result: ImportResult, bank: ImportedBank, draft: Draft, make: Any) -> None:
    """Build one question with `make(qid)`; a `Skip` becomes a report, notes become reports."""
    try:
        question = make(bank.ids.make(draft.name, draft.prompt))
    except Skip as skip:
        result.reports.append(Report(draft.file, draft.line, f"skipped: {skip}", "skipped", what=skip.what))
        return
    for message, what in draft.notes:
        result.reports.append(Report(draft.file, draft.line, message, "changed", what=what))
    bank.questions.append(question)
