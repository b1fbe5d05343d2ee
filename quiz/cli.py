"""The `quiz` command line.

Textual is imported only when a TUI screen is about to start, so `quiz check`,
`quiz history`, `quiz report`, `quiz schema` and `--help` stay quick and work on
machines (CI, editors) that never draw a screen.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from quiz import __version__
from quiz.core.config import Command, Options, resolve

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with a one-line message."""


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' must be 1 or more")
    return number


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
        "--scores", metavar="DIR", default=default, help="score folder (default: $QUIZ_SCORES or ./scores)"
    )
    parser.add_argument(
        "--learner", metavar="NAME", default=default, help="whose scores (default: $QUIZ_LEARNER or your user name)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, for `main` and for the docs."""
    parser = argparse.ArgumentParser(
        prog="quiz",
        description="Drill question banks in the terminal, with spaced repetition and score history.",
        epilog="With no command, quiz opens the home screen.",
    )
    parser.add_argument("--version", action="version", version=f"quiz {__version__}")
    _add_common(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        _add_common(command, top=False)
        return command

    drill = add("drill", "drill due reviews, then new questions")
    drill.add_argument("--deck", action="append", default=[], help="only this deck (repeatable)")
    drill.add_argument("--tag", action="append", default=[], help="only questions with this tag (repeatable)")
    drill.add_argument("--limit", type=_positive, help="at most N questions this session")

    practice = add("practice", "practise a deck or tag now, whatever is due")
    practice.add_argument("--deck", action="append", default=[], help="this deck (repeatable)")
    practice.add_argument("--tag", action="append", default=[], help="questions with this tag (repeatable)")

    exam = add("exam", "N questions, no feedback until the end, a score out of N")
    exam.add_argument("--deck", action="append", default=[], help="only this deck (repeatable)")
    exam.add_argument("--tag", action="append", default=[], help="only questions with this tag (repeatable)")
    exam.add_argument("--count", type=_positive, default=10, help="number of questions (default 10)")

    check = add("check", "check bank files and print every problem as FILE:LINE:COLUMN: message")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the banks in use)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")

    add("schema", "print the JSON Schema of the bank format (for editors)")

    history = add("history", "your score history on the command line")
    out = history.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print every answer record as CSV")

    report = add("report", "a class report from several learners' score folders")
    report.add_argument("dirs", nargs="+", metavar="DIR", help="a learner's score folder, or a folder of them")
    out = report.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON")
    out.add_argument("--csv", action="store_true", help="print CSV, one row per question")
    return parser


def _check(args: argparse.Namespace, paths: tuple[Path, ...], stdout: TextIO, stderr: TextIO) -> int:
    from quiz.core.bank import find_bank_files, load_paths

    targets = tuple(Path(p) for p in args.paths) or paths
    files, errors = find_bank_files(targets)
    if errors:
        for error in errors:
            print(f"quiz check: {error}", file=stderr)
        return EXIT_USAGE
    library, problems = load_paths(targets)
    if args.format == "json":
        json.dump([p.to_dict() for p in problems], stdout, indent=2, ensure_ascii=False)
        stdout.write("\n")
    else:
        for problem in problems:
            print(problem, file=stdout)
        count = len(library.questions)
        noun = "problem" if len(problems) == 1 else "problems"
        summary = f"{len(files)} files, {count} questions, {len(problems)} {noun}"
        print(summary if problems else f"OK: {summary}", file=stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def _start_tui(options: Options, stderr: TextIO) -> int:
    from quiz.core.bank import find_bank_files, load_paths
    from quiz.core.bank_cache import cache_dir
    from quiz.core.store import LearnerError, validate_learner

    try:
        validate_learner(options.learner)
    except LearnerError as error:
        raise UsageError(str(error)) from None
    _, errors = find_bank_files(options.question_paths)
    if errors:
        raise UsageError("; ".join(errors))
    library, problems = load_paths(options.question_paths, cache=cache_dir())
    if problems:
        for problem in problems:
            print(problem, file=stderr)
        print(f"quiz: {len(problems)} problems in the banks; fix them (see `quiz check`) and try again", file=stderr)
        return EXIT_PROBLEMS
    if not library.questions:
        raise UsageError("no questions found")
    known = {bank.deck for bank in library.banks}
    for deck in options.decks:
        if deck not in known:
            raise UsageError(f"no deck '{deck}'; decks are: {', '.join(sorted(known))}")
    from quiz.tui.app import run

    return run(options, library)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; returns the exit status instead of raising."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    command: str = args.command or "home"
    try:
        learner, scores_dir, paths = resolve(learner=args.learner, scores=args.scores, questions=args.questions)
        if command == "check":
            return _check(args, paths, stdout, stderr)
        if command == "schema":
            from quiz.core.schema import bank_schema

            json.dump(bank_schema(), stdout, indent=2)
            stdout.write("\n")
            return EXIT_OK
        if command == "history":
            from quiz.reports import history_command

            fmt = "json" if args.json else "csv" if args.csv else "table"
            return history_command(learner, scores_dir, paths, fmt, stdout, stderr)
        if command == "report":
            from quiz.reports import report_command

            fmt = "json" if args.json else "csv" if args.csv else "table"
            return report_command([Path(d) for d in args.dirs], paths, fmt, stdout, stderr)
        if command == "practice" and not (args.deck or args.tag):
            raise UsageError("practice needs --deck D or --tag T (or both)")
        tui_command: Command = "home" if command == "home" else command  # type: ignore[assignment]
        options = Options(
            learner=learner,
            scores_dir=scores_dir,
            question_paths=paths,
            command=tui_command,
            decks=tuple(getattr(args, "deck", ())),
            tags=tuple(getattr(args, "tag", ())),
            limit=getattr(args, "limit", None),
            count=getattr(args, "count", None),
        )
        return _start_tui(options, stderr)
    except UsageError as error:
        print(f"quiz: {error}", file=stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
