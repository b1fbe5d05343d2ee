"""The commands that open a drill: the home screen, `drill`, `practice`, `exam`.

Each runs as the full-screen TUI, or as the plain line mode (`--plain`, see
`quiz.cli.plain`), which is also what they fall back to, with a one-line notice,
when there is no terminal to draw on. Textual is imported only here, and only
once a screen is about to start.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, TextIO

from quiz.cli.common import EXIT_PROBLEMS, AddCommand, Context, UsageError, add_filters, learner_settings, positive
from quiz.cli.plan import exam_date
from quiz.core.config import Command, Options
from quiz.core.model import Library

if TYPE_CHECKING:
    from quiz.core.scheduling import Settings


def register(add: AddCommand) -> None:
    """Add `drill`, `practice` and `exam` to the command line."""
    drill = add("drill", "drill due reviews, then new questions")
    add_filters(drill)
    drill.add_argument(
        "--limit",
        type=positive,
        help="at most N distinct questions (one still in a learning step comes back, not counted twice)",
    )
    drill.add_argument(
        "--exam",
        type=exam_date,
        metavar="DATE",
        help="follow the plan for an exam on DATE (see `quiz plan`): new questions early enough, "
        "every question refreshed in the days before the exam",
    )
    add_line_options(drill, top=False)
    drill.set_defaults(run=run_screen)

    practice = add(
        "practice",
        "practise a deck or tag now, whatever is due (answers to questions not yet due are cram: "
        "logged, but your schedule does not move)",
    )
    add_filters(practice)
    how = practice.add_mutually_exclusive_group()
    how.add_argument(
        "--cram",
        action="store_const",
        const=True,
        dest="cram",
        help="every answer is cram, due questions too: nothing is rescheduled (before an exam)",
    )
    how.add_argument(
        "--reschedule",
        action="store_const",
        const=False,
        dest="cram",
        help="every answer is a real review that reschedules its question, due or not",
    )
    practice.add_argument("--shuffle", action="store_true", help="ask the questions in a random order")
    add_line_options(practice, top=False)
    practice.set_defaults(run=run_screen)

    exam = add("exam", "N questions, no feedback until the end, a score out of N")
    add_filters(exam)
    exam.add_argument("--count", type=positive, default=10, help="number of questions (default 10)")
    exam.add_argument("--minutes", type=positive, help="a time limit: answers given are kept when it runs out")
    exam.add_argument(
        "--include-cards", action="store_true", help="also ask self-graded flashcards (left out by default)"
    )
    add_line_options(exam, top=False)
    exam.set_defaults(run=run_screen)


def add_line_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """`--plain` and its companions, on the top level (home) and on each session command."""
    flag: object = False if top else argparse.SUPPRESS
    parser.add_argument(
        "--plain",
        action="store_true",
        default=flag,
        help="a line-by-line dialogue instead of the full screen (screen readers, pipes, slow links)",
    )
    parser.add_argument(
        "--color", action="store_true", default=flag, help="plain mode: colour the verdicts (off unless asked)"
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        default=flag,
        help="plain mode: after each feedback wait for Enter (easy and guessed then apply to it)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None if top else argparse.SUPPRESS,
        help="plain mode: shuffle choices and items the same way every run (for scripts)",
    )
    if top:  # what `quiz serve` runs for a visitor on an open address: ask their name first
        parser.add_argument("--ask-learner", action="store_true", help=argparse.SUPPRESS)


def fallback_reason(stdin: TextIO | None, stdout: TextIO, env: Mapping[str, str] | None = None) -> str | None:
    """Why the full screen cannot be drawn here, or None when it can."""
    env = os.environ if env is None else env
    if env.get("TEXTUAL_DRIVER"):
        return None  # served by `quiz serve`: the web driver needs no terminal
    if env.get("TERM", "") == "dumb":
        return "TERM is dumb"
    if not _isatty(stdout):
        return "standard output is not a terminal"
    if not _isatty(stdin):
        return "standard input is not a terminal"
    return None


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def run_screen(args: argparse.Namespace, ctx: Context) -> int:
    """Build the session's options from the command line; start the TUI or the line mode."""
    command: str = args.command or "home"
    if command == "practice" and not (args.deck or args.tag):
        raise UsageError("practice needs --deck D or --tag T (or both)")
    tui_command: Command = "home" if command == "home" else command  # type: ignore[assignment]
    options = Options(
        learner=ctx.learner,
        scores_dir=ctx.scores_dir,
        question_paths=ctx.question_paths,
        command=tui_command,
        decks=tuple(getattr(args, "deck", ())),
        tags=tuple(getattr(args, "tag", ())),
        limit=getattr(args, "limit", None),
        count=getattr(args, "count", None),
        shuffle=bool(getattr(args, "shuffle", False)),
        minutes=getattr(args, "minutes", None),
        include_cards=bool(getattr(args, "include_cards", False)),
        ask_learner=bool(getattr(args, "ask_learner", False)),
        cram=getattr(args, "cram", None),
        exam=getattr(args, "exam", None),
    )
    plain = bool(getattr(args, "plain", False))
    reason = None if plain else fallback_reason(sys.stdin, ctx.stdout)
    with _kept_for_good():
        library = load_library(options, ctx)
        if isinstance(library, int):
            return library
        from dataclasses import replace

        from quiz.core.optimizer import parameters_for

        # The learner's settings file; their own fitted parameters, else a bank's (`scheduling:`), else the defaults.
        settings = replace(
            learner_settings(ctx), parameters=parameters_for(options.scores_dir, options.learner, library.banks)
        )
        _check_exam(options, settings, ctx)
        if reason:
            notice = f"quiz: {reason}, so this is the plain line mode (quiz --plain; help lists its commands)"
            print(notice, file=ctx.stderr)
            plain = True
        if not plain:
            from quiz.tui.app import run
    if plain:
        return start_plain(options, library, ctx, args, settings)
    return run(options, library, settings)


