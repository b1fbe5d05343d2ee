"""Grading: a learner's response to a question -> an `Outcome` the TUI can explain.

Responses are plain Python values, one shape per question type (see `Response`),
so that the TUI, the session and the score log agree on them without sharing
widgets. Grading is pure: no clock, no files, no Textual.

Typed answers (`short`, each `cloze` gap) are compared after `normalise`, so a
learner is not marked wrong for case, accents, punctuation or spacing; a
question's `typos: N` then forgives up to N edits (see `edit_distance`), though never
in a very short answer or in its digits (see `_match_text`).
Unless the question is `strict`, a typed answer may also differ from an accepted
one by a leading article, a leading preposition, the plural of its last word or
the written form of a date (`quiz.core.leniency`); the `Outcome` then lists what
was forgiven, so the learner sees it.
`number` answers are read leniently (separators, decimal comma, words, unit
spellings, ranges: `quiz.core.numbers`), because "1 999,5 km" and "twenty-one"
are right answers typed the way many people write numbers. Text that is no
number at all is not an answer: `refusal` says so before anything is graded.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeAlias, assert_never

from quiz.core.leniency import forms, read_date
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.core.numbers import NotANumber, parse_digits, read_number

__all__ = [
    "CARD_GRADES",
    "BadResponse",
    "JSONResponse",
    "NotAnAnswer",
    "Outcome",
    "Response",
    "edit_distance",
    "grade",
    "normalise",
    "parse_number",
    "refusal",
    "response_from_json",
    "response_to_json",
]

Response: TypeAlias = str | bool | int | frozenset[str] | tuple[str, ...] | dict[str, str]
"""A learner's response; its shape depends on the question type (docs/architecture.md)."""

JSONResponse: TypeAlias = str | bool | int | list[str] | dict[str, str]
"""A `Response` as stored in the score log."""

CARD_GRADES: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
"""A card's self grades, numbered like `fsrs.Rating`."""

SHORT_ANSWER_LENGTH = 3
"""Accepted answers this long or shorter (normalised, spaces ignored) get no typos:
one edit on "Rus" already matches "Bus", "Ru" or "Russ"."""

NO_ANSWER = "No answer given"
NOT_A_NUMBER = "Not a number"


class FeedbackLike(Protocol):
    """What the feedback views (the TUI's and the line mode's) need of
    `quiz.core.session.Feedback`, without importing the session."""

    @property
    def question(self) -> Question: ...
    @property
    def response(self) -> Response: ...
    @property
    def outcome(self) -> Outcome: ...
    @property
    def rating(self) -> int: ...
    @property
    def due(self) -> datetime | None: ...


@dataclass(frozen=True)
class Outcome:
    """The verdict on one response, with what the feedback screen needs to explain it.

    `wrong_parts` indexes the parts that were wrong: cloze gap indices, order
    positions, match pair indices (question order), multi choice indices
    (question order) and, for choice, the index of the wrongly picked choice.
    `expected_parts` is the right answer part by part (gaps, items in order,
    "left → right" pairs, ticked choices) so a widget can mark each part.
    `matched` is the accepted answer a typed response was matched to, so
    feedback can say "accepted as Yeltsin" when several answers are accepted.
    """

    correct: bool
    expected: str
    typo_forgiven: bool = False
    detail: str = ""
    wrong_parts: tuple[int, ...] = ()
    self_grade: int | None = None
    expected_parts: tuple[str, ...] = ()
    matched: str | None = None
    forgiven: tuple[str, ...] = ()
    """What was let pass, one note each ("accepted: 'Caucasus' for 'the Caucasus'",
    "read 'twenty-one' as 21"), for the feedback to show."""


class NotAnAnswer(ValueError):
    """A response that is no answer at all ("banana" to a number question).

    Raised by `quiz.core.session.Session.answer` before anything is graded or
    logged; `str()` says what is expected, fit for the learner.
    """


class BadResponse(ValueError):
    """A stored response that does not fit its question type (e.g. a hand-edited log).

    Raised by `response_from_json`, and only by it; callers skip or report the
    record instead of crashing.
    """


# --------------------------------------------------------------------------- text


