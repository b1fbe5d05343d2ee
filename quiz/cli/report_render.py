"""The class report laid out as text, JSON and CSV files (`quiz report`).

The figures come from `quiz.core.class_report`; this module only lays them out,
with the definitions (`legend`) beside them so a printed report explains itself.
Text from banks and score files passes through `quiz.core.text.clean` before it
reaches a terminal or a file a terminal may show. Numbers in the CSV files are
rounded as the table shows them (whole percents, D to two decimals, seconds to
one), so a spreadsheet and the printed report agree.
"""

from __future__ import annotations

import csv
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from quiz.cli.reports import bar, clip, count, percent, table, when
from quiz.core.class_choices import MIN_LEARNERS_FOR_UNUSED
from quiz.core.class_report import (
    MIN_LEARNERS_FOR_DISCRIMINATION,
    Cell,
    ClassReport,
    Discrimination,
    QuestionReport,
)
from quiz.core.text import clean
from quiz.core.text import csv_cell as core_csv_cell
from quiz.core.text import json_text as core_json_text

__all__ = [
    "CSV_FILES",
    "GRID_BLOCK",
    "MARKS",
    "csv_tables",
    "discrimination_text",
    "json_text",
    "legend",
    "render_report",
    "report_json",
    "write_csv_dir",
]

MARKS: dict[Cell, str] = {
    "right": "✓",
    "wrong": "✗",
    "overridden": "!",
    "unseen": "·",
    "1": "1",
    "2": "2",
    "3": "3",
    "4": "4",
}
"""The grid's compact marks (the legend explains them)."""
GRID_BLOCK = 25
"""Question columns per block of the text grid, so it fits a terminal."""
LEGEND_WIDTH = 100
"""The legend's lines wrap at this width, under their term."""
CSV_FILES = ("questions.csv", "learners.csv", "grid.csv", "choices.csv")


def discrimination_text(d: Discrimination | None, note: str) -> str:
    """'+0.42 [+0.05, +0.70]' or 'n/a (fewer than 10 learners)'."""
    if d is None:
        return f"n/a ({note})" if note else "n/a"
    return f"{d.r:+.2f} [{d.low:+.2f}, {d.high:+.2f}]"


def legend(report: ClassReport) -> list[tuple[str, str]]:
    """(term, definition) for every figure of the report, in reading order."""
    retention = percent(report.desired_retention)
    return [
        (
            "1st attempt",
            "a learner's first answer to the question in the filters, whatever came after: an answer "
            "they undid still counts; 'overridden' (!) means graded wrong, then declared right by the "
            "learner ('I was right'); it counts as wrong in the shares",
        ),
        ("Learners", "learners with a first attempt at the question"),
        ("1st right", "how many of them were right at their first attempt, and their share"),
        ("Answers", "every answer in the filters, repeats included, undone ones left out"),
        ("Median s", "median seconds taken over those answers"),
        (
            "D",
            "discrimination: point-biserial correlation between being right at the first attempt and "
            "the learner's score on the other questions, with its 95% confidence interval; only with "
            f"at least {MIN_LEARNERS_FOR_DISCRIMINATION} learners (fewer give noise), else n/a. "
            "Above +0.3 the question separates strong from weak learners well; near 0 or negative, "
            "check its key and wording",
        ),
        (
            "Choices",
            "learners who picked each choice at their first attempt, and their share of the question's "
            "learners (a multi's ticks add up to more than 100%); * marks a right choice; open questions "
            "list their most common first responses; a card lists its self-grades, which are not wrong "
            "answers",
        ),
        (
            "never picked",
            f"a wrong choice no learner picked, once at least {MIN_LEARNERS_FOR_UNUSED} learners answered",
        ),
        (
            "picked more by strong learners",
            "a wrong choice a larger share of strong learners (score above the class median) picked than "
            f"of weak ones (below it); with at least {MIN_LEARNERS_FOR_DISCRIMINATION} learners",
        ),
        ("Score", "a learner's share right at first attempt over the questions they saw"),
        ("Accuracy", "share right over all of a learner's answers in the filters, repeats included"),
        (
            "Mastery",
            f"share of the questions in scope whose predicted recall (FSRS) is at least {retention} now, "
            "with at least one answer a day or more after the first; from the whole log, whatever the "
            "date and mode filters",
        ),
        (
            "Grid",
            "✓ right, ✗ wrong, ! overridden by the learner, · not seen, 1-4 a card's self-grade "
            "(1 Again, 2 Hard, 3 Good, 4 Easy)",
        ),
    ]


def _head(report: ClassReport) -> str:
    head = (
        f"Class report at {when(report.now)} UTC: {count(len(report.learners), 'learner')}, "
        f"{count(len(report.questions), 'question')} answered"
    )
    if report.unanswered:
        head += f" ({report.unanswered} never answered)"
    filters = report.filters.describe()
    if filters:
        head += f"\nFilters: {clean(filters)}"
    return head


