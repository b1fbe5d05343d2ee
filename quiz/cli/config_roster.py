"""`quiz config roster [PATH]`: the class roster this installation's home screen
opens (key `C`). Kept apart from the scheduling settings (`quiz.cli.config` hands
this one key over): a roster is the teacher's choice for the installation, stored
in the preferences file (`quiz.core.class_roster`), not a learner's setting."""

from __future__ import annotations

import argparse

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, Context, UsageError
from quiz.core.text import clean

KEY = "roster"
HELP = "the class roster (CSV: learner,url[,email]) the home screen's C key reports on"


def describe(width: int) -> str:
    """The roster's lines in `quiz config`'s listing, its name padded to `width`."""
    from quiz.core.class_roster import configured_roster
    from quiz.core.prefs import load_prefs, prefs_path

    where = prefs_path()
    path = configured_roster(load_prefs(where))
    shown = clean(str(path)) if path is not None else "(none)"
    return (
        f"{KEY:<{width}}  {shown}\n{'':<{width}}  {HELP}; kept in {clean(str(where))}; "
        "`quiz config roster ''` forgets it"
    )


def run_roster(args: argparse.Namespace, ctx: Context) -> int:
    """Show, set (after checking the file is a usable roster) or forget the roster."""
    from quiz.core.class_roster import configured_roster, set_roster
    from quiz.core.prefs import load_prefs, prefs_path
    from quiz.core.roster import RosterError

    path = prefs_path()
    if args.path:
        print(path, file=ctx.stdout)
        return EXIT_OK
    if args.reset and args.value:
        raise UsageError("--reset takes one KEY and no VALUE")
    if not args.value and not args.reset:
        roster = configured_roster(load_prefs(path))
        print(clean(str(roster)) if roster is not None else "no roster configured", file=ctx.stdout)
        return EXIT_OK
    try:
        roster, learners = set_roster(path, "" if args.reset else " ".join(args.value))
    except RosterError as error:
        print(f"quiz config: roster not changed: {clean(str(error))}", file=ctx.stderr)
        return EXIT_PROBLEMS
    except OSError as error:
        print(f"quiz config: could not write {clean(str(path))}: {error.strerror or error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    if roster is None:
        print("roster forgotten: the home screen no longer offers the class screen", file=ctx.stdout)
    else:
        noun = "learner" if learners == 1 else "learners"
        print(
            f"roster = {clean(str(roster))} ({learners} {noun}); press C on the home screen for the class screen",
            file=ctx.stdout,
        )
    return EXIT_OK