_DIACRITIC_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),  # Combining Diacritical Marks
    (0x1AB0, 0x1AFF),  # ... Extended
    (0x1DC0, 0x1DFF),  # ... Supplement
    (0x20D0, 0x20FF),  # ... for Symbols
    (0xFE20, 0xFE2F),  # Combining Half Marks
)
# Letters used as apostrophes or primes in transliteration ("Elʹtsin", "Kyivʼ");
# Unicode files them as letters (Lm), but a learner types them as punctuation.
_APOSTROPHE_LETTERS = frozenset("ʹʺʻʼʽʾʿˈˊˋˌ")
_BREVE = "\u0306"


def _is_diacritic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _DIACRITIC_BLOCKS)


def _is_dropped(char: str) -> bool:
    """Punctuation, modifier symbols (` ´ ^ ¨), apostrophe letters and invisible format marks."""
    category = unicodedata.category(char)
    return (
        category[0] == "P"
        or category in ("Sk", "Cf")
        or (category == "Cc" and not char.isspace())
        or char in _APOSTROPHE_LETTERS
    )


def normalise(text: str) -> str:
    """The form typed answers are compared in.

    Casefolded; accents stripped (NFKD, then the combining diacritical marks are
    dropped: "Él'tsin" -> "eltsin", and Cyrillic ё -> е); punctuation, quotes and
    modifier symbols removed (not replaced by a space); whitespace collapsed and
    trimmed. Compatibility forms are unified too (fullwidth letters, ligatures).
    Only the Latin/Greek/Cyrillic accent blocks are stripped, so marks that make
    a different letter in other scripts (Japanese dakuten, Devanagari vowel signs)
    survive, and so does й, a letter of its own rather than и with an accent.
    """
    kept = "".join(char for char in text if not _is_dropped(char))
    decomposed = unicodedata.normalize("NFKD", kept.casefold())
    out: list[str] = []
    previous = ""
    for char in decomposed:
        if _is_diacritic(char):
            if char == _BREVE and previous == "и":
                out.append(char)
            continue
        if _is_dropped(char):
            continue
        out.append(char)
        previous = char
    recomposed = unicodedata.normalize("NFC", "".join(out)).replace("ё", "е")
    return " ".join(recomposed.split())


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) between `a` and `b`.

    Insertions, deletions, substitutions and swaps of two neighbours cost one
    each. With `limit`, only the diagonal band a distance within the limit can
    pass through is computed, the work stops as soon as the distance is known to
    exceed it, and `limit + 1` is returned instead: all a typo check needs.
    """
    if limit is not None:
        limit = max(0, limit)
        if abs(len(a) - len(b)) > limit:
            return limit + 1
    if a == b:
        return 0
    if not a or not b:
        return max(len(a), len(b))
    width = len(b)
    band = max(len(a), width) if limit is None else limit
    # Any cell further than `band` from the diagonal costs more than the limit.
    outside = width + len(a) + 1 if limit is None else limit + 1
    before: list[int] = []
    previous = [j if j <= band else outside for j in range(width + 1)]
    for i in range(1, len(a) + 1):
        current = [outside] * (width + 1)
        current[0] = i if i <= band else outside
        char_a = a[i - 1]
        for j in range(max(1, i - band), min(width, i + band) + 1):
            char_b = b[j - 1]
            best = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != char_b),
            )
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                best = min(best, before[j - 2] + 1)
            current[j] = min(best, outside)
        if limit is not None and min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[width]


@dataclass(frozen=True)
class _TextMatch:
    correct: bool
    edits: int
    matched: str | None
    blank: bool
    note: str | None = None
    """What leniency forgave to match, if anything."""


def _match_key(text: str) -> str:
    """`normalise` with spaces removed, so "Jean-Paul" and "Jean Paul" agree.

    A text made only of punctuation (an answer like "?!") falls back to its own
    characters, marked so that it can never equal an ordinary answer.
    """
    compact = normalise(text).replace(" ", "")
    if compact:
        return compact
    return "\0" + "".join(text.casefold().split())


def _lenient(response: str, answers: Sequence[str]) -> tuple[str, str] | None:
    """(accepted answer, note) when `response` differs from one only in what a
    teacher forgives (see `quiz.core.leniency`), else None."""
    typed = response.strip()
    date = read_date(typed)
    said = {form.key for form in forms(normalise(typed), answer=False)}
    for answer in answers:
        keys = {form.key for form in forms(normalise(answer), answer=True)}
        if said & keys or (date is not None and date == read_date(answer)):
            return answer, f"accepted: '{typed}' for '{answer}'"
    return None


def _match_text(response: str, answers: Sequence[str], typos: int, lenient: bool = False) -> _TextMatch:
    """Match a typed response against accepted answers: exact first, then within typos.

    Typos are never forgiven in two cases, whatever `typos` says: an accepted
    answer of `SHORT_ANSWER_LENGTH` characters or fewer (normalised, spaces
    ignored) must be matched exactly, and the digits must be exactly the answer's
    digits, in order, since "2001" for "2000" or "Apollo 12" for "Apollo 11" is
    a different answer, not a slip of the finger.
    """
    if not response.strip():
        return _TextMatch(correct=False, edits=0, matched=None, blank=True)
    key = _match_key(response)
    keys = [_match_key(answer) for answer in answers]
    for answer, answer_key in zip(answers, keys, strict=True):
        if key == answer_key:
            return _TextMatch(correct=True, edits=0, matched=answer, blank=False)
    if lenient and not key.startswith("\0"):
        forgiven = _lenient(response, answers)
        if forgiven is not None:
            return _TextMatch(correct=True, edits=0, matched=forgiven[0], blank=False, note=forgiven[1])
    best: tuple[int, str] | None = None
    allowed = max(0, typos)
    if allowed and not key.startswith("\0"):
        for answer, answer_key in zip(answers, keys, strict=True):
            if answer_key.startswith("\0") or len(answer_key) <= SHORT_ANSWER_LENGTH:
                continue
            if _digits(key) != _digits(answer_key):
                continue
            edits = edit_distance(key, answer_key, limit=allowed)
            if edits <= allowed and (best is None or edits < best[0]):
                best = (edits, answer)
    if best is not None:
        return _TextMatch(correct=True, edits=best[0], matched=best[1], blank=False)
    blank = not normalise(response)
    return _TextMatch(correct=False, edits=0, matched=None, blank=blank)


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# ------------------------------------------------------------------------ numbers


def parse_number(text: str, unit: str | None = None) -> float | None:
    """The number a learner typed, or None when it is not one.

    Accepts surrounding spaces, a leading sign (also the minus sign −), thousands
    separators ("1,999", "1 999", thin spaces, "1'999"), a decimal point, a
    decimal comma when unambiguous ("2,5" is 2.5; "1,999" is 1999), an exponent
    ("2e3"), and a trailing `unit` in any case ("5 km", "5KM", "25%"). Infinite
    and NaN values are refused.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if unit:
        suffix = unicodedata.normalize("NFKC", unit).strip()
        if suffix and value[-len(suffix) :].casefold() == suffix.casefold():
            value = value[: -len(suffix)].rstrip()
    return parse_digits(value)


