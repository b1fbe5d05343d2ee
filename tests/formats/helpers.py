"""Shared helpers: run the CLI in-process, load what an import wrote."""

from __future__ import annotations

import io
from pathlib import Path

from quiz.cli import main
from quiz.core.bank import load_paths
from quiz.core.model import Library

FIXTURES = Path(__file__).parent / "fixtures"


def run(*argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `quiz ARGV`."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def load(folder: Path) -> Library:
    """The banks an import wrote; they must pass `quiz check` as it stands."""
    library, problems = load_paths([folder])
    assert not problems, [str(p) for p in problems]
    return library