def _first_right(q: QuestionReport) -> str:
    return f"{q.first_right} ({percent(q.first_right_share)})"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _grid_blocks(report: ClassReport) -> list[str]:
    rows_of = report.grid_rows
    cell = max(2, len(str(len(report.questions))) + 1)
    blocks = []
    for start in range(0, len(report.questions), GRID_BLOCK):
        numbers = range(start, min(start + GRID_BLOCK, len(report.questions)))
        headers = ["Learner", *(str(n + 1).rjust(cell) for n in numbers)]
        rows = [
            [clip(clean(learner.name), 20), *(MARKS[cells[n]].rjust(cell) for n in numbers)]
            for learner, cells in rows_of
        ]
        blocks.append(table(headers, rows, [False] + [True] * len(numbers)))
    return blocks


def render_report(report: ClassReport) -> str:
    """The class report as plain text: questions, choices, the grid, learners, the legend."""
    parts = [_head(report)]
    rows = [
        [
            f"Q{q.number}",
            clean(q.key),
            clip(clean(q.prompt), 40),
            str(q.learners),
            _first_right(q),
            str(q.overridden),
            str(q.answers),
            _seconds(q.median_elapsed),
            discrimination_text(q.discrimination, q.discrimination_note),
            ", ".join(q.flags),
        ]
        for q in report.questions
    ]
    headers = ["#", "Question", "Prompt", "Learners", "1st right", "Overridden", "Answers", "Median s"]
    headers += ["D [95% CI]", "Flags"]
    numeric = [False, False, False, True, True, True, True, True, False, False]
    parts.append("Questions\n" + table(headers, rows, numeric))

    choice_parts = []
    for q in report.questions:
        lines = [f"Q{q.number} {clean(q.key)}  {clip(clean(q.prompt), 60)}"]
        choice_rows = [
            [
                "*" if c.correct else " ",
                clip(clean(c.text), 40),
                str(c.learners),
                percent(c.share),
                bar(c.share),
                ", ".join(c.flags),
            ]
            for c in q.choices
        ]
        numeric = [False, False, True, True, False, False]
        lines.append(_indent(table(["", "Choice", "Learners", "Share", "", "Flags"], choice_rows, numeric)))
        choice_parts.append("\n".join(lines))
    if choice_parts:
        parts.append("Choices at the first attempt (* a right choice)\n\n" + "\n\n".join(choice_parts))

    if report.questions:
        marks = "✓ right, ✗ wrong, ! overridden, · not seen, 1-4 a card's self-grade"
        parts.append(f"First attempts, learner by question ({marks})\n" + "\n\n".join(_grid_blocks(report)))

    learner_rows = [
        [
            clean(learner.name),
            str(learner.seen),
            f"{learner.first_right} ({percent(learner.score)})",
            str(learner.overridden),
            str(learner.answers),
            percent(learner.accuracy),
            f"{percent(learner.mastery)} ({learner.mastered}/{learner.scope})",
            "" if learner.error is None else "unreadable: " + clean(learner.error),
        ]
        for learner in report.learners
    ]
    parts.append(
        "Learners\n"
        + table(
            ["Learner", "Seen", "1st right (score)", "Overridden", "Answers", "Accuracy", "Mastery", ""],
            learner_rows,
            [False, True, True, True, True, True, True, False],
        )
    )
    parts.append(
        "Legend\n"
        + "\n".join(
            textwrap.fill(f"{term}: {text}", LEGEND_WIDTH, initial_indent="  ", subsequent_indent="      ")
            for term, text in legend(report)
        )
    )
    if report.unknown.answers:
        parts.append(report.unknown.message().capitalize() + ".")
    if report.warnings:
        parts.append("Warnings:\n" + "\n".join(f"  {clean(w)}" for w in report.warnings))
    return "\n\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _discrimination_json(d: Discrimination | None) -> dict[str, Any] | None:
    if d is None:
        return None
    return {"r": d.r, "ci_low": d.low, "ci_high": d.high, "learners": d.learners}