def _format_number(value: float) -> str:
    """A float as a person writes it: 2000 not 2000.0, 0.1 not 0.1000000000000009."""
    value = float(f"{value:.12g}")
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _with_unit(text: str, unit: str | None) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


# ------------------------------------------------------------------------ grading


def _wrong_type(question: Question, response: object, wanted: str) -> TypeError:
    return TypeError(
        f"a {question.type} question ({question.key}) takes {wanted} as its response, not {type(response).__name__}"
    )


def _as_str(question: Question, response: object) -> str:
    if not isinstance(response, str):
        raise _wrong_type(question, response, "a str")
    return response


def _as_strings(question: Question, response: object) -> tuple[str, ...]:
    if not isinstance(response, tuple | list) or not all(isinstance(s, str) for s in response):
        raise _wrong_type(question, response, "a tuple of str")
    return tuple(response)


def _grade_choice(question: ChoiceQuestion, response: Response) -> Outcome:
    chosen = _as_str(question, response)
    if chosen == question.answer:
        return Outcome(correct=True, expected=question.answer, expected_parts=(question.answer,))
    wrong = tuple(i for i, choice in enumerate(question.choices) if choice == chosen)
    return Outcome(
        correct=False,
        expected=question.answer,
        detail="" if chosen else NO_ANSWER,
        wrong_parts=wrong,
        expected_parts=(question.answer,),
    )


