"""Words as the item-writing checks compare them: tokens, phrases and word lists.

Text is compared as lists of words: casefolded, accents stripped, apostrophes
dropped ("Putin's" -> "putins") and every other punctuation mark a word break
("NATO-Russia" -> "nato russia"), so a phrase matches only on whole words
("Rome" is not in "Romeo").

The lists are short and written out here rather than taken from a word-frequency
library (`wordfreq` brings tens of megabytes of data): the checks only need to
know the few hundred words too common to give anything away, and the small closed
classes of absolute and negative words the guidelines name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

_APOSTROPHES = "'’ʼ`´ʹ"
_DROP_ASCII = str.maketrans("", "", "'`")
_POSSESSIVE = re.compile(r"(?<=\w)['’ʼ]s\b")
_WORD = re.compile(r"\w+")
_DIGITS = re.compile(r"\d+")

_COMMON = """
    a about above across after again against all almost along also although always am among an and another any
    are around as at away back be became because become been before being below between both but by can could
    did do does done down during each either else even ever every few first for from further had has have he
    her here hers him his how however i if in into is it its itself just last least less like made make many
    may me more most much must my neither never new next no none nor not now of off often old on once one only
    or other others our out over own part per same she should since so some still such than that the their them
    then there these they this those though through thus to too two three four five six seven eight nine ten
    under until up upon us very was we were what when where whether which while who whom whose why will with
    within without would yes you your true false right wrong yet year years day days time times people man men
    woman women thing things way good great high long little big small large world country countries state
    states government war peace first second third last end start city place point case group number fact
    name word words question answer other same different new old early late later public private national
    full power powers made came went gave took said says told asked called named held kept left meet met
    general main major whole half side sides kind sort form role level order area areas home line lines
    foreign domestic international american russian european western eastern northern southern soviet
    british french german chinese military political economic social official officials range ranges
    leader leaders president presidents minister ministers member members support issue issues policy
    term terms plan plans step steps view views role act acts move moves deal deals talks report reports
    month months week weeks hour hours century decade decades today
"""
_MONTHS = "january february march april may june july august september october november december"
MONTHS = frozenset(_MONTHS.split())
"""Dates are everywhere in a history deck: a month says nothing about what is asked."""
COMMON_WORDS = frozenset(_COMMON.split())
"""Words too common for an answer made of them alone to give anything away."""

_ABSOLUTE = """
    only always never none nothing nobody noone everyone everybody everything all every completely entirely
    absolutely totally solely exclusively forever invariably wholly
"""
ABSOLUTE_WORDS = frozenset(_ABSOLUTE.split())
"""Specific determiners (Haladyna et al. 2002, guideline 31b): test-wise learners rule out
an option that says "always" or "only" without reading it."""

NEGATIVE_WORDS = frozenset({"not", "except", "never", "cannot", "least"})
"""Negations that reverse what a stem asks (guideline 17), besides the n't contractions."""


def fold(text: str) -> str:
    """Casefolded, accents stripped, possessive 's and apostrophes dropped; other
    punctuation kept ("Primakov's" -> "primakov", "don't" -> "dont")."""
    folded = _POSSESSIVE.sub("", text.casefold())
    if folded.isascii():
        return folded.translate(_DROP_ASCII)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in _APOSTROPHES)


@cache
def words(text: str) -> tuple[str, ...]:
    """The words of `text`, compared as the module docstring says."""
    return tuple(_WORD.findall(fold(text)))


@cache
def phrase(text: str) -> str:
    """The words of `text` joined by single spaces: the form phrases are matched in."""
    return " ".join(words(text))


def contains(haystack: str, needle: str) -> bool:
    """Whether the phrase `needle` occurs in the phrase `haystack` on whole words."""
    return bool(needle) and f" {needle} " in f" {haystack} "


@cache
def is_trivial(answer: str) -> bool:
    """An answer too plain to leak: empty, a number of fewer than 3 digits, or
    common words only ("True", "12", "the war")."""
    tokens = words(answer)
    if not tokens:
        return True
    if all(_DIGITS.fullmatch(t) for t in tokens):
        return len("".join(tokens)) < 3
    return all(t in COMMON_WORDS for t in tokens)


def forget() -> None:
    """Drop what the caches above hold. They are unbounded, because every check of a
    lint run reads the same texts (a bounded cache thrashes on a 10,000-question
    bank and re-reads each text); `lint` empties them when it is done."""
    words.cache_clear()
    phrase.cache_clear()
    is_trivial.cache_clear()


def content_words(text: str) -> frozenset[str]:
    """The words of `text` that are not common (of 3 characters or more)."""
    return frozenset(t for t in words(text) if t not in COMMON_WORDS and len(t) >= 3)


def any_phrase_in(needles: Iterable[str], haystacks: Sequence[str]) -> str | None:
    """The first needle phrase found in any haystack phrase, or None."""
    for needle in needles:
        if any(contains(h, needle) for h in haystacks):
            return needle
    return None


def same_stem(a: str, b: str) -> bool:
    """A crude stem match for English: "syria"/"syrian", "collapse"/"collapsed"."""
    shortest = min(len(a), len(b))
    size = max(4, shortest - 2)
    return shortest >= 4 and a[:size] == b[:size]
