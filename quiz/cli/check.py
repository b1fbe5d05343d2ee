"""`quiz check` and `quiz schema`: the teacher's tools for writing banks."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, AddCommand, Context
from quiz.core.text import clean, json_text


def register(add: AddCommand) -> None:
    """Add `check` and `schema` to the command line."""
    check = add("check", "check bank files and print every problem as FILE:LINE:COLUMN: message")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the banks in use)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.set_defaults(run=run_check)
    schema = add("schema", "print the JSON Schema of the bank format (for editors)")
    schema.set_defaults(run=run_schema)


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    """Print every problem of the banks; exit 1 if there is any."""
    from quiz.core.bank import find_bank_files, load_paths

    targets = tuple(Path(p) for p in args.paths) or ctx.question_paths
    files, errors = find_bank_files(targets)
    if errors:
        for error in errors:
            print(f"quiz check: {clean(error)}", file=ctx.stderr)
        return EXIT_USAGE
    library, problems = load_paths(targets)
    if args.format == "json":
        # Messages quote bank text: control characters go out as \u escapes.
        ctx.stdout.write(json_text([p.to_dict() for p in problems], indent=2) + "\n")
    else:
        for problem in problems:
            print(problem, file=ctx.stdout)
        count = len(library.questions)
        noun = "problem" if len(problems) == 1 else "problems"
        summary = f"{len(files)} files, {count} questions, {len(problems)} {noun}"
        print(summary if problems else f"OK: {summary}", file=ctx.stderr)
    return EXIT_PROBLEMS if problems else EXIT_OK


def run_schema(args: argparse.Namespace, ctx: Context) -> int:
    """Print the bank format's JSON Schema."""
    from quiz.core.schema import bank_schema

    json.dump(bank_schema(), ctx.stdout, indent=2)
    ctx.stdout.write("\n")
    return EXIT_OK
