"""`quiz check --lint`: item-writing advice on banks that already load.

Errors stop a bank from loading; these are warnings about questions that load fine
but measure less than they could: a key a learner can spot by its length, an
answer printed in another question, a negative stem that is easy to misread. Each
finding carries a stable code and name (see `base.CHECKS`); a teacher who disagrees
for one question writes `lint: {ignore: [L104]}` on it (or at the top of the bank
for all of its questions), and `--strict` makes any warning fail a CI run.

The checks follow Haladyna, Downing & Rodriguez (2002), "A Review of Multiple-Choice
Item-Writing Guidelines for Classroom Assessment", Applied Measurement in Education
15(3), 309-333. Every check is documented with a bad and a good example in
docs/question-format.md.

Banks are linted with their line marks (`load_paths(..., marks=True)`) so that a
finding points at the offending option rather than at the question.
"""

from __future__ import annotations

from quiz.core.lint.bankwide import check_longest_share, check_near_duplicates
from quiz.core.lint.base import BY_CODE, CHECKS, Check, Sink, known
from quiz.core.lint.items import check_items
from quiz.core.lint.leaks import check_other_questions, check_own_text
from quiz.core.lint.words import forget
from quiz.core.model import Bank, Library, Problem

__all__ = ["CHECKS", "Check", "lint"]


def _unknown_codes(bank: Bank, sink: Sink) -> None:
    """L100: an ignore entry that names no check silences nothing (a typo, or a
    code from a later quiz): said once, so it is not mistaken for a silenced check."""
    check = BY_CODE["L100"]
    where = bank.marks.get("lint") or (1, 1)
    for entry in bank.lint_ignore:
        if known(entry) is None:
            sink.add(check, str(bank.path or bank.deck), *where, f"lint.ignore names no check: '{entry}'")
    for question in bank.questions:
        for entry in question.lint_ignore:
            if known(entry) is None:
                line, column = question.marks.get("lint") or (question.line, 1)
                sink.add(check, question.file, line, column, f"{question.id}: lint.ignore names no check: '{entry}'")


def lint(library: Library) -> list[Problem]:
    """Every item-writing warning for the banks of `library`, sorted by place."""
    sink = Sink()
    try:
        for bank in library.banks:
            _unknown_codes(bank, sink)
            check_longest_share(bank, sink)
            check_items(bank, sink)
            check_own_text(bank, sink)
            check_other_questions(bank, sink)
        check_near_duplicates(library.banks, sink)
    finally:
        forget()
    return sorted(sink.problems, key=lambda p: (p.file, p.line, p.column, p.code or "", p.message))
