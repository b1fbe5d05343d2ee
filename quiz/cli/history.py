"""`quiz history` and `quiz report`: score figures on the command line.

The layouts (tables, JSON, CSV) are in `quiz.cli.reports`; this module only wires
the commands to them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    AddCommand,
    Context,
    UsageError,
    add_filters,
    learner_settings,
)
from quiz.core.text import clean

if TYPE_CHECKING:
    from quiz.core.retention import ReviewStats
    from quiz.core.scheduling import Settings


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else "csv" if args.csv else "table"


MODES = ("drill", "practice", "exam", "cram")
"""`quiz.core.class_report.MODES`, repeated so `--help` does not import the core."""


def _date(value: str) -> date:
    """An argparse type: a YYYY-MM-DD day."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-03-01") from None


def _jobs(value: str) -> int:
    from quiz.core.class_pool import MAX_WORKERS

    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if not 1 <= jobs <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to {MAX_WORKERS}, got {value!r}")
    return jobs


def register(add: AddCommand) -> None:
    """Add `history` and `report` to the command line."""
    history = add("history", "your score history on the command line")
    out = history.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print every answer record as CSV")
    history.add_argument(
        "--unsuspend", metavar="KEY", action="append", default=[], help="bring a suspended question back (deck/id)"
    )
    history.set_defaults(run=run_history)

    report = add("report", "a class report from several learners' score folders")
    report.add_argument(
        "dirs",
        nargs="*",
        metavar="PATH",
        help="a learner's score folder, a folder of them, or one log file (*.jsonl)",
    )
    report.add_argument(
        "--roster",
        metavar="CSV",
        type=Path,
        help="a class roster (columns learner,url[,email]): fetch each learner's git repository and report on them",
    )
    report.add_argument(
        "--gradebook",
        metavar="FILE",
        type=Path,
        help="write one row per learner for an LMS grade import (Moodle, Canvas): see docs/classroom.md",
    )
    report.add_argument("--json", action="store_true", help="print JSON instead of the table")
    report.add_argument(
        "--csv", metavar="DIR", type=Path, help="write questions.csv, learners.csv, grid.csv, choices.csv into DIR"
    )
    report.add_argument("--html", metavar="FILE", type=Path, help="write a one-page HTML report (prints on A4)")
    report.add_argument("--force", action="store_true", help="replace existing --csv/--html files")
    report.add_argument(
        "--tui", action="store_true", help="open the report in the terminal UI (grid, questions, learners)"
    )
    report.add_argument("--since", metavar="DATE", type=_date, help="only answers from this UTC day on (YYYY-MM-DD)")
    report.add_argument("--until", metavar="DATE", type=_date, help="only answers up to this UTC day (included)")
    report.add_argument(
        "--mode", action="append", default=[], choices=MODES, help="only answers given in this mode (repeatable)"
    )
    report.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        help="processes reading the logs not in the cache (default: one per core for a big class, else 1)",
    )
    add_filters(report)
    for action in report._actions:
        if action.dest in ("scores", "learner"):
            action.help = argparse.SUPPRESS  # refused here: the learners are the PATHs
        elif action.dest == "questions":
            action.help = "a bank file or folder (repeatable; default: the bundled banks the logs answered)"
    report.set_defaults(run=run_report)


def run_history(args: argparse.Namespace, ctx: Context) -> int:
    """The learner's own figures (after unsuspending what `--unsuspend` names)."""
    from dataclasses import replace

    from quiz.cli.reports import history_command, load_library
    from quiz.core.optimizer import parameters_for

    settings = learner_settings(ctx)
    library = load_library(ctx.question_paths, ctx.stderr)
    # The parameters the learner's drills use (own fit, else a bank's, else the defaults),
    # so predicted recall and calibration judge the schedule the learner actually gets.
    settings = replace(settings, parameters=parameters_for(ctx.scores_dir, ctx.learner, library.banks))
    if args.unsuspend:
        return _unsuspend(args.unsuspend, ctx, settings)
    from quiz.cli.numbers import render_review_stats, review_stats_json
    from quiz.core.retention import review_stats
    from quiz.core.scheduling import Scheduler, utc_now
    from quiz.core.store import Store

    now = utc_now()

    def stats() -> ReviewStats:
        """True retention and calibration: a second pass over the log, only when shown."""
        return review_stats(Store(ctx.scores_dir, ctx.learner).iter_records(), Scheduler(settings), settings.days, now)

    code = history_command(
        ctx.learner,
        ctx.scores_dir,
        ctx.question_paths,
        _format(args),
        ctx.stdout,
        ctx.stderr,
        now=now,
        settings=settings,
        more_json=lambda: review_stats_json(stats()),
        library=library,
    )
    if code == 0 and _format(args) == "table":
        ctx.stdout.write("\n" + render_review_stats(stats()))
    return code