def _grade_multi(question: MultiQuestion, response: Response) -> Outcome:
    if not isinstance(response, frozenset | set | tuple | list) or not all(isinstance(s, str) for s in response):
        raise _wrong_type(question, response, "a frozenset of str")
    ticked = frozenset(response)
    right = tuple(choice for choice in question.choices if choice in question.answers)
    wrong = tuple(i for i, choice in enumerate(question.choices) if (choice in ticked) != (choice in question.answers))
    correct = ticked == question.answers
    detail = ""
    if not correct:
        extra = sum(1 for i in wrong if question.choices[i] in ticked)
        missed = len(wrong) - extra
        if not ticked:
            detail = "Nothing ticked"
        else:
            pieces = []
            if extra:
                pieces.append(f"{_plural(extra, 'wrong choice')} ticked")
            if missed:
                pieces.append(f"{_plural(missed, 'right choice')} missed")
            detail = ", ".join(pieces)
    return Outcome(
        correct=correct,
        expected=", ".join(right),
        detail=detail,
        wrong_parts=wrong,
        expected_parts=right,
    )


def _grade_truefalse(question: TrueFalseQuestion, response: Response) -> Outcome:
    if not isinstance(response, bool):
        raise _wrong_type(question, response, "a bool")
    expected = "True" if question.answer else "False"
    return Outcome(correct=response == question.answer, expected=expected, expected_parts=(expected,))


def _grade_short(question: ShortQuestion, response: Response) -> Outcome:
    typed = _as_str(question, response)
    expected = question.answers[0] if question.answers else ""
    match = _match_text(typed, question.answers, question.typos, lenient=not question.strict)
    if match.blank:
        detail = NO_ANSWER
    elif match.edits:
        detail = f"Accepted with {_plural(match.edits, 'typo')}: {match.matched}"
    else:
        detail = ""
    return Outcome(
        correct=match.correct,
        expected=expected,
        typo_forgiven=match.correct and match.edits > 0,
        detail=detail,
        expected_parts=(expected,),
        matched=match.matched,
        forgiven=(match.note,) if match.note else (),
    )


def _grade_number(question: NumberQuestion, response: Response) -> Outcome:
    if isinstance(response, int | float) and not isinstance(response, bool):
        response = repr(response)
    typed = _as_str(question, response)
    expected = _with_unit(_format_number(question.answer), question.unit)
    if question.tolerance:
        expected += f" ± {_with_unit(_format_number(question.tolerance), question.unit)}"
    if not typed.strip():
        return Outcome(correct=False, expected=expected, detail=NO_ANSWER)
    reading = read_number(typed, question.unit)
    if isinstance(reading, NotANumber):
        # Only a stored answer from before numbers were refused gets here (see `refusal`).
        return Outcome(correct=False, expected=expected, detail=NOT_A_NUMBER)
    forgiven = _number_notes(typed, reading.low, reading.high, reading.unit_given, question.unit)
    low, high = question.answer - question.tolerance - 1e-9, question.answer + question.tolerance + 1e-9
    if reading.is_range:
        correct = low <= reading.low and reading.high <= high
        shown = f"{_format_number(reading.low)}-{_format_number(reading.high)}"
        if correct:
            detail = f"The range {shown} lies within the tolerance"
        else:
            detail = f"The range {shown} reaches outside {expected}"
        return Outcome(correct=correct, expected=expected, detail=detail, expected_parts=(expected,), forgiven=forgiven)
    value = reading.low
    off = abs(value - question.answer)
    correct = off <= question.tolerance + 1e-9
    if correct and off <= 1e-9:
        detail = ""
    elif correct:
        detail = f"Within tolerance: off by {_format_number(off)}"
    elif question.tolerance:
        detail = f"Off by {_format_number(off)} (tolerance {_format_number(question.tolerance)})"
    else:
        detail = f"Off by {_format_number(off)}"
    return Outcome(correct=correct, expected=expected, detail=detail, expected_parts=(expected,), forgiven=forgiven)


def _number_notes(typed: str, low: float, high: float, unit_given: str, unit: str | None) -> tuple[str, ...]:
    """What reading a number took: words read as digits, a unit spelled another way."""
    notes: list[str] = []
    number_part = typed.strip()
    if unit_given and number_part.endswith(unit_given):
        number_part = number_part[: -len(unit_given)].strip()
    if any(char.isalpha() for char in number_part) and parse_digits(number_part) is None:
        value = _format_number(low) if low == high else f"{_format_number(low)}-{_format_number(high)}"
        notes.append(f"read '{number_part}' as {value}")
    if unit and unit_given and unit_given.strip() != unit.strip():
        notes.append(f"accepted: '{unit_given}' for '{unit}'")
    return tuple(notes)


