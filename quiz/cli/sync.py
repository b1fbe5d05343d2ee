"""`quiz sync`: send the learner's new answers to the class repository and get the
other devices' (see `quiz.core.gitsync`, the only code that runs git)."""

from __future__ import annotations

import argparse

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError
from quiz.core.text import clean


def register(add: AddCommand) -> None:
    """Add `sync` to the command line."""
    sync = add("sync", "commit your new answers to the class git repository, pull, push")
    sync.add_argument("--init", metavar="URL", help="connect the scores folder to a class repository (clone it)")
    sync.add_argument("-v", "--verbose", action="store_true", help="show every git command and what it printed")
    sync.set_defaults(run=run_sync)


def run_sync(args: argparse.Namespace, ctx: Context) -> int:
    """Sync, or with --init connect; one clear sentence on failure, exit 1."""
    from quiz.core.device import device_name
    from quiz.core.gitsync import GitError, Tally, init, sync
    from quiz.core.store import LearnerError, validate_learner

    try:
        validate_learner(ctx.learner)
    except LearnerError as error:
        raise UsageError(str(error)) from None

    def echo(line: str) -> None:
        ctx.stderr.write(clean(line) + "\n")

    verbose = echo if args.verbose else None
    try:
        if args.init:
            ctx.stdout.write(clean(init(ctx.scores_dir, args.init, echo=verbose)) + "\n")
        result = sync(ctx.scores_dir, ctx.learner, device_name(), echo=verbose)
    except GitError as error:
        ctx.stderr.write(f"quiz sync: {clean(str(error))}\n")
        return EXIT_PROBLEMS
    for name, kept in result.kept_aside:
        ctx.stdout.write(
            f"your {clean(name)} is kept as {clean(kept)}: the class repository has its own {clean(name)}\n"
        )
    sent = Tally(result.committed, result.others).describe()
    if not result.remote:
        ctx.stdout.write(f"{sent} committed; this repository has no remote (`quiz sync --init URL` connects it)\n")
    elif result.pushed:
        ctx.stdout.write(f"synced: {sent} sent, the other devices' answers received\n")
    else:
        ctx.stdout.write("nothing to send yet\n")
    return EXIT_OK
