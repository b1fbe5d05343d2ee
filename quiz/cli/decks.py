"""`quiz decks`: the decks in use with their counts, as the home screen shows them.

For a learner without a full-screen terminal, for scripts, and to check an install
(`quiz decks` from any folder lists the bundled decks).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError, learner_settings


def register(add: AddCommand) -> None:
    """Add `decks` to the command line."""
    decks = add("decks", "list the decks in use: questions, new, due and learned, for this learner")
    decks.add_argument("--json", action="store_true", help="print JSON")
    decks.set_defaults(run=run_decks)


def run_decks(args: argparse.Namespace, ctx: Context) -> int:
    """One row per deck, then the total."""
    from quiz.cli.reports import table
    from quiz.core.bank import load_paths
    from quiz.core.bank_cache import cache_dir
    from quiz.core.optimizer import parameters_for
    from quiz.core.replay_cache import replay_log
    from quiz.core.scheduling import Scheduler, utc_now
    from quiz.core.session import overview
    from quiz.core.store import LearnerError, Store, StoreError
    from quiz.core.text import clean

    try:
        store = Store(ctx.scores_dir, ctx.learner)
    except LearnerError as error:
        raise UsageError(str(error)) from None
    library, problems = load_paths(ctx.question_paths, cache=cache_dir())
    if problems:
        ctx.stderr.write(f"quiz decks: {len(problems)} problems in the banks (run `quiz check` for the details)\n")
    # The learner's settings and parameters, as a drill uses them: "due" means before
    # the end of the learner's own day (`day_starts_at`, local time), not UTC's.
    settings = replace(learner_settings(ctx), parameters=parameters_for(ctx.scores_dir, ctx.learner, library.banks))
    now = utc_now()
    warnings: list[str] = []
    try:
        replayer = replay_log(
            store.logs(),
            Scheduler(settings),
            day=settings.days.day_of(now),
            days=settings.days,
            on_warning=warnings.append,
        )
    except StoreError as error:
        ctx.stderr.write(f"quiz decks: {clean(str(error))}\n")
        return EXIT_PROBLEMS
    for warning in warnings:
        ctx.stderr.write(f"warning: {clean(warning)}\n")
    rows = overview(library, replayer.states, settings, now)
    if args.json:
        data = [
            {
                "deck": row.deck or None,
                "title": row.title,
                "questions": row.total,
                "new": row.new,
                "due": row.due,
                "learned": row.learned,
            }
            for row in rows
        ]
        json.dump(data, ctx.stdout, indent=2, ensure_ascii=True)
        ctx.stdout.write("\n")
        return EXIT_OK
    body = [
        [
            "" if row.is_total else clean(row.deck),
            clean(row.title),
            *(str(n) for n in (row.total, row.new, row.due, row.learned)),
        ]
        for row in rows
    ]
    ctx.stdout.write(
        table(["Deck", "Title", "Questions", "New", "Due", "Learned"], body, [False, False, True, True, True, True])
        + "\n"
    )
    return EXIT_OK