def refusal(question: Question, response: Response) -> str | None:
    """Why `response` is no answer to `question` at all, or None if it can be graded.

    Today only number questions refuse: text that is not a number ("banana", "6
    apples" when the unit is months), and a range where the question has no
    tolerance to allow one. A blank response is an answer (a wrong one).
    """
    if not isinstance(question, NumberQuestion) or not isinstance(response, str) or not response.strip():
        return None
    reading = read_number(response, question.unit)
    if isinstance(reading, NotANumber):
        return reading.message
    if reading.is_range and not question.tolerance:
        return "Give one number, not a range: this question wants an exact answer."
    return None


def _grade_cloze(question: ClozeQuestion, response: Response) -> Outcome:
    typed = _as_strings(question, response)
    gaps = question.gaps
    firsts = tuple(gap.answers[0] if gap.answers else "" for gap in gaps)
    wrong: list[int] = []
    notes: list[str] = []
    edits = 0
    for index, gap in enumerate(gaps):
        answer = typed[index] if index < len(typed) else ""
        match = _match_text(answer, gap.answers, question.typos, lenient=not question.strict)
        if match.correct:
            edits += match.edits
            if match.note:
                notes.append(f"[{index + 1}] {match.note}")
        else:
            wrong.append(index)
    # Answers beyond the last gap (a hand-edited log, a buggy caller) are not a fill.
    wrong.extend(range(len(gaps), len(typed)))
    correct = not wrong
    if correct:
        detail = f"Accepted with {_plural(edits, 'typo')}" if edits else ""
    elif not any(s.strip() for s in typed):
        detail = NO_ANSWER
    else:
        detail = f"{len(gaps) - len([w for w in wrong if w < len(gaps)])} of {_plural(len(gaps), 'gap')} right"
    return Outcome(
        correct=correct,
        expected=", ".join(firsts),
        typo_forgiven=correct and edits > 0,
        detail=detail,
        wrong_parts=tuple(wrong),
        expected_parts=firsts,
        forgiven=tuple(notes),
    )


def _grade_order(question: OrderQuestion, response: Response) -> Outcome:
    typed = _as_strings(question, response)
    items = question.items
    # Positions the learner got wrong; a missing or surplus item is wrong where it is.
    size = max(len(items), len(typed))
    wrong = tuple(i for i in range(size) if i >= len(items) or i >= len(typed) or typed[i] != items[i])
    correct = not wrong
    in_place = sum(1 for i in range(min(len(items), len(typed))) if typed[i] == items[i])
    detail = "" if correct else f"{in_place} of {_plural(len(items), 'item')} in place"
    return Outcome(
        correct=correct,
        expected="  ".join(f"{i}. {item}" for i, item in enumerate(items, start=1)),
        detail=detail,
        wrong_parts=wrong,
        expected_parts=items,
    )


def _grade_match(question: MatchQuestion, response: Response) -> Outcome:
    if not isinstance(response, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in response.items()
    ):
        raise _wrong_type(question, response, "a dict of str to str")
    pairs = tuple(f"{left} → {right}" for left, right in question.pairs)
    wrong = tuple(i for i, (left, right) in enumerate(question.pairs) if response.get(left) != right)
    correct = not wrong
    total = len(question.pairs)
    detail = "" if correct else f"{total - len(wrong)} of {_plural(total, 'pair')} right"
    return Outcome(
        correct=correct,
        expected="; ".join(pairs),
        detail=detail,
        wrong_parts=wrong,
        expected_parts=pairs,
    )


def _grade_card(question: CardQuestion, response: Response) -> Outcome:
    if not isinstance(response, int) or isinstance(response, bool):
        raise _wrong_type(question, response, "an int self grade 1-4")
    if response not in CARD_GRADES:
        raise ValueError(f"a card's self grade is 1-4 (Again..Easy), not {response}")
    return Outcome(
        correct=response >= 2,
        expected=question.answer,
        detail=f"Self-graded {CARD_GRADES[response]}",
        self_grade=response,
        expected_parts=(question.answer,),
    )


