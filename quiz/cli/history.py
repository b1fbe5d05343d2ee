"""`quiz history` and `quiz report`: score figures on the command line.

The layouts (tables, JSON, CSV) are in `quiz.cli.reports`; this module only wires
the commands to them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from quiz.cli.common import AddCommand, Context, learner_settings


def _format(args: argparse.Namespace) -> str:
    return "json" if args.json else "csv" if args.csv else "table"


def register(add: AddCommand) -> None:
    """Add `history` and `report` to the command line."""
    history = add("history", "your score history on the command line")
    out = history.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print every answer record as CSV")
    history.set_defaults(run=run_history)

    report = add("report", "a class report from several learners' score folders")
    report.add_argument("dirs", nargs="+", metavar="DIR", help="a learner's score folder, or a folder of them")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV, one row per question")
    report.set_defaults(run=run_report)


def run_history(args: argparse.Namespace, ctx: Context) -> int:
    """The learner's own figures."""
    from quiz.cli.reports import history_command

    settings = learner_settings(ctx)
    return history_command(
        ctx.learner, ctx.scores_dir, ctx.question_paths, _format(args), ctx.stdout, ctx.stderr, settings=settings
    )


def run_report(args: argparse.Namespace, ctx: Context) -> int:
    """A class report over learners' folders."""
    from quiz.cli.reports import report_command

    settings = learner_settings(ctx)
    return report_command(
        [Path(d) for d in args.dirs], ctx.question_paths, _format(args), ctx.stdout, ctx.stderr, settings=settings
    )
