"""The `quiz` command line.

One module per command group (`drill`, `check`, `history`, ...), each with a
`register(add)` that adds its subcommands and sets `run`; this module builds the
parser from `COMMAND_MODULES`, resolves where things live, and dispatches.

Textual is imported only when a TUI screen is about to start, so `quiz check`,
`quiz history`, `quiz report`, `quiz schema` and `--help` stay quick and work on
machines (CI, editors) that never draw a screen.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from quiz import __version__
from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, Context, UsageError
from quiz.core.config import locate_scores, resolve
from quiz.core.text import clean

__all__ = ["COMMAND_MODULES", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "UsageError", "build_parser", "main"]

COMMAND_MODULES: tuple[str, ...] = (
    "quiz.cli.drill",
    "quiz.cli.check",
    "quiz.cli.history",
    "quiz.cli.decks",
    "quiz.cli.sync",
    "quiz.cli.where",
    "quiz.cli.interchange",
    "quiz.cli.config",
    "quiz.cli.optimize",
    "quiz.cli.plan",
    "quiz.cli.serve",
)
"""The modules whose `register(add)` builds the subcommands, in `--help` order."""


class _Version(argparse.Action):
    """`--version`: read from the installed package's metadata, only when asked."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from importlib import metadata

        from quiz.core.config import DISTRIBUTION

        try:
            version = metadata.version(DISTRIBUTION)
        except metadata.PackageNotFoundError:  # run from a source tree that was never installed
            version = __version__
        sys.stdout.write(f"quiz {version}\n")
        parser.exit()


def _add_common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """The options that work both before and after the subcommand.

    Given after a subcommand they override the same option given before; argparse
    keeps the top-level value when the subparser's default is SUPPRESS.
    """
    default: object = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--questions",
        action="append",
        metavar="PATH",
        default=default,
        help="a bank file or folder (repeatable; default: $QUIZ_QUESTIONS or the bundled banks)",
    )
    parser.add_argument(
        "--scores",
        metavar="DIR",
        default=default,
        help="score folder (default: $QUIZ_SCORES, else one per user: see `quiz where`)",
    )
    parser.add_argument(
        "--learner", metavar="NAME", default=default, help="whose scores (default: $QUIZ_LEARNER or your user name)"
    )


def _top_level(kind: type[argparse.ArgumentParser] = argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The parser of the options given before any command (`build_parser` adds the commands)."""
    parser = kind(
        prog="quiz",
        description="Drill question banks in the terminal, with spaced repetition and score history.",
        epilog="With no command, quiz opens the home screen.",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the installed version and exit")
    _add_common(parser, top=True)
    importlib.import_module("quiz.cli.drill").add_line_options(parser, top=True)
    return parser


class _NotPlain(Exception):
    """The command line is not options alone: `build_parser`'s parser reads it."""


class _OptionsOnly(argparse.ArgumentParser):
    """The top-level options without the commands, for a start with no command (the home
    screen): building every command's parser costs as much as drawing a screen. Anything
    it does not take as it stands (a command, help, an error) goes to the whole parser."""

    def __init__(self, **keywords: Any) -> None:
        super().__init__(**keywords, add_help=False)

    def error(self, message: str) -> NoReturn:
        raise _NotPlain(message)


def _parse_options_only(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The namespace `build_parser().parse_args(argv)` gives when `argv` holds only
    top-level options, or None (then the whole parser must read it)."""
    parser = _top_level(_OptionsOnly)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotPlain:
        return None
    if rest:
        return None  # a command, its options, -h, or something the whole parser reports
    args.command = None
    return args


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, for `main` and for the docs."""
    parser = _top_level()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        _add_common(command, top=False)
        return command

    for name in COMMAND_MODULES:
        importlib.import_module(name).register(add)
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit status instead of raising."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parse_options_only(argv) or build_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        learner, scores_dir, paths = resolve(learner=args.learner, scores=args.scores, questions=args.questions)
        ctx = Context(stdout=stdout, stderr=stderr, learner=learner, scores_dir=scores_dir, question_paths=paths)
        if args.command in (None, "drill", "practice", "exam", "history"):
            from quiz.cli.where import old_scores_notice

            notice = old_scores_notice(ctx, locate_scores(args.scores).rule)
            if notice:
                print(notice, file=stderr)
        if getattr(args, "run", None) is None:
            from quiz.cli.drill import run_screen

            return run_screen(args, ctx)
        return int(args.run(args, ctx))
    except UsageError as error:
        print(f"quiz: {clean(str(error))}", file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
