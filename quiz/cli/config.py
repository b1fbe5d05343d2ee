"""`quiz config [KEY [VALUE]]`: see and change the learner's scheduling settings.

No Textual here; the TUI's Settings screen edits the same file through the same
`quiz.core.settings` functions, so both say the same things about bad values.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, AddCommand, Context, UsageError

if TYPE_CHECKING:
    from quiz.core.scheduling import Settings


def register(add: AddCommand) -> None:
    """Add `config` to the command line."""
    config = add("config", "show or change your scheduling settings (retention, daily limits, day start, ...)")
    config.add_argument("key", nargs="?", metavar="KEY", help="one setting (default: list them all)")
    config.add_argument(
        "value", nargs="*", metavar="VALUE", help="its new value (steps: several durations, e.g. 1m 10m)"
    )
    config.add_argument("--path", action="store_true", help="print where the settings file is, and stop")
    config.add_argument("--reset", action="store_true", help="give KEY its default value again")
    config.set_defaults(run=run_config)


def run_config(args: argparse.Namespace, ctx: Context) -> int:
    """List, show, set or reset settings; bad values exit 1 with the key and its range."""
    from quiz.core.scheduling import Settings as Defaults
    from quiz.core.settings import (
        KEYS,
        SettingsError,
        format_value,
        load_settings,
        parse_value,
        reset_value,
        set_value,
        settings_path,
    )

    if args.key == "roster":  # the teacher's roster: a preference, not a scheduling setting
        from quiz.cli.config_roster import run_roster

        return run_roster(args, ctx)
    path = settings_path()
    if args.path:
        print(path, file=ctx.stdout)
        return EXIT_OK
    if args.key is not None and args.key not in KEYS:
        raise UsageError(f"unknown setting {args.key!r}; the settings are: {', '.join(KEYS)}, roster")
    if args.reset and (args.key is None or args.value):
        raise UsageError("--reset takes one KEY and no VALUE")
    try:
        if args.reset:
            settings = reset_value(path, args.key)
            print(f"{args.key} = {format_value(args.key, getattr(settings, args.key))} (default)", file=ctx.stdout)
            return EXIT_OK
        if args.value:
            value = parse_value(args.key, " ".join(args.value), today=_today(path))
            settings = set_value(path, args.key, value)
            print(f"{args.key} = {format_value(args.key, getattr(settings, args.key))}", file=ctx.stdout)
            if args.key in ("desired_retention", "new_per_day"):
                print(_workload_line(settings), file=ctx.stdout)
            if args.key == "exam_date":
                print(_exam_line(settings), file=ctx.stdout)
            return EXIT_OK
        settings = load_settings(path)
    except SettingsError as error:
        print(f"quiz config: {error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    except OSError as error:
        print(f"quiz config: could not write {path}: {error.strerror or error}", file=ctx.stderr)
        return EXIT_PROBLEMS
    if args.key is not None:
        print(format_value(args.key, getattr(settings, args.key)), file=ctx.stdout)
        return EXIT_OK
    from quiz.core.scheduling import utc_now

    defaults = Defaults()
    width = max(len(name) for name in KEYS)
    for name, key in KEYS.items():
        value = getattr(settings, name)
        note = "" if value != getattr(defaults, name) else "  (default)"
        if name == "exam_date" and value is not None and value < settings.days.day_of(utc_now()):
            note = "  (passed: drills are ordinary again; `quiz config exam_date none` clears it)"
        print(f"{name:<{width}}  {format_value(name, value)}{note}", file=ctx.stdout)
        print(f"{'':<{width}}  {key.help}; {key.allowed}", file=ctx.stdout)
    print(_workload_line(settings), file=ctx.stdout)
    from quiz.cli.config_roster import describe

    print(describe(width), file=ctx.stdout)
    print(f"file: {path}", file=ctx.stdout)
    return EXIT_OK


def _workload_line(settings: Settings) -> str:
    """The simulated workload of these settings, in one line."""
    from quiz.core.workload import estimate

    work = estimate(settings)
    return (
        f"workload at retention {settings.desired_retention:.2f}: about {work.reviews_per_day:.0f} reviews a day "
        f"after a year of {settings.new_per_day} new a day ({work.reviews_per_new:.1f} per question)"
    )


def _today(path: Path) -> date:
    """The learner's day now (their day start, if the file is readable), for exam dates."""
    from quiz.core.scheduling import Settings as Defaults
    from quiz.core.scheduling import utc_now
    from quiz.core.settings import SettingsError, load_settings

    try:
        settings = load_settings(path)
    except SettingsError:
        settings = Defaults()  # set_value reports the file's problems itself
    return settings.days.day_of(utc_now())


def _exam_line(settings: Settings) -> str:
    """What an exam date set (or cleared) does to drills."""
    if settings.exam_date is None:
        return "No exam date: drills follow your ordinary schedule."
    day = settings.exam_date.isoformat()
    return (
        f"Drills now follow the plan for the exam on {day} (`quiz plan` shows it; "
        "`quiz drill --exam DATE` overrides it for one drill; `quiz config exam_date none` clears it)."
    )
