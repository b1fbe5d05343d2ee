"""`quiz plan --exam DATE`: how many reviews and new questions each day until an exam.

The simulation is `quiz.core.plan`; this module loads the banks, the learner's
log and settings, and prints the plan as a table (or JSON), flagging the days that
ask more than the daily limits.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError, add_filters, learner_settings


def exam_date(text: str) -> date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2027-01-20") from None


def register(add: AddCommand) -> None:
    """Add `plan` to the command line."""
    plan = add("plan", "a day-by-day plan to know every question of a deck or tag by an exam date")
    plan.add_argument(
        "--exam", type=exam_date, metavar="DATE", help="the exam day, YYYY-MM-DD (default: your exam_date setting)"
    )
    add_filters(plan)
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    plan.set_defaults(run=run_plan)


def run_plan(args: argparse.Namespace, ctx: Context) -> int:
    """Print the plan; exit 1 when the log cannot be read, 2 for a bad filter or a past date."""
    from dataclasses import replace

    from quiz.cli.reports import load_library
    from quiz.core.optimizer import parameters_for
    from quiz.core.plan import make_plan
    from quiz.core.replay_cache import replay_log
    from quiz.core.scheduling import Scheduler, utc_now
    from quiz.core.store import LearnerError, Store, StoreError
    from quiz.core.text import clean

    settings = learner_settings(ctx)
    exam = args.exam if args.exam is not None else settings.exam_date
    if exam is None:
        raise UsageError("give the exam day with --exam YYYY-MM-DD, or set it once with `quiz config exam_date DATE`")
    library = load_library(ctx.question_paths, ctx.stderr)
    settings = replace(settings, parameters=parameters_for(ctx.scores_dir, ctx.learner, library.banks))
    known = {bank.deck for bank in library.banks}
    for deck in args.deck:
        if deck not in known:
            raise UsageError(f"no deck '{deck}'; decks are: {', '.join(sorted(known))}")
    decks, tags = set(args.deck), set(args.tag)
    keys = [
        q.key for q in library.questions if (not decks or q.deck in decks) and (not tags or not tags.isdisjoint(q.tags))
    ]
    if not keys:
        raise UsageError("no questions match that filter")
    scheduler = Scheduler(settings)
    try:
        store = Store(ctx.scores_dir, ctx.learner)
        replayer = replay_log(store.logs(), scheduler)
    except LearnerError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:
        print(f"quiz plan: {error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    keys = [key for key in keys if not replayer.flags.is_suspended(key)]
    try:
        plan = make_plan(keys, replayer.states, scheduler, settings.days, utc_now(), exam)
    except ValueError as error:
        raise UsageError(str(error)) from None
    if args.json:
        data = {
            "exam": plan.exam.isoformat(),
            "questions": plan.questions,
            "unseen": plan.unseen,
            "ready": plan.ready,
            "desired_retention": plan.desired_retention,
            "days": [
                {
                    "date": d.day.isoformat(),
                    "new": d.new,
                    "reviews": d.reviews,
                    "over_new": d.over_new,
                    "over_reviews": d.over_reviews,
                }
                for d in plan.days
            ],
        }
        json.dump(data, ctx.stdout, indent=2)
        ctx.stdout.write("\n")
        return EXIT_OK
    out = ctx.stdout
    scope = ", ".join([*(clean(d) for d in args.deck), *(f"tag {clean(t)}" for t in args.tag)]) or "all decks"
    print(
        f"Plan for the exam on {plan.exam:%a %Y-%m-%d} ({len(plan.days)} study days), {scope}: "
        f"{plan.questions} questions, {plan.unseen} not seen yet",
        file=out,
    )
    print(f"{'Day':<16}{'New':>6}{'Reviews':>9}{'Total':>7}", file=out)
    for d in plan.days:
        note = []
        if d.over_new:
            note.append(f"new over {settings.new_per_day}")
        if d.over_reviews:
            note.append(f"reviews over {settings.reviews_per_day}")
        line = f"{d.day:%a %Y-%m-%d}  {d.new:>6}{d.reviews:>9}{d.new + d.reviews:>7}"
        print(line + (f"   ! {', '.join(note)}" if note else ""), file=out)
    print(
        f"On the exam day: {plan.ready} of {plan.questions} questions at or above "
        f"{plan.desired_retention:.0%} predicted recall.",
        file=out,
    )
    if plan.over_limits:
        print(
            f"Warning: the plan asks more than your daily limits ({settings.new_per_day} new, "
            f"{settings.reviews_per_day} reviews) on the days marked !. `quiz drill --exam "
            f"{plan.exam.isoformat()}` follows the plan anyway; or raise the limits with `quiz config`.",
            file=out,
        )
    print(f"Drill with `quiz drill --exam {plan.exam.isoformat()}` to follow it.", file=out)
    return EXIT_OK
