"""`quiz optimize`: fit FSRS parameters to your reviews (or a class's) and keep them if better.

The work is in `quiz.core.optimizer`; this module reads the logs, prints the
evidence (log loss and RMSE over bins, default against fitted, on the newest
reviews held out) and saves the learner's parameters only when they won.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError, learner_settings


def register(add: AddCommand) -> None:
    """Add `optimize` to the command line."""
    command = add("optimize", "fit the spaced-repetition model to your own reviews; kept only if it predicts better")
    command.add_argument("--json", action="store_true", help="print the result as JSON")
    command.add_argument(
        "--class",
        dest="class_dirs",
        nargs="+",
        metavar="DIR",
        help="fit on several learners' logs pooled (a teacher's fit for a bank's scheduling: header); saves nothing",
    )
    command.set_defaults(run=run_optimize)


def run_optimize(args: argparse.Namespace, ctx: Context) -> int:
    """Fit, print, and keep the learner's parameters when they beat the defaults."""
    from quiz.core.class_logs import find_learner_logs, learner_sources
    from quiz.core.logs import iter_learner_records
    from quiz.core.optimizer import (
        OptimizeError,
        histories,
        kept_parameters,
        optimize,
        parameters_path,
        save_parameters,
    )
    from quiz.core.scheduling import utc_now
    from quiz.core.store import LearnerError, Store, StoreError
    from quiz.core.text import clean

    settings = learner_settings(ctx)
    warnings: list[str] = []
    try:
        if args.class_dirs:
            logs, problems = find_learner_logs([Path(d) for d in args.class_dirs])
            for problem in problems:
                print(f"quiz optimize: {clean(problem)}", file=ctx.stderr)
            if not logs:
                print("quiz optimize: no score files found; give learners' score folders", file=ctx.stderr)
                return EXIT_PROBLEMS
            sources = [learner_sources(path) for _, path in logs]
        else:
            sources = [Store(ctx.scores_dir, ctx.learner).logs()]
        items = histories([list(iter_learner_records(paths, warnings.append)) for paths in sources], settings.days)
        fit = optimize(items)
    except LearnerError as error:
        raise UsageError(str(error)) from None
    except StoreError as error:
        print(f"quiz optimize: {error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    except OptimizeError as error:
        print(f"quiz optimize: {error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    for warning in warnings:
        print(f"quiz optimize: warning: {clean(warning)}", file=ctx.stderr)
    saved = None
    if fit.kept and not args.class_dirs:
        saved = parameters_path(ctx.scores_dir, ctx.learner)
        try:
            save_parameters(saved, fit, utc_now())
        except OSError as error:
            print(f"quiz optimize: could not save {saved}: {error.strerror or error}", file=ctx.stderr)
            return EXIT_PROBLEMS
    if args.json:
        json.dump(fit.to_json(), ctx.stdout)
        ctx.stdout.write("\n")
        return EXIT_OK
    out = ctx.stdout
    who = f"{len(sources)} learners, pooled" if args.class_dirs else clean(ctx.learner)
    print(
        f"Fitted on {who}: {fit.reviews} reviews ({fit.train_items} fit, the newest {fit.test_items} held out)",
        file=out,
    )
    print(f"{'':<14}{'default':>10}{'fitted':>10}", file=out)
    print(f"{'log loss':<14}{fit.log_loss['default']:>10.4f}{fit.log_loss['fitted']:>10.4f}", file=out)
    print(f"{'RMSE (bins)':<14}{fit.rmse_bins['default']:>10.4f}{fit.rmse_bins['fitted']:>10.4f}", file=out)
    if not fit.kept:
        print("Not kept: the fitted parameters do not predict the held-out reviews better than the defaults.", file=out)
    elif args.class_dirs:
        print("Better than the defaults. To ship them with a bank, put this in its header:", file=out)
        print("scheduling:", file=out)
        print(f"  parameters: [{', '.join(f'{value:.4f}' for value in fit.parameters)}]", file=out)
    elif kept_parameters(ctx.scores_dir, ctx.learner) == fit.parameters:
        print(f"Kept: your drills use them from now on ({saved}).", file=out)
    else:
        print(
            f"Kept ({saved}), but another device's fit, made on more reviews, is the one your drills use; "
            "run `quiz optimize` again once that device's answers are here.",
            file=out,
        )
    return EXIT_OK
