"""Typed lines -> responses, for the plain line mode: one parser per question type.

The forms (the README lists them too): choice, a number (or the choice's text);
multi, numbers separated by spaces or commas; truefalse, `t`/`f` (or true, false,
yes, no); short and number, the text as typed; cloze, the gaps separated by `|`;
order, the numbers in the right order; match, a letter for each number (`1c 2a 3b`);
card, a grade `1`-`4` or its name once shown.

A line that cannot be an answer raises `Refused` with what to type instead, and
the question is asked again: nothing is graded or logged. Only the form is checked
here; whether the answer is right is `quiz.core.grading`'s business.
"""

from __future__ import annotations

import re

from quiz.core.grading import CARD_GRADES, Response
from quiz.core.model import ChoiceQuestion, ClozeQuestion, MatchQuestion, MultiQuestion, OrderQuestion
from quiz.core.session import Presented

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def letter_labels(count: int) -> tuple[str, ...]:
    """`a` to `z`, then `aa`, `ab`...: the labels of a match's partners."""
    single = list(LETTERS)
    double = [first + second for first in LETTERS for second in LETTERS]
    return tuple((single + double)[:count])


_SEPARATORS = re.compile(r"[\s,;]+")
_PAIR = re.compile(r"(\d+)\s*[-=:.>]?\s*([A-Za-z]+)")
_TRUE = frozenset({"t", "true", "y", "yes"})
_FALSE = frozenset({"f", "false", "n", "no"})
_GRADE_WORDS = {name.lower(): value for value, name in CARD_GRADES.items()}


class Refused(ValueError):
    """The line is not an answer of the right form; the message says what to type."""


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _numbers(line: str, count: int, what: str) -> list[int]:
    """Whole numbers from 1 to `count`, separated by spaces or commas."""
    tokens = [token for token in _SEPARATORS.split(line.strip()) if token]
    if not tokens:
        raise Refused(f"Type {what}.")
    numbers: list[int] = []
    for token in tokens:
        if not token.isdigit() or not 1 <= int(token) <= count:
            raise Refused(f"'{token}' is not a number from 1 to {count}: type {what}.")
        numbers.append(int(token))
    return numbers


def parse_card_grade(line: str) -> int:
    """A card's self grade: 1-4, or again, hard, good, easy."""
    text = line.strip().casefold()
    if text in ("1", "2", "3", "4"):
        return int(text)
    if text in _GRADE_WORDS:
        return _GRADE_WORDS[text]
    raise Refused("Type 1 again, 2 hard, 3 good or 4 easy.")


def parse_answer(presented: Presented, line: str) -> Response:
    """The response `line` stands for, in the shape `quiz.core.grading.grade` expects."""
    question = presented.question
    text = line.strip()
    if not text:
        raise Refused("An empty line is not an answer: type your answer, or help.")
    if isinstance(question, ChoiceQuestion):
        return _choice(presented.choices, text)
    if isinstance(question, MultiQuestion):
        count = len(presented.choices)
        picked = _numbers(text, count, f"the numbers of your choices, 1 to {count}")
        return frozenset(presented.choices[n - 1] for n in picked)
    if question.type == "truefalse":
        word = text.casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise Refused("Type t for true or f for false.")
    if isinstance(question, ClozeQuestion):
        return _cloze(len(question.gaps), text)
    if isinstance(question, OrderQuestion):
        return _order(presented.items, text)
    if isinstance(question, MatchQuestion):
        rights = presented.rights or tuple(right for _, right in question.pairs)
        return _match(tuple(left for left, _ in question.pairs), rights, text)
    if question.type == "card":
        return parse_card_grade(text)
    return text  # short and number: as typed (grading normalises and parses)


def _choice(choices: tuple[str, ...], text: str) -> str:
    """A choice by its number, or by its whole text (for scripts that cannot know the shuffle)."""
    if text.isdigit():
        number = int(text)
        if 1 <= number <= len(choices):
            return choices[number - 1]
    else:
        wanted = _squash(text)
        for choice in choices:
            if _squash(choice) == wanted:
                return choice
    raise Refused(f"Type the number of one choice, 1 to {len(choices)}.")


def _cloze(count: int, text: str) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in text.split("|")) if count > 1 else (text,)
    if len(parts) != count:
        raise Refused(f"This text has {count} gaps: type {count} answers separated by |.")
    for number, part in enumerate(parts, start=1):
        if not part:
            raise Refused(f"Gap {number} is empty: type something for every gap.")
    return parts


def _order(items: tuple[str, ...], text: str) -> tuple[str, ...]:
    count = len(items)
    numbers = _numbers(text, count, f"each number from 1 to {count} once, in the right order")
    if sorted(numbers) != list(range(1, count + 1)):
        raise Refused(f"Type each number from 1 to {count} exactly once, in the right order.")
    return tuple(items[n - 1] for n in numbers)


def _match(lefts: tuple[str, ...], rights: tuple[str, ...], text: str) -> dict[str, str]:
    count = len(lefts)
    letters = letter_labels(len(rights))
    example = f"a letter for each number from 1 to {count}, like 1{letters[-1]} 2{letters[0]}"
    squeezed = _SEPARATORS.sub(" ", text).strip()
    pairs = _PAIR.findall(squeezed)
    if not pairs or _PAIR.sub("", squeezed).strip():
        raise Refused(f"Type {example}.")
    chosen: dict[int, int] = {}
    for number_text, letter_text in pairs:
        number, letter = int(number_text), letter_text.casefold()
        if not 1 <= number <= count:
            raise Refused(f"There is no item {number}: type {example}.")
        if letter not in letters:
            raise Refused(f"There is no partner {letter}: the partners are {letters[0]} to {letters[-1]}.")
        if number in chosen:
            raise Refused(f"Item {number} is given twice: give each item one partner.")
        index = letters.index(letter)
        if index in chosen.values():
            raise Refused(f"Partner {letter} is given twice: each partner goes with one item.")
        chosen[number] = index
    missing = [str(n) for n in range(1, count + 1) if n not in chosen]
    if missing:
        raise Refused(f"Give a partner to every item; still without one: {', '.join(missing)}.")
    return {lefts[n - 1]: rights[chosen[n]] for n in sorted(chosen)}
