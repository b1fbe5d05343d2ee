"""What a teacher forgives in a typed answer: articles, a preposition, a plural, a date's form.

"Caucasus" for "the Caucasus", "in Slovenia" for "Slovenia", "supreme interest" for
"supreme interests" and "Dec 31 1999" for "31 December 1999" are the right answer
written another way. `forms(text)` lists the ways one answer may be read (each
with what was set aside to read it so); grading compares the learner's forms with
an accepted answer's forms and says what it forgave. A bank or question with
`strict: true` skips all this.

Works on text already `normalise`d by grading (casefolded, accents and punctuation
gone), except for dates, which are read from the text as typed (the punctuation of
"12/31/1999" matters). Pure: no clock, no files, no Textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Form", "forms", "read_date"]

ARTICLES = ("the", "a", "an")
PREPOSITIONS = ("in", "on", "at", "to", "from", "of", "by", "for", "with", "into", "during", "under")


@dataclass(frozen=True)
class Form:
    """One reading of an answer: its comparable `key`, and whether it took liberties."""

    key: str
    liberty: bool
    """True when an article, preposition or plural was set aside to get `key`."""


def _singular(word: str) -> str:
    """The singular of an English plural, close enough to compare answers."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "zes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def forms(normalised: str, *, answer: bool) -> list[Form]:
    """The readings of one normalised answer, the text itself first.

    Either side loses a leading article; the learner's side (`answer=False`) may
    also lose a leading preposition (the accepted answer's own preposition is never
    dropped: "in" + "camera" stays "in camera"); the last word is compared in the
    singular. Readings are never empty: "the" alone stays "the".
    """
    words = normalised.split()
    out = [Form("".join(words), False)]
    if not words:
        return out
    bases = [words]
    if len(words) > 1 and words[0] in ARTICLES:
        bases.append(words[1:])
    if not answer and len(words) > 1 and words[0] in PREPOSITIONS:
        rest = words[1:]
        bases.append(rest)
        if len(rest) > 1 and rest[0] in ARTICLES:
            bases.append(rest[1:])
    for base in bases:
        for last in {base[-1], _singular(base[-1])}:
            key = "".join([*base[:-1], last])
            if all(form.key != key for form in out):
                out.append(Form(key, True))
    return out


# -------------------------------------------------------------------------- dates


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_YEAR = re.compile(r"^\d{3,4}$")
_NUMERIC = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")

DateKey = tuple[int, int, int]
"""(year, month, day); 0 for a part not given ("December 1999" is (1999, 12, 0))."""


def _valid(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12:
        return False
    if day == 0:
        return True
    lengths = (31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30,
               31, 31, 30, 31, 30, 31)  # fmt: skip
    return 1 <= day <= lengths[month - 1]


def read_date(text: str) -> DateKey | None:
    """A date in a common written form, or None.

    "31 December 1999", "December 31, 1999", "Dec 31 1999", "31st of Dec. 1999",
    "the 31st of December 1999", "1999-12-31", "31/12/1999", "31.12.1999" and
    "December 1999". A numeric date whose day and month could be swapped
    ("01/02/1999") is read only when both readings agree, so "12/31/1999" (US)
    and "31/12/1999" both work but "01/02/1999" is no date.
    """
    value = text.strip().casefold()
    numeric = _NUMERIC.match(value)
    if numeric is not None:
        a, b, c = (int(part) for part in numeric.groups())
        if len(numeric.group(1)) >= 3:
            return (a, b, c) if _valid(a, b, c) else None  # ISO: year-month-day
        if len(numeric.group(3)) < 3:
            return None
        readings = {(c, m, d) for d, m in ((a, b), (b, a)) if _valid(c, m, d)}
        return readings.pop() if len(readings) == 1 else None
    words = [word for word in re.split(r"[\s,.]+", value) if word and word not in ("the", "of")]
    month = day = year = 0
    for word in words:
        if word in _MONTHS and not month:
            month = _MONTHS[word]
        elif _YEAR.match(word) and not year:
            year = int(word)
        elif (ordinal := _ORDINAL.match(word)) is not None and not day:
            day = int(ordinal.group(1))
        else:
            return None
    if not (month and year) or not _valid(year, month, day):
        return None
    return year, month, day