def grade(question: Question, response: Response) -> Outcome:
    """Grade `response` to `question`.

    Wrong answers, empty answers and unparsable numbers are ordinary wrong
    outcomes. A response of the wrong Python type for the question type is a
    programming error and raises `TypeError`; a card self grade outside 1-4
    raises `ValueError`. Cards are self-graded: Again is wrong, Hard, Good and
    Easy are right, and `self_grade` carries the grade itself.
    """
    if isinstance(question, ChoiceQuestion):
        return _grade_choice(question, response)
    if isinstance(question, MultiQuestion):
        return _grade_multi(question, response)
    if isinstance(question, TrueFalseQuestion):
        return _grade_truefalse(question, response)
    if isinstance(question, ShortQuestion):
        return _grade_short(question, response)
    if isinstance(question, NumberQuestion):
        return _grade_number(question, response)
    if isinstance(question, ClozeQuestion):
        return _grade_cloze(question, response)
    if isinstance(question, OrderQuestion):
        return _grade_order(question, response)
    if isinstance(question, MatchQuestion):
        return _grade_match(question, response)
    if isinstance(question, CardQuestion):
        return _grade_card(question, response)
    assert_never(question)


# --------------------------------------------------------------------------- JSON


def _sorted_strings(values: Iterable[object]) -> list[str]:
    return sorted(str(value) for value in values)


def response_to_json(question: Question, response: Response) -> JSONResponse:
    """`response` as a JSON-compatible value for the score log.

    Sets become sorted lists, tuples lists, dicts stay dicts; the rest is kept.
    """
    if isinstance(question, MultiQuestion):
        if not isinstance(response, frozenset | set | tuple | list):
            raise _wrong_type(question, response, "a frozenset of str")
        return _sorted_strings(response)
    if isinstance(question, ClozeQuestion | OrderQuestion):
        return list(_as_strings(question, response))
    if isinstance(question, MatchQuestion):
        if not isinstance(response, dict):
            raise _wrong_type(question, response, "a dict of str to str")
        return {str(left): str(right) for left, right in response.items()}
    if isinstance(question, TrueFalseQuestion):
        if not isinstance(response, bool):
            raise _wrong_type(question, response, "a bool")
        return response
    if isinstance(question, CardQuestion):
        if not isinstance(response, int) or isinstance(response, bool):
            raise _wrong_type(question, response, "an int self grade 1-4")
        return response
    return _as_str(question, response)


def _bad(question: Question, data: object, wanted: str) -> BadResponse:
    shown = repr(data)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return BadResponse(f"{question.type} response should be {wanted}, got {shown}")


def _strings_from_json(question: Question, data: object) -> tuple[str, ...]:
    if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
        raise _bad(question, data, "a list of strings")
    return tuple(data)


def response_from_json(question: Question, data: object) -> Response:
    """A stored response back as the Python value `grade` takes, by question type.

    The shape is checked, not the content: a response recorded before a question
    was reworded (a choice that no longer exists) is still history. Anything of
    the wrong shape raises `BadResponse` and nothing else.
    """
    if isinstance(question, MultiQuestion):
        return frozenset(_strings_from_json(question, data))
    if isinstance(question, ClozeQuestion | OrderQuestion):
        return _strings_from_json(question, data)
    if isinstance(question, MatchQuestion):
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise _bad(question, data, "an object of strings")
        return dict(data)
    if isinstance(question, TrueFalseQuestion):
        if not isinstance(data, bool):
            raise _bad(question, data, "true or false")
        return data
    if isinstance(question, CardQuestion):
        if not isinstance(data, int) or isinstance(data, bool) or data not in CARD_GRADES:
            raise _bad(question, data, "a grade 1-4")
        return data
    if not isinstance(data, str):
        raise _bad(question, data, "a string")
    return data


def choice_notes(question: Question, response: Response) -> list[tuple[str, str]]:
    """(choice, the bank's note on it) for the chosen and the right choices of a choice
    or multi question, in display-independent order: what feedback shows after an answer."""
    if not isinstance(question, ChoiceQuestion | MultiQuestion) or not question.feedback:
        return []
    if isinstance(question, ChoiceQuestion):
        wanted = [response] if isinstance(response, str) else []
        if question.answer not in wanted:
            wanted.append(question.answer)
    else:
        given = response if isinstance(response, frozenset) else frozenset()
        wanted = [c for c in question.choices if c in given or c in question.answers]
    return [(str(choice), note) for choice in wanted if (note := question.feedback.get(str(choice)))]
