"""Fuzzed banks through `quiz check --lint`: whatever a valid bank holds (any text,
any type, control characters included), the lint never raises, every warning is
located inside the file with a known code, and the printed forms stay terminal-safe."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.cli import main
from quiz.core.bank import load_paths
from quiz.core.lint import CHECKS, lint
from quiz.core.model import QUESTION_TYPES
from tests.hardening.conftest import PROFILE
from tests.hardening.strategies import dumped, valid_bank

FUZZ = settings.get_profile(PROFILE)
CODES = {check.code for check in CHECKS}


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 2))
@given(data=st.data())
def test_lint_never_raises_and_locates_every_warning(data: st.DataObject) -> None:
    kinds = tuple(data.draw(st.permutations(QUESTION_TYPES)))
    text = data.draw(dumped(data.draw(valid_bank(types=kinds))))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        path.write_text(text, encoding="utf-8")
        library, problems = load_paths([path], marks=True)
        assert problems == []
        warnings = lint(library)
        last_line = len(text.splitlines()) + 1
        for warning in warnings:
            assert warning.file == str(path) and warning.severity == "warning" and warning.code in CODES
            assert 1 <= warning.line <= last_line and warning.column >= 1, warning
        for form in ("text", "github", "json"):
            out, err = io.StringIO(), io.StringIO()
            code = main(["check", "--lint", "--format", form, str(path)], out, err)
            assert code == 0, err.getvalue()
            printed = out.getvalue()
            assert not any((ord(c) < 32 and c != "\n") or c == "\x7f" for c in printed), printed
            if form == "json":
                assert len(json.loads(printed)) == len(warnings)