def report_json(report: ClassReport) -> dict[str, Any]:
    """The class report as JSON-ready data (exact figures, not rounded)."""
    return {
        "now": report.now.isoformat(),
        "desired_retention": report.desired_retention,
        "filters": {
            "since": report.filters.since.isoformat() if report.filters.since else None,
            "until": report.filters.until.isoformat() if report.filters.until else None,
            "modes": sorted(report.filters.modes),
            "decks": list(report.filters.decks),
            "tags": list(report.filters.tags),
        },
        "min_learners_for_discrimination": MIN_LEARNERS_FOR_DISCRIMINATION,
        "median_score": report.median_score,
        "questions": [
            {
                "number": q.number,
                "key": q.key,
                "prompt": q.prompt,
                "type": q.type,
                "learners": q.learners,
                "first_right": q.first_right,
                "first_right_share": q.first_right_share,
                "overridden": q.overridden,
                "answers": q.answers,
                "median_elapsed": q.median_elapsed,
                "discrimination": _discrimination_json(q.discrimination),
                "discrimination_note": q.discrimination_note,
                "choices": [
                    {
                        "text": c.text,
                        "kind": c.kind,
                        "correct": c.correct,
                        "learners": c.learners,
                        "share": c.share,
                        "flags": list(c.flags),
                    }
                    for c in q.choices
                ],
                "flags": list(q.flags),
            }
            for q in report.questions
        ],
        "unanswered": report.unanswered,
        "learners": [
            {
                "name": learner.name,
                "path": str(learner.path),
                "seen": learner.seen,
                "first_right": learner.first_right,
                "score": learner.score,
                "overridden": learner.overridden,
                "answers": learner.answers,
                "right": learner.right,
                "accuracy": learner.accuracy,
                "mastered": learner.mastered,
                "mastery": learner.mastery,
                "error": learner.error,
            }
            for learner in report.learners
        ],
        "grid": {
            "questions": [q.key for q in report.questions],
            "rows": [{"learner": learner.name, "cells": list(row)} for learner, row in report.grid_rows],
        },
        "legend": dict(legend(report)),
        "unknown": {
            "answers": report.unknown.answers,
            "questions": report.unknown.questions,
            "message": report.unknown.message(),
        },
        "warnings": list(report.warnings),
    }


def json_text(data: Any) -> str:
    """`data` as indented JSON safe to print on a terminal (`quiz.core.text.json_text`)."""
    return core_json_text(data, indent=2)


def _pct(share: float) -> str:
    """A share as the table shows it, without the % sign: 0.625 -> '62'."""
    return percent(share).rstrip("%")


def _d(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def csv_tables(report: ClassReport) -> dict[str, list[list[str]]]:
    """The four CSV tables (header row first), cells as text, rounded as displayed."""
    questions = [
        [
            "number",
            "key",
            "prompt",
            "type",
            "learners",
            "first_right",
            "first_right_pct",
            "overridden",
            "answers",
            "median_seconds",
            "discrimination",
            "ci_low",
            "ci_high",
            "discrimination_note",
            "flags",
        ]
    ]
    for q in report.questions:
        d = q.discrimination
        questions.append(
            [
                str(q.number),
                q.key,
                q.prompt,
                q.type,
                str(q.learners),
                str(q.first_right),
                _pct(q.first_right_share),
                str(q.overridden),
                str(q.answers),
                _seconds(q.median_elapsed),
                _d(d.r if d else None),
                _d(d.low if d else None),
                _d(d.high if d else None),
                q.discrimination_note,
                "; ".join(q.flags),
            ]
        )
    learners = [
        [
            "learner",
            "seen",
            "first_right",
            "score_pct",
            "overridden",
            "answers",
            "right",
            "accuracy_pct",
            "mastered",
            "questions_in_scope",
            "mastery_pct",
            "error",
        ]
    ]
    for learner in report.learners:
        learners.append(
            [
                learner.name,
                str(learner.seen),
                str(learner.first_right),
                _pct(learner.score),
                str(learner.overridden),
                str(learner.answers),
                str(learner.right),
                _pct(learner.accuracy),
                str(learner.mastered),
                str(learner.scope),
                _pct(learner.mastery),
                learner.error or "",
            ]
        )
    words: dict[Cell, str] = {"unseen": ""}
    grid = [["learner", *(q.key for q in report.questions)]]
    for learner, row in report.grid_rows:
        grid.append([learner.name, *(words.get(cell, cell) for cell in row)])
    choices = [["number", "key", "choice", "kind", "correct", "learners", "share_pct", "flags"]]
    for q in report.questions:
        for c in q.choices:
            choices.append(
                [
                    str(q.number),
                    q.key,
                    c.text,
                    c.kind,
                    "true" if c.correct else "false",
                    str(c.learners),
                    _pct(c.share),
                    "; ".join(c.flags),
                ]
            )
    return dict(zip(CSV_FILES, (questions, learners, grid, choices), strict=True))


def csv_cell(text: str) -> str:
    """A CSV cell safe to `cat` in a terminal and to open in a spreadsheet
    (`quiz.core.text.csv_cell`: control characters escaped, formulas defused)."""
    return str(core_csv_cell(text))


def write_csv_dir(report: ClassReport, folder: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the four tables into `folder` (made if missing); refuses to replace an
    existing file unless `overwrite`. Raises `FileExistsError` / `OSError`."""
    paths = [folder / name for name in CSV_FILES]
    if not overwrite:
        existing = [path for path in paths if path.exists()]
        if existing:
            raise FileExistsError(f"{existing[0]} exists (give --force to replace it)")
    folder.mkdir(parents=True, exist_ok=True)
    for path, rows in zip(paths, csv_tables(report).values(), strict=True):
        _write_csv(path, rows)
    return paths


def _write_csv(path: Path, rows: Sequence[Sequence[str]]) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        _csv_rows(handle, rows)
    temporary.replace(path)


def _csv_rows(handle: TextIO, rows: Sequence[Sequence[str]]) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
