"""`quiz check` and `quiz schema`: the teacher's tools for writing banks.

`quiz check` prints errors (a bank that does not load) and, with `--lint`,
item-writing warnings (`quiz.core.lint`), in one of three forms: lines for a
terminal or an editor's problem matcher (`FILE:LINE:COLUMN: message`), JSON for
tools, and GitHub Actions workflow commands that annotate a pull request.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from quiz.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, AddCommand, Context
from quiz.core.model import Problem
from quiz.core.text import clean, json_text


def register(add: AddCommand) -> None:
    """Add `check` and `schema` to the command line."""
    check = add("check", "check bank files and print every problem as FILE:LINE:COLUMN: message")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the banks in use)")
    check.add_argument(
        "--format",
        choices=("text", "json", "github"),
        default="text",
        help="output format (github: workflow commands that annotate a pull request)",
    )
    check.add_argument(
        "--lint", action="store_true", help="also warn about item-writing flaws (docs/question-format.md)"
    )
    check.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    check.set_defaults(run=run_check)
    schema = add("schema", "print the JSON Schema of the bank format (for editors)")
    schema.set_defaults(run=run_schema)


def github_data(text: str) -> str:
    """A workflow command's message, escaped as GitHub's toolkit does (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value (`escapeProperty`): also `:` and `,`."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem) -> str:
    """`::warning file=F,line=L,col=C,title=T::message` (or `::error`), terminal-safe."""
    title = f"{problem.code} {problem.name}" if problem.code else "quiz check"
    props = ",".join(
        f"{key}={github_property(clean(str(value)))}"
        for key, value in (("file", problem.file), ("line", problem.line), ("col", problem.column), ("title", title))
    )
    return f"::{problem.severity} {props}::{github_data(clean(problem.message))}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _write(findings: list[Problem], form: str, out: TextIO) -> None:
    if form == "json":
        # Messages quote bank text: control characters go out as \u escapes.
        out.write(json_text([p.to_dict() for p in findings], indent=2) + "\n")
        return
    for finding in findings:
        print(github_line(finding) if form == "github" else finding, file=out)


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    """Print every problem (and, with --lint, every warning) of the banks.

    Exit 1 if there is an error, or a warning under --strict; else 0."""
    from quiz.core.bank import file_order, find_bank_files, load_paths

    targets = tuple(Path(p) for p in args.paths) or ctx.question_paths
    files, errors = find_bank_files(targets)
    if errors:
        for error in errors:
            print(f"quiz check: {clean(error)}", file=ctx.stderr)
        return EXIT_USAGE
    library, problems = load_paths(targets, marks=args.lint)
    warnings: list[Problem] = []
    if args.lint:
        from quiz.core.lint import lint

        warnings = lint(library)
    # File order, and at one place problems before warnings, each in the order found
    # (a cause before its consequence: see `load_paths`).
    in_order = list(dict.fromkeys([*files, *(Path(finding.file) for finding in problems + warnings)]))
    findings = sorted(problems + warnings, key=file_order(in_order))
    _write(findings, args.format, ctx.stdout)
    failed = bool(problems) or (args.strict and bool(warnings))
    if args.format == "text":
        summary = f"{len(files)} files, {len(library.questions)} questions, {_plural(len(problems), 'problem')}"
        if args.lint:
            summary += f", {_plural(len(warnings), 'warning')}"
            if warnings and not args.strict:
                summary += " (they fail only with --strict)"
        print(summary if failed or warnings else f"OK: {summary}", file=ctx.stderr)
    return EXIT_PROBLEMS if failed else EXIT_OK


def run_schema(args: argparse.Namespace, ctx: Context) -> int:
    """Print the bank format's JSON Schema."""
    from quiz.core.schema import bank_schema

    json.dump(bank_schema(), ctx.stdout, indent=2)
    ctx.stdout.write("\n")
    return EXIT_OK
