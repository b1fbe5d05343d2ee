"""The question bank as immutable data.

Every question type of the format is a frozen dataclass. They share the fields of
`QuestionBase`; each keeps the file and line it came from so that any later
message (a grading oddity, a report) can point a teacher at the YAML.
Identity is `deck/id` (`Question.key`): score history is keyed on it, so a
reworded question keeps its history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

from quiz.core.text import clean

QuestionType: TypeAlias = Literal["choice", "multi", "truefalse", "short", "number", "cloze", "order", "match", "card"]
QUESTION_TYPES: tuple[QuestionType, ...] = (
    "choice",
    "multi",
    "truefalse",
    "short",
    "number",
    "cloze",
    "order",
    "match",
    "card",
)


Severity: TypeAlias = Literal["error", "warning"]
Mark: TypeAlias = tuple[int, int]
"""A 1-based (line, column) in a bank file."""


@dataclass(frozen=True)
class Problem:
    """One finding in a bank, located for `FILE:LINE:COLUMN: message` (1-based).

    Errors (the default) stop a bank from loading; warnings are `quiz check
    --lint`'s item-writing advice, with a stable `code` (`L104`) and `name`.
    """

    file: str
    line: int
    column: int
    message: str
    severity: Severity = "error"
    code: str | None = None
    name: str | None = None

    def __str__(self) -> str:
        """One terminal-safe line: a message may quote bank text holding ESC sequences."""
        where = f"{self.file}:{self.line}:{self.column}:"
        if self.severity == "warning":
            return clean(f"{where} warning {self.code} {self.message} [{self.name}]")
        return clean(f"{where} {self.message}")

    def to_dict(self) -> dict[str, str | int | None]:
        """A plain dict, for `quiz check --format json`."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "name": self.name,
            "message": self.message,
        }


@dataclass(frozen=True, kw_only=True)
class QuestionBase:
    """Fields every question type has."""

    deck: str
    id: str
    prompt: str
    explanation: str = ""
    source: str | None = None
    """The key of the bank's `sources` this question cites."""
    citation: str | None = None
    """The full text of that source, resolved at load time so nothing needs the bank."""
    tags: tuple[str, ...] = ()
    """The bank's tags followed by the question's own, without repeats."""
    hint: str | None = None
    lint_ignore: tuple[str, ...] = ()
    """Lint checks silenced for this question (`lint: {ignore: [L104]}`), codes or names."""
    file: str = ""
    line: int = 0
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)
    """Where each field's value starts ("prompt", "choices.2", ...): filled only when
    the loader is asked (`quiz check --lint` points at the offending option)."""

    @property
    def key(self) -> str:
        """`deck/id`: the identity score history is keyed on."""
        return f"{self.deck}/{self.id}"


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(QuestionBase):
    """Pick one of `choices`; right when it is `answer`."""

    type: Literal["choice"] = "choice"
    choices: tuple[str, ...]
    answer: str
    shuffle: bool = True
    feedback: Mapping[str, str] = field(default_factory=dict)
    """Why a choice is right or wrong, keyed by the choice's text (our extension)."""


@dataclass(frozen=True, kw_only=True)
class MultiQuestion(QuestionBase):
    """Tick several of `choices`; right when exactly `answers` are ticked."""

    type: Literal["multi"] = "multi"
    choices: tuple[str, ...]
    answers: frozenset[str]
    shuffle: bool = True
    feedback: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class TrueFalseQuestion(QuestionBase):
    """True or false."""

    type: Literal["truefalse"] = "truefalse"
    answer: bool


@dataclass(frozen=True, kw_only=True)
class ShortQuestion(QuestionBase):
    """Type a short answer; any of `answers` matches after normalising."""

    type: Literal["short"] = "short"
    answers: tuple[str, ...]
    typos: int = 0
    strict: bool = False
    """No forgiving of articles, prepositions, plurals or date forms (see `quiz.core.leniency`)."""


@dataclass(frozen=True, kw_only=True)
class NumberQuestion(QuestionBase):
    """Type a number; right within `tolerance` of `answer`."""

    type: Literal["number"] = "number"
    answer: float
    tolerance: float = 0.0
    unit: str | None = None


@dataclass(frozen=True)
class Gap:
    """One `{{answer|alternative}}` gap of a cloze: its accepted answers."""

    answers: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ClozeQuestion(QuestionBase):
    """Fill every gap of `text`.

    `parts` alternates literal text and gaps, in reading order, so a widget can
    lay them out without parsing the `{{...}}` syntax again.
    """

    type: Literal["cloze"] = "cloze"
    text: str
    parts: tuple[str | Gap, ...]
    typos: int = 0
    strict: bool = False
    """As `ShortQuestion.strict`, for every gap."""

    @property
    def gaps(self) -> tuple[Gap, ...]:
        """The gaps alone, in order."""
        return tuple(part for part in self.parts if isinstance(part, Gap))


@dataclass(frozen=True, kw_only=True)
class OrderQuestion(QuestionBase):
    """Arrange a shuffled list; `items` is the right order."""

    type: Literal["order"] = "order"
    items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MatchQuestion(QuestionBase):
    """Pair each left item with its right partner."""

    type: Literal["match"] = "match"
    pairs: tuple[tuple[str, str], ...]
    shuffle: bool = True


@dataclass(frozen=True, kw_only=True)
class CardQuestion(QuestionBase):
    """A flashcard: reveal `answer`, then grade oneself."""

    type: Literal["card"] = "card"
    answer: str


Question: TypeAlias = (
    ChoiceQuestion
    | MultiQuestion
    | TrueFalseQuestion
    | ShortQuestion
    | NumberQuestion
    | ClozeQuestion
    | OrderQuestion
    | MatchQuestion
    | CardQuestion
)


@dataclass(frozen=True, kw_only=True)
class Bank:
    """One YAML file: a deck of questions with its title and sources."""

    deck: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    questions: tuple[Question, ...] = ()
    path: Path | None = None
    parameters: tuple[float, ...] | None = None
    """FSRS weights from the bank's `scheduling:` header, for learners with too few reviews of their own."""
    strict: bool = False
    """The bank's `strict:` header: typed answers are not forgiven unless a question says so."""
    lint_ignore: tuple[str, ...] = ()
    """Lint checks silenced for the whole bank (`lint: {ignore: [L101]}` at the top)."""
    marks: Mapping[str, Mark] = field(default_factory=dict, compare=False, repr=False)
    """Where the top-level fields start ("questions", "lint"), when the loader is asked."""


@dataclass(frozen=True)
class Library:
    """Every bank loaded for a run, in a stable order, with lookup by key."""

    banks: tuple[Bank, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions, bank by bank, in file order."""
        return tuple(q for bank in self.banks for q in bank.questions)

    def by_key(self) -> dict[str, Question]:
        """A `deck/id` -> question map."""
        return {q.key: q for bank in self.banks for q in bank.questions}

    def bank(self, deck: str) -> Bank | None:
        """The bank of that deck name, if loaded."""
        for bank in self.banks:
            if bank.deck == deck:
                return bank
        return None
