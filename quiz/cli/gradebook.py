"""`quiz report --gradebook FILE.csv`: one row per learner for an LMS grade import.

Moodle's "Import grades from CSV" and Canvas's gradebook import both take a CSV
with an identifier column and one column per grade item; the teacher maps the
columns in the LMS (docs/classroom.md says how). The identifier is the roster's
`email` when there is one, else the learner's name. Numbers are plain (no "%"), so
every LMS reads them as numbers; an unreadable learner has empty grade cells.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from quiz.cli.report_render import csv_cell
from quiz.core.class_report import ClassReport

COLUMNS = ("Identifier", "Learner", "Mastery %", "Accuracy %", "Answers", "Last activity")


def gradebook_rows(report: ClassReport, emails: Mapping[str, str]) -> list[list[str]]:
    """The header and one row per learner, in report order."""
    rows: list[list[str]] = [list(COLUMNS)]
    for learner in report.learners:
        identifier = emails.get(learner.name) or learner.name
        if learner.error is not None:
            rows.append([identifier, learner.name, "", "", "", ""])
            continue
        last = learner.last.strftime("%Y-%m-%d %H:%M") if learner.last is not None else ""
        rows.append(
            [
                identifier,
                learner.name,
                f"{100 * learner.mastery:.1f}",
                f"{100 * learner.accuracy:.1f}",
                str(learner.answers),
                last,
            ]
        )
    return rows


def write_gradebook(report: ClassReport, path: Path, emails: Mapping[str, str], *, overwrite: bool = False) -> None:
    """Write the gradebook CSV atomically; never replaces a file unless `overwrite`."""
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists (give --force to replace it)")
    folder = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(prefix=".gradebook-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            for row in gradebook_rows(report, emails):
                writer.writerow([csv_cell(cell) for cell in row])
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
