"""`quiz report`: find the learners' logs, settle which banks they answered, build the
report and write it where asked.

Without `--questions` (or `QUIZ_QUESTIONS`) the banks are inferred from the keys
in the logs: the bundled banks whose decks the logs answered. When none of the
logs' keys is in a bundled bank, nothing sensible can be reported, so the
command says which decks it did not recognise and how to name their banks,
rather than printing "0 questions answered".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TextIO

from quiz.cli.gradebook import write_gradebook
from quiz.cli.report_html import write_html
from quiz.cli.report_render import json_text, render_report, report_json, write_csv_dir
from quiz.cli.reports import load_library
from quiz.core.class_logs import find_learner_logs, load_class, log_keys
from quiz.core.class_report import LearnerReport, ReportFilter, assemble
from quiz.core.history import LearnerHistory
from quiz.core.model import Library
from quiz.core.scheduling import Settings, utc_now
from quiz.core.text import clean

__all__ = ["infer_library", "report_command"]

NAME_BANKS = "name the banks the class used: quiz report --questions PATH [--questions PATH ...] DIR ..."
SHOWN_UNKNOWN = 5
"""Unknown decks named in a message before "and N more"."""


def _decks(keys: set[str]) -> list[str]:
    return sorted({key.split("/", 1)[0] for key in keys})


def _named(decks: Sequence[str]) -> str:
    shown = ", ".join(clean(deck) for deck in decks[:SHOWN_UNKNOWN])
    if len(decks) > SHOWN_UNKNOWN:
        shown += f" and {len(decks) - SHOWN_UNKNOWN} more"
    return shown


def infer_library(bundled: Library, keys: set[str]) -> tuple[Library | None, str]:
    """The bundled banks the logs answered, and a message about the keys that are in
    none of them; None (with the message) when no key is in a bundled bank."""
    known = bundled.by_key()
    unknown = {key for key in keys if key not in known}
    answered_decks = {known[key].deck for key in keys if key in known}
    message = ""
    if unknown:
        decks = _decks(unknown)
        plural = "question" if len(unknown) == 1 else "questions"
        label = "deck" if len(decks) == 1 else "decks"
        message = f"{len(unknown)} answered {plural} ({label} {_named(decks)}) not in the bundled banks; {NAME_BANKS}"
    if not answered_decks:
        return None, message
    return Library(tuple(bank for bank in bundled.banks if bank.deck in answered_decks)), message


def _check_filters(library: Library, filters: ReportFilter) -> str:
    """A message naming a deck or tag the banks do not have ("" when all are known)."""
    decks = sorted({bank.deck for bank in library.banks})
    for deck in filters.decks:
        if deck not in decks:
            return f"no deck {clean(deck)!r} in the banks; decks: {_named(decks)}"
    tags = sorted({tag for question in library.questions for tag in question.tags})
    for tag in filters.tags:
        if tag not in tags:
            return f"no tag {clean(tag)!r} in the banks; tags: {_named(tags) or 'none'}"
    return ""


def report_command(
    paths: Sequence[Path],
    question_paths: Sequence[Path],
    out: TextIO,
    err: TextIO,
    *,
    infer_banks: bool = False,
    json_out: bool = False,
    csv_dir: Path | None = None,
    html_path: Path | None = None,
    overwrite: bool = False,
    tui: bool = False,
    filters: ReportFilter | None = None,
    roster: Sequence[tuple[str, Path | None, str | None, str]] = (),
    gradebook: Path | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    jobs: int | None = None,
) -> int:
    """`quiz report PATH...`: each PATH is a learner's folder, a folder of them, or a
    log file (`*.jsonl`). Prints the table (or JSON) unless only files were asked for;
    `tui` opens the report's screen instead.
    0 on success; 1 when no log is found, a file cannot be written, or a learner's
    log cannot be read (the report still covers everyone else); 2 when the banks
    cannot be settled or a filter names nothing."""
    filters = filters or ReportFilter()
    logs, problems = find_learner_logs(paths) if paths else ([], [])
    for problem in problems:
        err.write(f"quiz report: {clean(problem)}\n")
    failed: list[tuple[str, str]] = []
    emails: dict[str, str] = {}
    for name, folder, trouble, email in roster:
        emails[name] = email
        if trouble is not None:
            err.write(f"quiz report: {clean(name)}: {clean(trouble)}\n")
        if folder is not None:
            logs.append((name, folder))
        else:
            failed.append((name, trouble or "no score log"))
    if not logs and not failed:
        err.write("quiz report: no score logs found; give learners' score folders or their *.jsonl log files\n")
        return 1
    now = now or utc_now()
    # One learner's records at a time, reduced to figures; a roster's learner whose
    # repository could not be fetched stays in the report, with the reason.
    loaded = load_class(logs, now=now, settings=settings, filters=filters, failed=failed, jobs=jobs)
    library = load_library(question_paths, err)
    if infer_banks:
        keys = log_keys(loaded)
        inferred, message = infer_library(library, keys)
        if inferred is None:
            if keys:
                err.write(f"quiz report: {message}\n")
                return 2
            inferred = library
        elif message:
            err.write(f"quiz report: warning: {message}\n")
        library = inferred
    problem = _check_filters(library, filters)
    if problem:
        err.write(f"quiz report: {problem}\n")
        return 2
    report = assemble(loaded, library, now=now, settings=settings, filters=filters)
    if not report.questions and any(log.total for log in loaded) and filters.describe():
        err.write(f"quiz report: no answer in these logs matches the filters ({clean(filters.describe())})\n")
    unreadable = 0
    for learner in report.learners:
        if learner.error is not None:
            unreadable += 1
            if learner.name not in emails:  # a roster's failures were said above
                err.write(f"quiz report: {clean(learner.name)}: {clean(learner.error)}\n")
    try:
        if csv_dir is not None:
            for path in write_csv_dir(report, csv_dir, overwrite=overwrite):
                out.write(f"wrote {clean(str(path))}\n")
        if html_path is not None:
            write_html(report, html_path, overwrite=overwrite)
            out.write(f"wrote {clean(str(html_path))}\n")
        if gradebook is not None:
            write_gradebook(report, gradebook, emails, overwrite=overwrite)
            out.write(f"wrote {clean(str(gradebook))}\n")
    except OSError as error:
        err.write(f"quiz report: {clean(str(error))}\n")
        return 1
    if tui:
        from quiz.core.class_logs import learner_sources
        from quiz.core.history import history_of_logs
        from quiz.tui.screens.class_report import ClassReportApp  # Textual only when a screen opens

        moment = report.now

        def open_history(learner: LearnerReport) -> LearnerHistory:
            return history_of_logs(
                learner_sources(learner.path), library, now=moment, learner=learner.name, settings=settings
            )

        app = ClassReportApp(report, open_history)
        app.run()
        return app.return_code or (1 if unreadable else 0)
    if json_out:
        out.write(json_text(report_json(report)) + "\n")
    elif csv_dir is None and html_path is None and gradebook is None:
        out.write(render_report(report))
    return 1 if unreadable else 0