def run_report(args: argparse.Namespace, ctx: Context) -> int:
    """A class report over learners' folders."""
    from quiz.cli.report_run import report_command
    from quiz.core.class_report import ReportFilter

    given = [option for option in ("scores", "learner") if getattr(args, option, None) is not None]
    if given:
        raise UsageError(
            f"--{given[0]} means nothing for `quiz report`: give the learners' score folders "
            "(or their *.jsonl log files) as arguments"
        )
    if args.tui and args.json:
        raise UsageError("--tui and --json cannot go together")
    if not args.dirs and args.roster is None:
        raise UsageError("give learners' score folders (or *.jsonl files), or --roster roster.csv")
    roster: list[tuple[str, Path | None, str | None, str]] = []
    if args.roster is not None:
        roster = _fetch_roster(args.roster, ctx)
    if args.since and args.until and args.since > args.until:
        raise UsageError(f"--since {args.since} is after --until {args.until}")
    filters = ReportFilter(
        since=args.since,
        until=args.until,
        modes=frozenset(args.mode),
        decks=tuple(args.deck),
        tags=tuple(args.tag),
    )
    return report_command(
        [Path(d) for d in args.dirs],
        ctx.question_paths,
        ctx.stdout,
        ctx.stderr,
        infer_banks=args.questions is None and not os.environ.get("QUIZ_QUESTIONS", "").strip(),
        json_out=args.json,
        csv_dir=args.csv,
        html_path=args.html,
        overwrite=args.force,
        tui=args.tui,
        filters=filters,
        roster=roster,
        gradebook=args.gradebook,
        jobs=args.jobs,
    )


def _fetch_roster(path: Path, ctx: Context) -> list[tuple[str, Path | None, str | None, str]]:
    """(learner, folder or None, problem or None, email) for each member of the roster,
    their repositories cloned or fetched into the cache first."""
    from quiz.core.paths import cache_dir
    from quiz.core.roster import RosterError, fetch_roster, read_roster

    try:
        members = read_roster(path)
    except RosterError as error:
        raise UsageError(str(error)) from None
    if not members:
        raise UsageError(f"{path}: the roster lists nobody")
    cache = cache_dir() or Path(tempfile.mkdtemp(prefix="quiz-roster-"))
    ctx.stderr.write(f"fetching {len(members)} repositories...\n")
    return [(f.member.learner, f.folder, f.problem, f.member.email) for f in fetch_roster(members, cache)]


def _unsuspend(keys: list[str], ctx: Context, settings: Settings) -> int:
    """Log an `unsuspend` record for each suspended KEY; a KEY not suspended is an error."""
    from quiz.core.flags import flag_record
    from quiz.core.replay_cache import replay_log
    from quiz.core.scheduling import Scheduler, utc_now
    from quiz.core.store import LearnerError, Store, StoreError

    try:
        store = Store(ctx.scores_dir, ctx.learner)
        flags = replay_log(store.logs(), Scheduler(settings)).flags
        missing = [key for key in keys if not flags.is_suspended(key)]
        if missing:
            raise UsageError(f"not suspended: {', '.join(clean(key) for key in missing)}")
        for key in keys:
            store.append(flag_record("unsuspend", ctx.learner, key, utc_now()))
            print(f"unsuspended {clean(key)}", file=ctx.stdout)
    except LearnerError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:
        print(f"quiz history: {error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK
