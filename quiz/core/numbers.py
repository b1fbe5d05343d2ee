"""Reading a number answer the way a person writes it: digits, words, units, ranges.

`read_number(text, unit)` turns what a learner typed into a `Reading` (a value, or
a low-high range) or a `NotANumber` that says what was expected instead. Grading
uses it so that "six", "twenty-one", "nineteen sixty-two", "two thousand and one",
"6 month" (unit "months"), "100 C" (unit "°C") and "1,999" are all read as the
numbers they are, and so that text which is no number at all is refused as "not
an answer" rather than graded wrong.

English number words only, and only where they are unambiguous: "twenty one" is
21, "nineteen sixty-two" is 1962 (a teen or a ten followed by a two-digit group
reads as a year), "five six" is nothing. Pure: no clock, no files, no Textual.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "NotANumber",
    "Reading",
    "parse_digits",
    "read_number",
    "unit_matches",
    "words_to_number",
]


@dataclass(frozen=True)
class Reading:
    """A number as read: `low == high` for one number, `low < high` for a range."""

    low: float
    high: float
    unit_given: str = ""
    """The unit as the learner spelled it ("" when none was typed)."""

    @property
    def is_range(self) -> bool:
        """Whether the learner gave a range ("5-7", "between 5 and 7")."""
        return self.low != self.high


@dataclass(frozen=True)
class NotANumber:
    """Text that is no number: `message` says what was expected, for the learner."""

    message: str


# ------------------------------------------------------------------------ digits


_EXPONENT = r"(?:[eE][+-]?\d+)?"
_NUMBER_FORMS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(pattern), thousands, decimal)
    for pattern, thousands, decimal in (
        # 1999 / 1999.5 / .5 / 2e3
        (r"(?:\d+(?:\.\d*)?|\.\d+)" + _EXPONENT, "", "."),
        # 1,999 / 1,999,000.25
        (r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?" + _EXPONENT, ",", "."),
        # 1 999 / 1'999 / 1 999,5 / 1 999.5 (spaces after NFKC, which unifies thin ones)
        (r"[1-9]\d{0,2}(?:[ '’]\d{3})+(?:[.,]\d+)?" + _EXPONENT, " '’", ".,"),
        # 1.999,5 / 1.999.000 (dots as thousands: only when that is unambiguous)
        (r"[1-9]\d{0,2}(?:\.\d{3})+,\d+" + _EXPONENT, ".", ","),
        (r"[1-9]\d{0,2}(?:\.\d{3}){2,}" + _EXPONENT, ".", ""),
        # 2,5 / 0,999 / 1234,5: a decimal comma (a thousands group has exactly 3
        # digits after a 1-3 digit lead not starting with 0, tried above)
        (r"\d+,\d+" + _EXPONENT, "", ","),
    )
)
_SIGNS = {"+": 1.0, "-": -1.0, "−": -1.0}


def parse_digits(text: str) -> float | None:
    """A number written in digits with an optional sign, or None.

    Thousands separators ("1,999", "1 999", "1'999"), a decimal point, a decimal
    comma when unambiguous ("2,5" is 2.5; "1,999" is 1999) and an exponent ("2e3").
    Infinite and NaN values are refused.
    """
    value = text.strip()
    sign = 1.0
    if value[:1] in _SIGNS:
        sign = _SIGNS[value[:1]]
        value = value[1:].lstrip()
    for pattern, thousands, decimal in _NUMBER_FORMS:
        if not pattern.fullmatch(value):
            continue
        plain = "".join(char for char in value if char not in thousands)
        if "," in decimal:
            plain = plain.replace(",", ".")
        try:
            number = float(plain)
        except ValueError:
            return None
        return sign * number if math.isfinite(number) else None
    return None


# ------------------------------------------------------------------------- words


_UNITS = {
    "zero": 0, "nought": 0, "naught": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12}
_NEGATIVE = ("minus", "negative")
WORDS = frozenset(_UNITS) | frozenset(_TEENS) | frozenset(_TENS) | frozenset(_SCALES) | {"hundred", "a", "and"}
"""Every word `words_to_number` knows (for telling "six months" from "six apples")."""


def _below_hundred(words: list[str]) -> tuple[int, int] | None:
    """(value, words used) of a number below 100 at the start of `words`: "six",
    "twelve", "twenty", "twenty one"; None if `words` does not start with one."""
    if not words:
        return None
    first = words[0]
    if first in _TENS:
        if len(words) > 1 and words[1] in _UNITS and _UNITS[words[1]] > 0 and words[1] != "oh":
            return _TENS[first] + _UNITS[words[1]], 2
        return _TENS[first], 1
    if first in _TEENS:
        return _TEENS[first], 1
    if first in _UNITS and first != "oh":
        return _UNITS[first], 1
    return None


def _below_thousand(words: list[str]) -> tuple[int, int] | None:
    """(value, words used) of a number below 1000: "three hundred and five", "a hundred"."""
    if not words:
        return None
    used = 0
    value = 0
    if len(words) > 1 and words[1] == "hundred" and (words[0] == "a" or words[0] in _UNITS):
        lead = 1 if words[0] == "a" else _UNITS[words[0]]
        if lead == 0:
            return None
        value, used = lead * 100, 2
        if used < len(words) and words[used] == "and":
            rest = _below_hundred(words[used + 1 :])
            if rest is None:
                return None  # "a hundred and" what?
            return value + rest[0], used + 1 + rest[1]
        rest = _below_hundred(words[used:])
        if rest is not None and rest[0] > 0:
            return value + rest[0], used + rest[1]
        return value, used
    if words[0] == "a":
        return (1, 1) if len(words) > 1 and words[1] in _SCALES else None
    return _below_hundred(words)


def _cardinal(words: list[str]) -> int | None:
    """A whole number in words, every word used: "two thousand and one", "one million
    two hundred thousand"; scales must come in decreasing order."""
    total = 0
    position = 0
    last_scale = math.inf
    while position < len(words):
        if position and words[position] == "and":
            position += 1  # "two thousand and one"
            if position == len(words):
                return None
        chunk = _below_thousand(words[position:])
        if chunk is None:
            return None
        value, used = chunk
        position += used
        if position < len(words) and words[position] in _SCALES:
            scale = _SCALES[words[position]]
            if scale >= last_scale or value == 0:
                return None
            total += value * scale
            last_scale = scale
            position += 1
            continue
        if position != len(words):
            return None  # "five six": two numbers side by side
        if total and value >= last_scale:
            return None
        return total + value
    return total


def _year(words: list[str]) -> int | None:
    """A year read in pairs: "nineteen sixty-two" 1962, "nineteen oh five" 1905,
    "nineteen hundred" 1900, "twenty twenty-six" 2026. Only a teen or a ten (10-99)
    followed by a second group, which no ordinary reading allows."""
    first = _below_hundred(words)
    if first is None or first[0] < 10:
        return None
    rest = words[first[1] :]
    if rest == ["hundred"]:
        return first[0] * 100
    if len(rest) == 2 and rest[0] in ("oh", "o", "zero", "nought") and rest[1] in _UNITS and _UNITS[rest[1]] > 0:
        return first[0] * 100 + _UNITS[rest[1]]
    second = _below_hundred(rest)
    if second is None or second[1] != len(rest) or second[0] < 10:
        return None
    return first[0] * 100 + second[0]


def _words(text: str) -> list[str]:
    return text.casefold().replace("-", " ").replace(",", " ").split()


def words_to_number(text: str) -> float | None:
    """English number words as a number, or None when they are not one (or ambiguous).

    "six", "twenty-one", "a hundred and five", "two thousand and one", "nineteen
    sixty-two" (a year), "minus five", "three point one four", "2 million",
    "1.5 thousand".
    """
    words = _words(text)
    sign = 1.0
    if words and words[0] in _NEGATIVE:
        sign, words = -1.0, words[1:]
    if not words:
        return None
    # digits followed by a scale: "2 million", "1.5 thousand"
    if len(words) == 2 and words[1] in _SCALES | {"hundred": 100}:
        lead = parse_digits(words[0])
        if lead is not None:
            return sign * lead * _SCALES.get(words[1], 100)
    fraction = ""
    if "point" in words:
        at = words.index("point")
        digits = words[at + 1 :]
        if not digits or any(word not in _UNITS for word in digits):
            return None
        fraction = "".join(str(_UNITS[word]) for word in digits)
        words = words[:at]
        if not words:
            words = ["zero"]
    whole = _cardinal(words)
    if whole is None and not fraction:
        whole = _year(words)
    if whole is None:
        return None
    return sign * float(f"{whole}.{fraction}" if fraction else whole)


# ------------------------------------------------------------------------- units


_UNIT_SPELLINGS: tuple[frozenset[str], ...] = tuple(
    frozenset(group)
    for group in (
        ("°c", "c", "℃", "deg c", "degc", "degree c", "degrees c", "degree celsius", "degrees celsius",
         "celsius", "centigrade", "degrees centigrade", "degree", "degrees"),
        ("°f", "f", "℉", "deg f", "degf", "degree f", "degrees f", "degree fahrenheit", "degrees fahrenheit",
         "fahrenheit"),
        ("°", "deg", "degree", "degrees"),
        ("%", "percent", "per cent", "pct", "pc"),
        ("km", "kilometre", "kilometer", "kms"),
        ("m", "metre", "meter", "mtr"),
        ("cm", "centimetre", "centimeter"),
        ("mm", "millimetre", "millimeter"),
        ("mi", "mile"),
        ("kg", "kilogram", "kilogramme", "kilo", "kgs"),
        ("g", "gram", "gramme", "gr"),
        ("t", "tonne", "ton", "metric ton"),
        ("l", "litre", "liter", "ltr"),
        ("s", "sec", "second", "secs"),
        ("min", "minute", "mins"),
        ("h", "hr", "hour", "hrs"),
        ("d", "day"),
        ("wk", "week", "wks"),
        ("mo", "month", "mos", "mth"),
        ("y", "yr", "year", "yrs"),
        ("km/h", "kmh", "kph", "kilometres per hour", "kilometers per hour"),
        ("mph", "miles per hour", "mile per hour"),
        ("$", "usd", "dollar", "us dollar"),
        ("€", "eur", "euro"),
        ("£", "gbp", "pound", "pound sterling"),
    )
)  # fmt: skip


def _unit_key(text: str) -> str:
    """A unit spelling in the form they are compared in: case, dots and spaces evened out."""
    text = unicodedata.normalize("NFKC", text).casefold().strip().rstrip(".")
    return " ".join(text.replace("º", "°").split())


def _singular(word: str) -> str:
    """`word` without a plural ending: "months" -> "month", "inches" -> "inch"."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _unit_forms(text: str) -> set[str]:
    key = _unit_key(text)
    words = key.split()
    forms = {key}
    if words:
        forms.add(" ".join([*words[:-1], _singular(words[-1])]))
        if words[0] in ("°", "°c", "°f") or key.startswith("°"):
            forms.add(key.replace("° ", "°"))
    return forms


def unit_matches(given: str, unit: str) -> bool:
    """Whether `given` names the question's `unit`: the same spelling in any case,
    singular or plural ("month" for "months"), or a common spelling of it ("C",
    "degrees" for "°C"; "percent" for "%"; "kilometres" for "km")."""
    given_forms = _unit_forms(given)
    unit_forms = _unit_forms(unit)
    if given_forms & unit_forms:
        return True
    return any(given_forms & group and unit_forms & group for group in _UNIT_SPELLINGS)


# ------------------------------------------------------------------------ reading


_RANGE = re.compile(r"^(?:between|from)?\s*(?P<low>.+?)\s*(?:-|–|—|\bto\b|\band\b|\.\.)\s*(?P<high>.+)$")
_NUMBER_START = re.compile(r"^[+\-−]?(?:\d[\d,.' ’]*\d|\d|\.\d+)(?:[eE][+-]?\d+)?")


def _split_unit(text: str) -> tuple[float, str] | None:
    """(number, what follows it) for the longest start of `text` that is a number:
    "2 million km" is 2,000,000 then "km"; "5km" is 5 then "km"."""
    words = text.split()
    for cut in range(len(words), 0, -1):
        head = " ".join(words[:cut])
        value = parse_digits(head)
        if value is None:
            value = words_to_number(head)
        if value is not None:
            return value, " ".join(words[cut:])
    match = _NUMBER_START.match(text)
    if match is not None:
        value = parse_digits(match.group(0))
        if value is not None:
            return value, text[match.end() :].strip()
    return None


def _one(text: str, unit: str | None) -> tuple[float, str] | NotANumber:
    """One number with an optional unit after it (or, for "$" and "€", before it)."""
    text = text.strip()
    if unit and text.startswith(unit.strip()) and not text[: len(unit.strip())].isalnum():
        text = text[len(unit.strip()) :].strip()
    split = _split_unit(text)
    if split is None:
        return NotANumber(_expected(unit))
    value, rest = split
    if rest:
        if not unit:
            # "6 things" where the question has no unit: any word after the number is noise
            if any(char.isdigit() for char in rest) or rest.casefold().split()[0] in WORDS:
                return NotANumber(_expected(unit))
            return value, rest
        if not unit_matches(rest, unit):
            return NotANumber(f"The answer is counted in {unit}, not '{rest}'. {_expected(unit)}")
    return value, rest


def _expected(unit: str | None) -> str:
    if unit:
        return f"Type a number of {unit}, in digits or words (such as 12 or twelve)."
    return "Type a number, in digits or words (such as 12 or twelve)."


def read_number(text: str, unit: str | None = None) -> Reading | NotANumber:
    """What the learner typed as a number or range, or why it is not one.

    Digits with separators, English number words, a trailing unit in any common
    spelling (singular or plural), a sign, and ranges ("5-7", "5 to 7", "between 5
    and 7"). A range is only a reading; whether the question accepts one is
    grading's call.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return NotANumber(_expected(unit))
    single = _one(value, unit)
    if not isinstance(single, NotANumber):
        return Reading(single[0], single[0], single[1])
    match = _RANGE.match(value)
    if match is not None:
        low = _one(match.group("low"), unit)
        high = _one(match.group("high"), unit)
        if not isinstance(low, NotANumber) and not isinstance(high, NotANumber):
            a, b = sorted((low[0], high[0]))
            return Reading(a, b, high[1] or low[1])
    return single
