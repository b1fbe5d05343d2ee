"""Hypothesis strategies for question banks: valid ones of every type, near misses, garbage.

Valid banks are built as Python data and dumped with `yaml.safe_dump`, so every
generated text is well-formed YAML whose meaning is known; the near misses are
the same data with one deliberate mistake, which must be reported; garbage is
anything at all, which must never raise.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

from quiz.core.bank_format import COMMON_FIELDS, TYPE_FIELDS
from quiz.core.model import QUESTION_TYPES

Data = dict[str, Any]

# Any character a teacher could type, except lone surrogates (not encodable as UTF-8)
# and the line breaks PyYAML's dumper folds inside quotes (NEL, U+2028, U+2029).
_ANY_CHAR = st.characters(exclude_categories=["Cs", "Zl", "Zp"], exclude_characters="\x85")
_PLAIN_CHAR = st.characters(exclude_categories=["Cs", "Cc", "Cf", "Zl", "Zp"], exclude_characters="{}|")

TEXT = st.text(_ANY_CHAR, min_size=1, max_size=30).filter(lambda s: bool(s.strip()) and s != "<<")
"""Any non-blank text (quoted by the dumper as needed)."""
SLUG = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,12}", fullmatch=True)
_GAP_TEXT = st.text(_PLAIN_CHAR, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))
_LITERAL = st.text(_PLAIN_CHAR, min_size=0, max_size=15)
NUMBER = st.one_of(
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)


def _distinct(n_min: int, n_max: int) -> st.SearchStrategy[list[str]]:
    return st.lists(TEXT, min_size=n_min, max_size=n_max, unique=True)


@st.composite
def _choice(draw: st.DrawFn) -> Data:
    choices = draw(_distinct(2, 5))
    data: Data = {"choices": choices, "answer": draw(st.sampled_from(choices))}
    if draw(st.booleans()):
        data["shuffle"] = draw(st.booleans())
    if draw(st.booleans()):
        picked = draw(st.lists(st.sampled_from(choices), unique=True, max_size=len(choices)))
        data["feedback"] = {choice: draw(TEXT) for choice in picked}
    return data


@st.composite
def _multi(draw: st.DrawFn) -> Data:
    choices = draw(_distinct(2, 5))
    answers = draw(st.lists(st.sampled_from(choices), unique=True, min_size=1))
    return {"choices": choices, "answers": answers, "shuffle": draw(st.booleans())}


@st.composite
def _short(draw: st.DrawFn) -> Data:
    answer: Any = draw(st.one_of(TEXT, _distinct(1, 3)))
    data: Data = {"answer": answer}
    if draw(st.booleans()):
        data["typos"] = draw(st.integers(0, 3))
    return data


@st.composite
def _number(draw: st.DrawFn) -> Data:
    data: Data = {"answer": draw(NUMBER)}
    if draw(st.booleans()):
        data["tolerance"] = abs(draw(NUMBER))
    if draw(st.booleans()):
        data["unit"] = draw(TEXT)
    return data


@st.composite
def _cloze(draw: st.DrawFn) -> Data:
    gaps = draw(st.lists(st.lists(_GAP_TEXT, min_size=1, max_size=3), min_size=1, max_size=4))
    pieces = [draw(_LITERAL)]
    for gap in gaps:
        pieces.append("{{" + "|".join(gap) + "}}")
        pieces.append(draw(_LITERAL))
    return {"text": "".join(pieces)}


@st.composite
def _match(draw: st.DrawFn) -> Data:
    lefts = draw(_distinct(2, 5))
    rights = draw(st.lists(TEXT, min_size=len(lefts), max_size=len(lefts), unique=True))
    return {"pairs": dict(zip(lefts, rights, strict=True)), "shuffle": draw(st.booleans())}


TYPE_STRATEGIES: dict[str, st.SearchStrategy[Data]] = {
    "choice": _choice(),
    "multi": _multi(),
    "truefalse": st.builds(lambda b: {"answer": b}, st.booleans()),
    "short": _short(),
    "number": _number(),
    "cloze": _cloze(),
    "order": st.builds(lambda items: {"items": items}, _distinct(3, 6)),
    "match": _match(),
    "card": st.builds(lambda a: {"answer": a}, TEXT),
}
assert set(TYPE_STRATEGIES) == set(QUESTION_TYPES)


@st.composite
def question(draw: st.DrawFn, qid: str, sources: list[str], qtype: str | None = None) -> Data:
    """One valid question of `qtype` (any type when None)."""
    kind = qtype or draw(st.sampled_from(QUESTION_TYPES))
    data: Data = {"id": qid}
    if kind != "choice" or draw(st.booleans()):
        data["type"] = kind
    if kind != "cloze" or draw(st.booleans()):
        data["prompt"] = draw(TEXT)
    data.update(draw(TYPE_STRATEGIES[kind]))
    if draw(st.booleans()):
        data["explanation"] = draw(TEXT)
    if bool(sources) and draw(st.booleans()):
        data["source"] = draw(st.sampled_from(sources))
    if draw(st.booleans()):
        data["tags"] = draw(st.lists(TEXT, max_size=3))
    if draw(st.booleans()):
        data["hint"] = draw(TEXT)
    return data


@st.composite
def valid_bank(draw: st.DrawFn, types: tuple[str, ...] = ()) -> Data:
    """A bank that must load without a problem; `types` forces those question types."""
    bank: Data = {}
    if draw(st.booleans()):
        bank["deck"] = draw(SLUG)
    if draw(st.booleans()):
        bank["title"] = draw(TEXT)
    if draw(st.booleans()):
        bank["description"] = draw(TEXT)
    if draw(st.booleans()):
        bank["tags"] = draw(st.lists(TEXT, max_size=3))
    source_keys = draw(st.lists(TEXT, max_size=3, unique=True))
    if source_keys:
        bank["sources"] = {key: draw(TEXT) for key in source_keys}
    kinds = list(types) or draw(st.lists(st.sampled_from(QUESTION_TYPES), min_size=1, max_size=5))
    bank["questions"] = [draw(question(f"q{n}", source_keys, kind)) for n, kind in enumerate(kinds, start=1)]
    return bank


@st.composite
def dumped(draw: st.DrawFn, data: Data) -> str:
    """`data` as YAML in one of the styles a person or a tool might write."""
    return yaml.safe_dump(
        data,
        allow_unicode=draw(st.booleans()),
        sort_keys=False,
        default_flow_style=draw(st.sampled_from([False, None, True])),
        indent=draw(st.integers(2, 6)),
        width=draw(st.sampled_from([40, 80, 10_000])),
    )


REQUIRED: dict[str, tuple[str, ...]] = {
    "choice": ("choices", "answer"),
    "multi": ("choices", "answers"),
    "truefalse": ("answer",),
    "short": ("answer",),
    "number": ("answer",),
    "cloze": ("text",),
    "order": ("items",),
    "match": ("pairs",),
    "card": ("answer",),
}
"""Fields without which a question of each type cannot load (besides `id`, and
`prompt` for every type but cloze)."""


def question_type(data: Data) -> str:
    """The type a question dict declares (choice by default)."""
    return str(data.get("type", "choice"))


def allowed_fields(qtype: str) -> tuple[str, ...]:
    """Every field a question of `qtype` may have."""
    return COMMON_FIELDS + TYPE_FIELDS[qtype]


def misspell(draw: st.DrawFn, word: str) -> str:
    """`word` with one typing mistake: a swap, a drop, a double, a case change."""
    how = draw(st.sampled_from(["swap", "drop", "double", "upper", "space"]))
    at = draw(st.integers(0, len(word) - 1))
    if how == "swap" and len(word) > 1:
        at = min(at, len(word) - 2)
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if how == "drop" and len(word) > 1:
        return word[:at] + word[at + 1 :]
    if how == "double":
        return word[:at] + word[at] + word[at:]
    if how == "space":
        return word + " "
    return word[:at] + word[at].upper() + word[at + 1 :]


WRONG_KINDS: list[Any] = [
    {"x": "y"},
    ["x", "y"],
    [["deep"]],
    None,
    12,
    -3.5,
    True,
    "text",
    "",
]
"""Values of every YAML kind, to put where another kind belongs."""

TOKENS = [
    "questions:",
    "questions: [",
    "- id: a\n",
    "  prompt: x\n",
    "type: cloze\n",
    "text: '{{a}}'\n",
    "choices: [a, b]\n",
    "answer: a\n",
    "answers: []\n",
    "pairs: {a: b}\n",
    "items: [1, 2, 3]\n",
    "[",
    "]",
    "{",
    "}",
    ": ",
    ", ",
    "- ",
    "\n",
    "\n  ",
    "\n    ",
    "\t",
    "\x00",
    "\ufeff",
    "'",
    '"',
    "|\n",
    ">-\n",
    "&a ",
    "*a",
    "&b [*a, *a]",
    "<<: *a\n",
    "? ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "!!python/object/apply:os.system ['true']",
    "!!python/name:os.system",
    "!!binary aGk=",
    "!!set {a}",
    "!!omap [a: 1]",
    "!custom x",
    "~",
    "null",
    "yes",
    "0x1F",
    "1e400",
    ".inf",
    "2000-01-01",
    "\\e[2J",
    "\x1b[2J",
    "\x85",
    "\u2028",
    "\r",
    "\r\n",
    "#",
    " # comment",
    "é",
    "\u202e",
    "e\u0301",
    "[bold]",
    "{{",
    "}}",
    "|",
    "x" * 200,
]
"""Fragments of YAML, good and bad, that glued together reach the parser's odd corners."""

token_soup = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
garbage_text = st.one_of(st.text(max_size=400), token_soup)
garbage_bytes = st.binary(max_size=400)
