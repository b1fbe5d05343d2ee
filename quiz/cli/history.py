"""`quiz history` and `quiz report`: score figures on the command line.

The layouts (tables, JSON, CSV) are in `quiz.cli.reports`; this module only wires
the commands to them.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError, learner_settings
from quiz.core.text import clean

if TYPE_CHECKING:
    from quiz.core.scheduling import Settings


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else "csv" if args.csv else "table"


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
    report.add_argument("dirs", nargs="+", metavar="DIR", help="a learner's score folder, or a folder of them")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV, one row per question")
    report.set_defaults(run=run_report)


def run_history(args: argparse.Namespace, ctx: Context) -> int:
    """The learner's own figures (after unsuspending what `--unsuspend` names)."""
    from dataclasses import replace

    from quiz.cli.reports import history_command
    from quiz.core.optimizer import parameters_for

    settings = learner_settings(ctx)
    settings = replace(settings, parameters=parameters_for(ctx.scores_dir, ctx.learner, ()))
    if args.unsuspend:
        return _unsuspend(args.unsuspend, ctx, settings)
    code = history_command(
        ctx.learner, ctx.scores_dir, ctx.question_paths, _format(args), ctx.stdout, ctx.stderr, settings=settings
    )
    if code == 0 and _format(args) == "table":
        from quiz.cli.numbers import render_review_stats
        from quiz.core.retention import review_stats
        from quiz.core.scheduling import Scheduler, utc_now
        from quiz.core.store import Store

        records = Store(ctx.scores_dir, ctx.learner).iter_records()
        stats = review_stats(records, Scheduler(settings), settings.days, utc_now())
        ctx.stdout.write("\n" + render_review_stats(stats))
    return code


def run_report(args: argparse.Namespace, ctx: Context) -> int:
    """A class report over learners' folders."""
    from quiz.cli.reports import report_command

    settings = learner_settings(ctx)
    return report_command(
        [Path(d) for d in args.dirs], ctx.question_paths, _format(args), ctx.stdout, ctx.stderr, settings=settings
    )


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
