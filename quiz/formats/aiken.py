"""Aiken, Moodle's simplest multiple-choice format (import only).

As Moodle documents it: the question on its own line(s), then options `A.` or
`A)` (capital letter, a full stop or bracket, a space), then `ANSWER: B`. Blank
lines between questions are allowed and ignored.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from quiz.formats.build import Answer, Draft, add, build, choice_fields
from quiz.formats.common import ImportResult, Report, slugify

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse(text: str, file: str, deck: str | None = None) -> ImportResult:
    """Every question of an Aiken file, as `choice` questions."""
    result = ImportResult()
    bank = result.bank(deck or slugify(PurePath(file).stem, words=8, fallback="imported"), origin=file)
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    broken = False

    def error(line: int, column: int, message: str) -> None:
        result.reports.append(Report(file, line, message, "error", column=column, what="syntax error"))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if broken:
            if answer:
                broken, prompt, options = False, [], []
            continue
        if answer and prompt:
            letter = answer.group(1).strip()
            letters = [o[0] for o in options]
            column = raw.index(letter) + 1 if letter and letter in raw else len(raw) + 1
            result.seen += 1
            if len(options) < 2:
                error(number, 1, f"'ANSWER:' after {len(options)} option(s): expected at least 2 options 'A. ...'")
            elif letter not in letters:
                shown = f"'{letter}'" if letter else "nothing"
                error(
                    number,
                    column,
                    f"expected one of the option letters {', '.join(letters)} after 'ANSWER:', found {shown}",
                )
            else:
                draft = Draft(file=file, line=start, prompt=" ".join(prompt))
                answers = [Answer(text, 100.0 if key == letter else 0.0) for key, text in options]
                fields = choice_fields(draft, answers)
                add(result, bank, draft, lambda qid, d=draft, f=fields: build(d, bank, qid, f))
            prompt, options = [], []
        elif option and prompt:
            expected = chr(ord("A") + len(options))
            if option.group(1) != expected:
                error(number, 1, f"expected option '{expected}.' next, found '{option.group(1)}'")
                result.seen += 1
                broken = True
                continue
            options.append((option.group(1), option.group(2)))
        elif options:
            error(
                number, 1, f"expected option '{chr(ord('A') + len(options))}. ...' or 'ANSWER: X', found '{line[:30]}'"
            )
            result.seen += 1
            broken = True
        elif answer:
            error(number, 1, "'ANSWER:' before any question text")
        else:
            if not prompt:
                start = number
            prompt.append(line)
    if prompt and not broken:
        result.seen += 1
        error(start, 1, "the question has no 'ANSWER: X' line at the end")
    result.banks = [b for b in result.banks if b.questions]
    return result


__all__ = ["parse"]
