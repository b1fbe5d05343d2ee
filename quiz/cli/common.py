"""What every command module of the command line shares: exit codes, the usage
error, the run context, and the small argument types.

Each command lives in its own module (`quiz.cli.drill`, `quiz.cli.check`, ...)
with a `register(add)` function; `quiz.cli.build_parser` calls them in order, so
adding a command touches one list and one new module.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from quiz.core.scheduling import Settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called: exit 2 with a one-line message."""


@dataclass(frozen=True)
class Context:
    """What a command runs with: its streams and where things live for this run."""

    stdout: TextIO
    stderr: TextIO
    learner: str
    scores_dir: Path
    question_paths: tuple[Path, ...]


Runner = Callable[[argparse.Namespace, Context], int]
"""A command's entry point; returns the exit status."""

AddCommand = Callable[[str, str], argparse.ArgumentParser]
"""`add(name, help)` makes a subcommand parser that already has the common options."""


def positive(value: str) -> int:
    """An argparse type: a whole number of 1 or more."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"'{value}' must be 1 or more")
    return number


def add_filters(parser: argparse.ArgumentParser, *, required_note: str = "") -> None:
    """`--deck` and `--tag`, repeatable, as drill, practice and exam take them."""
    parser.add_argument("--deck", action="append", default=[], help=f"only this deck (repeatable){required_note}")
    parser.add_argument("--tag", action="append", default=[], help="only questions with this tag (repeatable)")


def learner_settings(ctx: Context) -> Settings:
    """The learner's settings file (see `quiz config`); a bad file is a usage error naming each key."""
    from quiz.core.settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as error:
        raise UsageError(f"your settings are not usable (fix them with `quiz config KEY VALUE`): {error}") from None
