"""Moodle XML export: element by element as Moodle's question/format/xml/format.php
reads them (see `quiz.formats.moodle_xml` for the import).

Texts go out as `format="html"` in CDATA (escaped, paragraphs as `<p>`); the
explanation and the source become `<generalfeedback>`; per-choice feedback stays
with its `<answer>`; hints and tags are kept; `order` and `card` have no Moodle
form and are reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape as xml_escape

from quiz.core.model import (
    Bank,
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
from quiz.formats.build import Skip
from quiz.formats.common import Report, format_number, general_feedback, text_to_html


def _clean_xml(text: str) -> str:
    """Characters XML 1.0 cannot hold (most control characters) become U+FFFD."""
    return re.sub(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "\ufffd", text)


def _cdata(markup: str) -> str:
    return "<![CDATA[" + _clean_xml(markup).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _html_text(tag: str, text: str, indent: str, attrs: str = ' format="html"') -> list[str]:
    return [f"{indent}<{tag}{attrs}>", f"{indent}  <text>{_cdata(text_to_html(text))}</text>", f"{indent}</{tag}>"]


def _plain_text(value: str) -> str:
    return f"<text>{xml_escape(_clean_xml(value))}</text>"


def _cloze_escape(text: str) -> str:
    return re.sub(r'([}#~/"\\])', r"\\\1", text)


def dumps(banks: Sequence[Bank]) -> tuple[str, list[Report], int]:
    """Moodle XML for the banks, reports on what could not go, and how many went."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    reports: list[Report] = []
    written = 0
    for bank in banks:
        out += [
            f"<!-- deck: {xml_escape(bank.deck).replace('--', '- -')} -->",
            '  <question type="category">',
            f"    <category>{_plain_text('$course$/top/' + bank.deck)}</category>",
            *_html_text("info", bank.description or bank.title, "    "),
            "  </question>",
        ]
        for question in bank.questions:
            try:
                body = _question_xml(question, reports)
            except Skip as skip:
                reports.append(Report(question.file, question.line, f"{question.key}: {skip}", what=skip.what))
                continue
            out.append(f"<!-- question: {xml_escape(question.key).replace('--', '- -')} -->")
            out.extend(body)
            written += 1
    out.append("</quiz>")
    return "\n".join(out) + "\n", reports, written


def _answer(fraction: str, text: str, feedback: str, indent: str = "    ", extra: Sequence[str] = ()) -> list[str]:
    return [
        f'{indent}<answer fraction="{fraction}" format="html">',
        f"{indent}  <text>{_cdata(text_to_html(text))}</text>",
        *extra,
        *_html_text("feedback", feedback, indent + "  "),
        f"{indent}</answer>",
    ]


def _question_xml(q: Question, reports: list[Report]) -> list[str]:
    def note(message: str, what: str) -> None:
        reports.append(Report(q.file, q.line, f"{q.key}: {message}", "changed", what=what))

    qtype = {
        "choice": "multichoice",
        "multi": "multichoice",
        "truefalse": "truefalse",
        "short": "shortanswer",
        "number": "numerical",
        "match": "matching",
        "cloze": "cloze",
    }.get(q.type)
    if qtype is None:
        raise Skip(f"'{q.type}' questions have no Moodle XML form", q.type)
    prompt = q.prompt
    if isinstance(q, ClozeQuestion):
        pieces = []
        for part in q.parts:
            if isinstance(part, Gap):
                answers = "~".join(f"={_cloze_escape(a)}" for a in part.answers)
                pieces.append(f"{{1:SHORTANSWER:{answers}}}")
            else:
                pieces.append(part)
        prompt = (q.prompt + "\n\n" if q.prompt else "") + "".join(pieces)
        if q.typos:
            note(f"typos: {q.typos} is not exported (Moodle matches exactly)", "typos")
    lines = [
        f'  <question type="{qtype}">',
        f"    <name>{_plain_text(q.id)}</name>",
        *_html_text("questiontext", prompt, "    "),
        *_html_text("generalfeedback", general_feedback(q.explanation, q.citation), "    "),
        "    <defaultgrade>1</defaultgrade>",
        "    <penalty>0.3333333</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{xml_escape(_clean_xml(q.key))[:100]}</idnumber>",
    ]
    if isinstance(q, ChoiceQuestion | MultiQuestion):
        single = isinstance(q, ChoiceQuestion)
        share: str = format_number(round(100 / len(q.answers), 5)) if isinstance(q, MultiQuestion) else "100"
        lines += [
            f"    <single>{'true' if single else 'false'}</single>",
            f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>",
            "    <answernumbering>abc</answernumbering>",
        ]
        for choice in q.choices:
            is_right = choice == q.answer if isinstance(q, ChoiceQuestion) else choice in q.answers
            fraction = share if is_right else ("0" if single else "-100")
            lines += _answer(fraction, choice, q.feedback.get(choice, ""))
    elif isinstance(q, TrueFalseQuestion):
        # Moodle tells the two answers apart by their text being exactly "true" and "false".
        for word, is_right in (("true", q.answer), ("false", not q.answer)):
            lines += [
                f'    <answer fraction="{100 if is_right else 0}" format="moodle_auto_format">',
                f"      <text>{word}</text>",
                *_html_text("feedback", "", "      "),
                "    </answer>",
            ]
    elif isinstance(q, ShortQuestion):
        if q.typos:
            note(f"typos: {q.typos} is not exported (Moodle matches short answers exactly)", "typos")
        lines.append("    <usecase>0</usecase>")
        for answer in q.answers:
            lines += [
                '    <answer fraction="100" format="moodle_auto_format">',
                f"      {_plain_text(answer)}",
                *_html_text("feedback", "", "      "),
                "    </answer>",
            ]
    elif isinstance(q, NumberQuestion):
        lines += [
            '    <answer fraction="100" format="moodle_auto_format">',
            f"      <text>{format_number(q.answer)}</text>",
            *_html_text("feedback", "", "      "),
            f"      <tolerance>{format_number(q.tolerance)}</tolerance>",
            "    </answer>",
        ]
        if q.unit:
            lines += [
                "    <unitgradingtype>0</unitgradingtype>",
                "    <unitpenalty>0.1000000</unitpenalty>",
                "    <showunits>0</showunits>",
                "    <unitsleft>0</unitsleft>",
                "    <units>",
                "      <unit>",
                "        <multiplier>1</multiplier>",
                f"        <unit_name>{xml_escape(_clean_xml(q.unit))}</unit_name>",
                "      </unit>",
                "    </units>",
            ]
    elif isinstance(q, MatchQuestion):
        lines.append(f"    <shuffleanswers>{'true' if q.shuffle else 'false'}</shuffleanswers>")
        for left, right in q.pairs:
            lines += [
                '    <subquestion format="html">',
                f"      <text>{_cdata(text_to_html(left))}</text>",
                f"      <answer>{_plain_text(right)}</answer>",
                "    </subquestion>",
            ]
    if q.hint:
        lines += _html_text("hint", q.hint, "    ")
    if q.tags:
        lines.append("    <tags>")
        lines += [f"      <tag>{_plain_text(tag)}</tag>" for tag in q.tags]
        lines.append("    </tags>")
    lines.append("  </question>")
    return lines


__all__ = ["dumps"]
