"""What every lint check shares: the catalogue of checks, and where findings go.

Each check has a stable code (`L104`) and name (`answer-in-other-question`):
teachers silence one with `lint: {ignore: [L104]}` on a question or at the top
of a bank, CI filters on it, and docs/question-format.md explains it with a bad
and a good example. Codes are never reused for another check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from quiz.core.model import Bank, ChoiceQuestion, MultiQuestion, Problem, Question


@dataclass(frozen=True)
class Check:
    """One item-writing check: its code, its name, and one line on what it finds."""

    code: str
    name: str
    summary: str


CHECKS: tuple[Check, ...] = (
    Check("L100", "unknown-lint-code", "a lint.ignore entry that names no check"),
    Check("L101", "key-longest-share", "the key is the longest option far more often than chance, across a bank"),
    Check("L102", "key-much-longer", "a key much longer than every distractor"),
    Check("L103", "answer-in-stem", "the prompt or hint contains the answer"),
    Check("L104", "answer-in-other-question", "another question of the deck shows this question's answer"),
    Check("L105", "all-none-of-the-above", '"all of the above" or "none of the above" as an option'),
    Check("L106", "absolute-in-distractors", 'absolute words ("only", "always", "never") in distractors only'),
    Check("L107", "distractor-in-key", "a distractor identical to, or contained in, the key"),
    Check("L108", "negative-stem", 'a negative stem ("not", "except") not written in capitals'),
    Check("L109", "near-duplicate", "two questions with nearly the same prompt and answer"),
)
BY_CODE = {check.code: check for check in CHECKS}
BY_NAME = {check.name: check for check in CHECKS}


def known(code_or_name: str) -> Check | None:
    """The check a `lint.ignore` entry names (code in any case, or name)."""
    return BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


def mark(question: Question, name: str) -> tuple[int, int]:
    """Where field `name` ("prompt", "choices.2") of `question` starts; else the question."""
    marks = question.marks
    return marks.get(name) or marks.get(name.split(".")[0]) or marks.get("") or (question.line, 1)


def split_options(question: ChoiceQuestion | MultiQuestion) -> tuple[list[int], list[int]]:
    """Indexes of the keys and of the distractors among the choices."""
    right = {question.answer} if isinstance(question, ChoiceQuestion) else question.answers
    keys = [i for i, choice in enumerate(question.choices) if choice in right]
    distractors = [i for i, choice in enumerate(question.choices) if choice not in right]
    return keys, distractors


def _silenced(check: Check, ignore: tuple[str, ...]) -> bool:
    return any(known(entry) is check for entry in ignore)


@dataclass
class Sink:
    """Collects findings as warnings, leaving out those a teacher silenced."""

    problems: list[Problem] = field(default_factory=list)

    def question(self, code: str, bank: Bank, question: Question, where: str, message: str) -> None:
        """A finding about one question, at its field `where`."""
        check = BY_CODE[code]
        if _silenced(check, question.lint_ignore) or _silenced(check, bank.lint_ignore):
            return
        line, column = mark(question, where)
        self.add(check, question.file, line, column, f"{question.id}: {message}")

    def bank(self, code: str, bank: Bank, where: tuple[int, int], message: str) -> None:
        """A finding about a whole bank."""
        check = BY_CODE[code]
        if not _silenced(check, bank.lint_ignore):
            self.add(check, str(bank.path or bank.deck), where[0], where[1], message)

    def add(self, check: Check, file: str, line: int, column: int, message: str) -> None:
        """Record one warning as it is."""
        self.problems.append(Problem(file, line, column, message, "warning", check.code, check.name))

    def silenced(self, code: str, bank: Bank, question: Question) -> bool:
        """Whether `question` is left out of check `code` (bank-wide checks ask)."""
        check = BY_CODE[code]
        return _silenced(check, question.lint_ignore) or _silenced(check, bank.lint_ignore)
