"""The commands that open the TUI: the home screen, `drill`, `practice`, `exam`.

Textual is imported only here, and only once a screen is about to start.
"""

from __future__ import annotations

import argparse

from quiz.cli.common import EXIT_PROBLEMS, AddCommand, Context, UsageError, add_filters, positive
from quiz.core.config import Command, Options


def register(add: AddCommand) -> None:
    """Add `drill`, `practice` and `exam` to the command line."""
    drill = add("drill", "drill due reviews, then new questions")
    add_filters(drill)
    drill.add_argument(
        "--limit",
        type=positive,
        help="at most N distinct questions (one still in a learning step comes back, not counted twice)",
    )
    drill.set_defaults(run=run_screen)

    practice = add("practice", "practise a deck or tag now, whatever is due")
    add_filters(practice)
    practice.add_argument("--shuffle", action="store_true", help="ask the questions in a random order")
    practice.set_defaults(run=run_screen)

    exam = add("exam", "N questions, no feedback until the end, a score out of N")
    add_filters(exam)
    exam.add_argument("--count", type=positive, default=10, help="number of questions (default 10)")
    exam.add_argument("--minutes", type=positive, help="a time limit: answers given are kept when it runs out")
    exam.add_argument(
        "--include-cards", action="store_true", help="also ask self-graded flashcards (left out by default)"
    )
    exam.set_defaults(run=run_screen)


def run_screen(args: argparse.Namespace, ctx: Context) -> int:
    """Build the TUI's options from the command line and start it."""
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
    )
    return start_tui(options, ctx)


def start_tui(options: Options, ctx: Context) -> int:
    """Check the learner and the banks, then hand over to Textual."""
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
    from quiz.tui.app import run

    return run(options, library)