@contextlib.contextmanager
def _kept_for_good() -> Iterator[None]:
    """What is made inside lives as long as the process: the library, the settings, the
    modules of the screen. The cyclic collector is paused meanwhile and the lot frozen
    (`gc.freeze`) when done, so that no collection walks it again: a full collection
    fell between start and first frame, and a 10,000-question library made it and the
    collections after its restore cost some 60 ms."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def start_plain(
    options: Options, library: Library, ctx: Context, args: argparse.Namespace, settings: Settings | None = None
) -> int:
    """The line mode on stdin and stdout (Textual is never imported)."""
    from quiz.cli.plain import LineIO, Setup, run_session
    from quiz.cli.plain_home import run_home
    from quiz.cli.plain_text import Paint
    from quiz.core.scheduling import Settings
    from quiz.core.store import Store

    for stream in (sys.stdin, ctx.stdout):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # bank text this terminal cannot encode becomes '?', not a crash
            reconfigure(errors="replace")
    setup = Setup(
        library,
        Store(options.scores_dir, options.learner),
        settings if settings is not None else Settings(),
        Paint(bool(getattr(args, "color", False))),
        wait=bool(getattr(args, "wait", False)),
        seed=getattr(args, "seed", None),
        cram=options.cram,
        exam=options.exam,
        shuffle=options.shuffle,
    )
    io = LineIO(sys.stdin, ctx.stdout, ctx.stderr)
    if options.command == "home":
        return run_home(setup, io)
    return run_session(
        setup,
        io,
        options.command,
        decks=options.decks,
        tags=options.tags,
        limit=options.limit,
        count=options.count,
    )


def _check_exam(options: Options, settings: Settings, ctx: Context) -> None:
    """`--exam` in the past is a usage error; an `exam_date` setting that has passed gets a notice."""
    from quiz.core.scheduling import utc_now

    today = settings.days.day_of(utc_now())
    if options.exam is not None and options.exam < today:
        raise UsageError(f"--exam {options.exam.isoformat()} is in the past (today is {today.isoformat()})")
    if options.exam is None and settings.exam_date is not None and settings.exam_date < today:
        print(
            f"quiz: your exam date {settings.exam_date.isoformat()} has passed, so drills follow your ordinary "
            "schedule; `quiz config exam_date none` clears it",
            file=ctx.stderr,
        )


def load_library(options: Options, ctx: Context) -> Library | int:
    """Check the learner and the banks; the library, or the exit status after a message."""
    from quiz.core.bank import find_bank_files, load_paths
    from quiz.core.bank_cache import cache_dir
    from quiz.core.filters import unknown_deck, unknown_tag
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
            print(problem, file=ctx.stderr)
        print(
            f"quiz: {len(problems)} problems in the banks; fix them (see `quiz check`) and try again", file=ctx.stderr
        )
        return EXIT_PROBLEMS
    if not library.questions:
        raise UsageError("no questions found")
    for deck in options.decks:
        refused = unknown_deck(deck, library)
        if refused:
            raise UsageError(refused)
    for tag in options.tags:
        refused = unknown_tag(tag, library)
        if refused:
            raise UsageError(refused)
    return library
