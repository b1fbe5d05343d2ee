"""YAML question banks -> `Bank`, collecting every problem with its line.

Why the node tree and not `yaml.safe_load`: YAML 1.1 turns `yes`, `on`, `1:30`,
`0123` and `2000-01-01` into booleans, integers and dates, and silently keeps the
last of two equal keys. Teachers mean the text they typed, and a doubled key is a
mistake. So a file is composed once into nodes (which carry line marks), and the
builder reads each scalar's source text itself, as text where the format wants text
and as a number only where it wants a number. Nothing is ever constructed from a
YAML tag, so `!!python/...` cannot build objects; such tags are reported.
"""

from __future__ import annotations

import gc
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.core import bank_cache
from quiz.core.config import bundled_questions_dir
from quiz.core.course import Course, is_course_file, load_course, order_banks
from quiz.core.model import (
    QUESTION_TYPES,
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    Library,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Problem,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

__all__ = ["bundled_questions_dir", "find_bank_files", "find_course_files", "load_file", "load_paths", "load_text"]

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BANK_FIELDS = ("deck", "title", "description", "tags", "strict", "sources", "scheduling", "lint", "questions")
COMMON_FIELDS = ("id", "type", "prompt", "explanation", "source", "tags", "hint", "lint")
LINT_FIELDS = ("ignore",)
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "choice": ("choices", "answer", "shuffle", "feedback"),
    "multi": ("choices", "answers", "shuffle", "feedback"),
    "truefalse": ("answer",),
    "short": ("answer", "typos", "strict"),
    "number": ("answer", "tolerance", "unit"),
    "cloze": ("text", "typos", "strict"),
    "order": ("items",),
    "match": ("pairs", "shuffle"),
    "card": ("answer",),
}
ALL_QUESTION_FIELDS = tuple(dict.fromkeys(COMMON_FIELDS + tuple(f for fs in TYPE_FIELDS.values() for f in fs)))
STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
)
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
INTEGER = re.compile(r"[-+]?(0[xXoObB])?[0-9]{1,4000}")
"""An integer YAML would read (within Python's 4,300-digit limit on int())."""
COUNT = re.compile(r"\+?[0-9]{1,18}")
"""A whole number of 0 or more, small enough to be a count (`typos`)."""
SUGGEST_LIMIT = 200
"""'Did you mean' compares words and options up to this length, among at most this
many options: `difflib` is quadratic, and a 1 MB answer must not cost minutes."""
TRUE_WORDS = frozenset({"true", "yes", "on", "y"})
FALSE_WORDS = frozenset({"false", "no", "off", "n"})
LONG_QUOTE = re.compile(r"'([^']{80,})'")
MAX_NODES = 2_000_000
"""A file with more nodes than this is refused, before it is composed (see `_too_many_nodes`)."""
MAX_BANK_BYTES = 64 << 20
"""A bank file larger than this (64 MiB; 50,000 realistic questions take about 25) is not read."""


class _Abort(Exception):
    """Stops building a file whose structure is beyond repair."""


@dataclass
class _Ctx:
    """Per-file state while building: where problems go, and a node budget."""

    file: str
    problems: list[Problem] = field(default_factory=list)
    marks: bool = False
    """Whether to keep each field's line mark in the model (for `quiz check --lint`)."""

    def add(self, node: Node | None, message: str) -> None:
        """Record a problem at a node's start (1:1 when there is none).

        A long quoted value is abbreviated: a 1 MB scalar quoted whole would
        bury the message it belongs to."""
        message = LONG_QUOTE.sub(lambda m: f"'{m.group(1)[:60]}…'", message)
        if node is None:
            self.problems.append(Problem(self.file, 1, 1, message))
        else:
            mark = node.start_mark
            self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, message))


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _marks(fields: dict[str, Node]) -> dict[str, tuple[int, int]]:
    """Each field's value mark, and each item's of the lists a check may point into."""
    out: dict[str, tuple[int, int]] = {}
    for name, node in fields.items():
        out[name] = _mark(node)
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                out[f"{name}.{index}"] = _mark(item)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    out[f"{name}.{key.value}"] = _mark(value)
    return out


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    if len(word) > SUGGEST_LIMIT or len(options) > SUGGEST_LIMIT:
        return ""
    close = get_close_matches(word, [option for option in options if len(option) <= SUGGEST_LIMIT], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    return "empty" if _is_null(node) else "a single value"


def _is_null(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null", "Null", "NULL")
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading builds millions of small objects that all live on; the cyclic
    collector would re-scan them again and again (2-3x the load time) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Builder:
    """Turns one composed document into a `Bank`, reporting what is wrong."""

    def __init__(self, ctx: _Ctx) -> None:
        self.ctx = ctx
        self.bank_strict = False
        """The bank's `strict:` header, the default of its short and cloze questions."""

    # --- scalar readers -------------------------------------------------

    def text(self, node: Node, what: str, *, required: bool = False) -> str | None:
        """The text the teacher typed, whatever YAML would have made of it."""
        if isinstance(node, ScalarNode):
            if _is_null(node):
                if required:
                    self.ctx.add(node, f"'{what}' is empty")
                return None
            return str(node.value)
        self.ctx.add(node, f"'{what}' must be text, not {_describe(node)}")
        return None

    def text_list(self, node: Node, what: str) -> list[tuple[str, Node]] | None:
        """A list of texts, each with its node for later messages."""
        if not isinstance(node, SequenceNode):
            self.ctx.add(node, f"'{what}' must be a list, not {_describe(node)}")
            return None
        out: list[tuple[str, Node]] = []
        for item in node.value:
            value = self.text(item, f"{what} item", required=True)
            if value is not None:
                out.append((value, item))
        return out

    def number(self, node: Node, what: str) -> float | None:
        """A number: YAML int or float, or quoted digits a teacher meant as one."""
        if isinstance(node, ScalarNode) and not _is_null(node):
            raw = str(node.value).strip().replace("_", "")
            try:
                value = float(int(raw, 0)) if INTEGER.fullmatch(raw) else float(raw)
            except (ValueError, OverflowError):  # OverflowError: an integer beyond a float's range
                pass
            else:
                if math.isfinite(value):
                    return value
                self.ctx.add(node, f"'{what}' must be a finite number, not {_show(node)}")
                return None
        self.ctx.add(node, f"'{what}' must be a number, not {_show(node)}")
        return None

    def boolean(self, node: Node, what: str) -> bool | None:
        """true/false, also yes/no/on/off, in any case."""
        if isinstance(node, ScalarNode):
            word = str(node.value).strip().lower()
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
        self.ctx.add(node, f"'{what}' must be true or false, not {_show(node)}")
        return None

    def count(self, node: Node, what: str) -> int | None:
        """A whole number >= 0."""
        if isinstance(node, ScalarNode) and COUNT.fullmatch(str(node.value).strip()):
            return int(str(node.value).strip())
        self.ctx.add(node, f"'{what}' must be a whole number of 0 or more, not {_show(node)}")
        return None

    def mapping(self, node: Node, what: str) -> list[tuple[str, Node, Node]] | None:
        """(key text, key node, value node) triples; a doubled key is a problem."""
        if not isinstance(node, MappingNode):
            self.ctx.add(node, f"'{what}' must be a mapping of key: value, not {_describe(node)}")
            return None
        seen: dict[str, Node] = {}
        out: list[tuple[str, Node, Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or _is_null(key_node):
                self.ctx.add(key_node, f"a key in '{what}' must be plain text")
                continue
            key = str(key_node.value)
            if key == "<<":
                self.ctx.add(key_node, "merge keys (<<) are not supported in banks")
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                self.ctx.add(key_node, f"duplicate key '{key}' (first given on line {first})")
                continue
            seen[key] = key_node
            out.append((key, key_node, value_node))
        return out

    # --- the bank ---------------------------------------------------------

    def bank(self, root: Node, default_deck: str, path: Path) -> Bank | None:
        if not isinstance(root, MappingNode):
            expected = "deck, title, questions, ..."
            self.ctx.add(root, f"a bank must be a mapping of fields ({expected}), not {_describe(root)}")
            return None
        entries = self.mapping(root, "the bank")
        if entries is None:
            return None
        fields = {key: value for key, _, value in entries}
        for key, key_node, _ in entries:
            if key not in BANK_FIELDS:
                hint = _did_you_mean(key, BANK_FIELDS)
                self.ctx.add(key_node, f"unknown top-level field '{key}'{hint}")

        deck = default_deck
        if "deck" in fields:
            deck = self.text(fields["deck"], "deck", required=True) or default_deck
            if not SLUG.match(deck):
                self.ctx.add(fields["deck"], f"deck '{deck}' must be a slug (letters, digits, - _ .)")
        title = deck
        if "title" in fields:
            title = self.text(fields["title"], "title") or deck
        description = ""
        if "description" in fields:
            description = self.text(fields["description"], "description") or ""
        tags = self.tags(fields["tags"]) if "tags" in fields else ()
        self.bank_strict = bool(self.boolean(fields["strict"], "strict")) if "strict" in fields else False
        lint_ignore = self.lint(fields["lint"]) if "lint" in fields else ()

        sources: dict[str, str] = {}
        if "sources" in fields:
            for key, _, value in self.mapping(fields["sources"], "sources") or []:
                citation = self.text(value, f"sources.{key}", required=True)
                if citation is not None:
                    sources[key] = citation

        parameters = self.scheduling(fields["scheduling"]) if "scheduling" in fields else None

        questions: list[Question] = []
        if "questions" not in fields:
            self.ctx.add(root, "the bank has no 'questions' list")
        elif not isinstance(fields["questions"], SequenceNode):
            self.ctx.add(fields["questions"], f"'questions' must be a list, not {_describe(fields['questions'])}")
        else:
            items = fields["questions"].value
            if not items:
                self.ctx.add(fields["questions"], "'questions' is empty")
            ids: dict[str, Node] = {}
            for item in items:
                question = self.question(item, deck, tags, sources, ids, str(path))
                if question is not None:
                    questions.append(question)
        return Bank(
            deck=deck,
            title=title,
            description=description,
            tags=tags,
            sources=sources,
            questions=tuple(questions),
            path=path,
            parameters=parameters,
            strict=self.bank_strict,
            lint_ignore=lint_ignore,
            marks=_marks(fields) if self.ctx.marks else {},
        )

    def scheduling(self, node: Node) -> tuple[float, ...] | None:
        """`scheduling: {parameters: [21 numbers]}`: FSRS weights a teacher fitted on a class
        (`quiz optimize --class`), each within the bounds `fsrs` accepts."""
        from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

        entries = self.mapping(node, "scheduling")
        if entries is None:
            return None
        values: tuple[float, ...] | None = None
        for key, key_node, value in entries:
            if key != "parameters":
                self.ctx.add(key_node, f"unknown field 'scheduling.{key}' (only 'parameters')")
                continue
            if not isinstance(value, SequenceNode):
                self.ctx.add(value, f"'scheduling.parameters' must be a list of numbers, not {_describe(value)}")
                continue
            wanted = len(LOWER_BOUNDS_PARAMETERS)
            if len(value.value) != wanted:
                self.ctx.add(value, f"'scheduling.parameters' needs {wanted} numbers (FSRS-6), not {len(value.value)}")
                continue
            numbers: list[float] = []
            for index, item in enumerate(value.value):
                number = self.number(item, f"scheduling.parameters[{index}]")
                if number is None:
                    continue
                low, high = LOWER_BOUNDS_PARAMETERS[index], UPPER_BOUNDS_PARAMETERS[index]
                if not low <= number <= high:
                    self.ctx.add(item, f"'scheduling.parameters[{index}]' must be from {low} to {high}, not {number}")
                    continue
                numbers.append(number)
            if len(numbers) == wanted:
                values = tuple(numbers)
        return values

    def lint(self, node: Node) -> tuple[str, ...]:
        """`lint: {ignore: [L104, ...]}`: checks silenced, by code or name.

        Only the form is checked here; a code no check has is `quiz check
        --lint`'s warning, so a bank written for a later quiz still loads."""
        ignored: list[str] = []
        for key, key_node, value in self.mapping(node, "lint") or []:
            if key not in LINT_FIELDS:
                self.ctx.add(key_node, f"unknown field '{key}' in 'lint'{_did_you_mean(key, LINT_FIELDS)}")
                continue
            if isinstance(value, ScalarNode) and not _is_null(value):
                items = [(str(value.value), cast(Node, value))]
            else:
                items = self.text_list(value, "lint.ignore") or []
            for code, item in items:
                if not SLUG.match(code):
                    self.ctx.add(item, f"'{code}' is not a lint check: give a code such as L104 or its name")
                else:
                    ignored.append(code)
        return tuple(dict.fromkeys(ignored))

    def tags(self, node: Node, inherited: tuple[str, ...] = ()) -> tuple[str, ...]:
        if isinstance(node, ScalarNode) and not _is_null(node):
            values = [str(node.value)]  # a lone tag is forgiven
        else:
            values = [value for value, _ in self.text_list(node, "tags") or []]
        return tuple(dict.fromkeys([*inherited, *(v.strip() for v in values if v.strip())]))

    # --- one question -------------------------------------------------------

    def question(
        self,
        node: Node,
        deck: str,
        bank_tags: tuple[str, ...],
        sources: dict[str, str],
        ids: dict[str, Node],
        file: str,
    ) -> Question | None:
        entries = self.mapping(node, "question")
        if entries is None:
            return None
        fields = {key: value for key, _, value in entries}
        before = len(self.ctx.problems)

        qid: str | None = None
        if "id" not in fields:
            self.ctx.add(node, "question has no 'id'")
        else:
            qid = self.text(fields["id"], "id", required=True)
            if qid is not None:
                if not SLUG.match(qid):
                    self.ctx.add(fields["id"], f"id '{qid}' must be a slug (letters, digits, - _ .)")
                elif qid in ids:
                    first = ids[qid].start_mark.line + 1
                    self.ctx.add(fields["id"], f"duplicate id '{qid}' in deck '{deck}' (first on line {first})")
                else:
                    ids[qid] = fields["id"]

        qtype = "choice"
        if "type" in fields:
            given = self.text(fields["type"], "type", required=True)
            if given is not None and given not in QUESTION_TYPES:
                hint = _did_you_mean(given, QUESTION_TYPES)
                self.ctx.add(fields["type"], f"unknown type '{given}'{hint}; types are {', '.join(QUESTION_TYPES)}")
                return None
            qtype = given or qtype

        allowed = COMMON_FIELDS + TYPE_FIELDS[qtype]
        for key, key_node, _ in entries:
            if key in allowed:
                continue
            if key in ALL_QUESTION_FIELDS:
                self.ctx.add(key_node, f"field '{key}' is not used by '{qtype}' questions")
            else:
                hint = _did_you_mean(key, allowed)
                self.ctx.add(key_node, f"unknown field '{key}'{hint}")

        prompt = ""
        if "prompt" in fields:
            prompt = self.text(fields["prompt"], "prompt", required=True) or ""
        elif qtype != "cloze":
            self.ctx.add(node, f"question '{qid or '?'}' has no 'prompt'")

        source = citation = None
        if "source" in fields:
            source = self.text(fields["source"], "source", required=True)
            if source is not None:
                if source in sources:
                    citation = sources[source]
                else:
                    hint = _did_you_mean(source, list(sources)) if sources else " (the bank has no 'sources')"
                    self.ctx.add(fields["source"], f"source '{source}' is not defined in the bank's sources{hint}")

        common: dict[str, Any] = {
            "deck": deck,
            "id": qid or "",
            "prompt": prompt,
            "explanation": (self.text(fields["explanation"], "explanation") or "") if "explanation" in fields else "",
            "source": source,
            "citation": citation,
            "tags": self.tags(fields["tags"], bank_tags) if "tags" in fields else bank_tags,
            "hint": self.text(fields["hint"], "hint") if "hint" in fields else None,
            "lint_ignore": self.lint(fields["lint"]) if "lint" in fields else (),
            "file": file,
            "line": node.start_mark.line + 1,
        }
        if self.ctx.marks:
            common["marks"] = {"": _mark(node), **_marks(fields)}
        built = getattr(self, f"_q_{qtype}")(node, fields, common)
        if len(self.ctx.problems) > before:
            return None
        return cast(Question, built)

    def _required(self, node: Node, fields: dict[str, Node], name: str, qtype: str) -> Node | None:
        if name not in fields:
            self.ctx.add(node, f"'{qtype}' question needs '{name}'")
            return None
        return fields[name]

    def _choices(self, node: Node, fields: dict[str, Node], qtype: str) -> list[str] | None:
        choices_node = self._required(node, fields, "choices", qtype)
        if choices_node is None:
            return None
        choices = self.text_list(choices_node, "choices")
        if choices is None:
            return None
        if len(choices) < 2:
            self.ctx.add(choices_node, f"'choices' needs at least 2 options, has {len(choices)}")
        seen: set[str] = set()
        for value, item in choices:
            if value in seen:
                self.ctx.add(item, f"choice '{value}' is given twice")
            seen.add(value)
        return [value for value, _ in choices]

    def _shuffle(self, fields: dict[str, Node]) -> bool:
        if "shuffle" not in fields:
            return True
        value = self.boolean(fields["shuffle"], "shuffle")
        return True if value is None else value

    def _feedback(self, fields: dict[str, Node], choices: list[str]) -> dict[str, str]:
        if "feedback" not in fields:
            return {}
        out: dict[str, str] = {}
        known = frozenset(choices)
        for key, key_node, value in self.mapping(fields["feedback"], "feedback") or []:
            if key not in known:
                hint = _did_you_mean(key, choices)
                self.ctx.add(key_node, f"feedback for '{key}', which is not one of the choices{hint}")
                continue
            text = self.text(value, f"feedback for '{key}'", required=True)
            if text is not None:
                out[key] = text
        return out

    def _answer_in(self, node: Node, value: str, choices: list[str], what: str, known: frozenset[str]) -> None:
        """A problem unless `value` is in `known` (the choices as a set: a list would
        make a multi with thousands of answers and choices quadratic)."""
        if value not in known:
            hint = _did_you_mean(value, choices)
            self.ctx.add(node, f"{what} '{value}' is not one of the choices{hint}")

    def _q_choice(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> ChoiceQuestion | None:
        choices = self._choices(node, fields, "choice")
        answer_node = self._required(node, fields, "answer", "choice")
        answer = self.text(answer_node, "answer", required=True) if answer_node is not None else None
        if choices is None or answer is None or answer_node is None:
            return None
        self._answer_in(answer_node, answer, choices, "answer", frozenset(choices))
        return ChoiceQuestion(
            **common,
            choices=tuple(choices),
            answer=answer,
            shuffle=self._shuffle(fields),
            feedback=self._feedback(fields, choices),
        )

    def _q_multi(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> MultiQuestion | None:
        choices = self._choices(node, fields, "multi")
        answers_node = self._required(node, fields, "answers", "multi")
        if answers_node is None:
            return None
        if isinstance(answers_node, ScalarNode) and not _is_null(answers_node):
            answers = [(str(answers_node.value), cast(Node, answers_node))]
        elif _is_null(answers_node):
            answers = []
        else:
            answers = self.text_list(answers_node, "answers") or []
        if not answers:
            self.ctx.add(answers_node, "'answers' is empty: a multi question needs at least one right choice")
        if choices is None:
            return None
        known = frozenset(choices)
        for value, item in answers:
            self._answer_in(item, value, choices, "answer", known)
        return MultiQuestion(
            **common,
            choices=tuple(choices),
            answers=frozenset(value for value, _ in answers),
            shuffle=self._shuffle(fields),
            feedback=self._feedback(fields, choices),
        )

    def _q_truefalse(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> TrueFalseQuestion | None:
        answer_node = self._required(node, fields, "answer", "truefalse")
        answer = self.boolean(answer_node, "answer") if answer_node is not None else None
        if answer is None:
            return None
        return TrueFalseQuestion(**common, answer=answer)

    def _strict(self, fields: dict[str, Node]) -> bool:
        """The question's own `strict`, else the bank's (typed answers forgiven or not)."""
        if "strict" not in fields:
            return self.bank_strict
        value = self.boolean(fields["strict"], "strict")
        return self.bank_strict if value is None else value

    def _typos(self, fields: dict[str, Node]) -> int:
        if "typos" not in fields:
            return 0
        return self.count(fields["typos"], "typos") or 0

    def _q_short(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> ShortQuestion | None:
        answer_node = self._required(node, fields, "answer", "short")
        if answer_node is None:
            return None
        if isinstance(answer_node, SequenceNode):
            answers = [value for value, _ in self.text_list(answer_node, "answer") or []]
            if not answers:
                self.ctx.add(answer_node, "'answer' is an empty list: give at least one accepted answer")
        else:
            single = self.text(answer_node, "answer", required=True)
            answers = [single] if single is not None else []
        for value in answers:
            if not value.strip():
                self.ctx.add(answer_node, "an accepted answer is blank")
        if not answers:
            return None
        return ShortQuestion(**common, answers=tuple(answers), typos=self._typos(fields), strict=self._strict(fields))

    def _q_number(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> NumberQuestion | None:
        answer_node = self._required(node, fields, "answer", "number")
        answer = self.number(answer_node, "answer") if answer_node is not None else None
        tolerance = 0.0
        if "tolerance" in fields:
            tolerance = self.number(fields["tolerance"], "tolerance") or 0.0
            if tolerance < 0:
                self.ctx.add(fields["tolerance"], "'tolerance' must not be negative")
        unit = self.text(fields["unit"], "unit") if "unit" in fields else None
        if answer is None:
            return None
        return NumberQuestion(**common, answer=answer, tolerance=tolerance, unit=unit)

    def _q_cloze(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> ClozeQuestion | None:
        text_node = self._required(node, fields, "text", "cloze")
        text = self.text(text_node, "text", required=True) if text_node is not None else None
        if text is None or text_node is None:
            return None
        parts: list[str | Gap] = []
        gaps, leftover = split_gaps(text)
        for part in gaps:
            if not isinstance(part, GapText):
                parts.append(part)
                continue
            answers = tuple(a.strip() for a in part.split("|"))
            if not all(answers):
                self.ctx.add(text_node, f"gap '{{{{{part}}}}}' has an empty answer")
            parts.append(Gap(answers))
        if "{{" in leftover or "}}" in leftover:
            self.ctx.add(text_node, "unbalanced '{{' or '}}' in cloze text")
        if not any(isinstance(part, Gap) for part in parts):
            self.ctx.add(text_node, "cloze text has no gap: mark each with {{answer}}")
        return ClozeQuestion(
            **common, text=text, parts=tuple(parts), typos=self._typos(fields), strict=self._strict(fields)
        )

    def _q_order(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> OrderQuestion | None:
        items_node = self._required(node, fields, "items", "order")
        items = self.text_list(items_node, "items") if items_node is not None else None
        if items is None or items_node is None:
            return None
        if len(items) < 3:
            self.ctx.add(items_node, f"'order' needs at least 3 items, has {len(items)}")
        seen: set[str] = set()
        for value, item in items:
            if value in seen:
                self.ctx.add(item, f"item '{value}' is given twice")
            seen.add(value)
        return OrderQuestion(**common, items=tuple(value for value, _ in items))

    def _q_match(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> MatchQuestion | None:
        pairs_node = self._required(node, fields, "pairs", "match")
        entries = self.mapping(pairs_node, "pairs") if pairs_node is not None else None
        if entries is None or pairs_node is None:
            return None
        pairs: list[tuple[str, str]] = []
        rights: dict[str, Node] = {}
        for key, _, value in entries:
            right = self.text(value, f"pairs.{key}", required=True)
            if right is None:
                continue
            if right in rights:
                self.ctx.add(value, f"'{right}' is the partner of two items: each right side must differ")
            rights[right] = value
            pairs.append((key, right))
        if len(entries) < 2:
            self.ctx.add(pairs_node, f"'match' needs at least 2 pairs, has {len(entries)}")
        return MatchQuestion(**common, pairs=tuple(pairs), shuffle=self._shuffle(fields))

    def _q_card(self, node: Node, fields: dict[str, Node], common: dict[str, Any]) -> CardQuestion | None:
        answer_node = self._required(node, fields, "answer", "card")
        answer = self.text(answer_node, "answer", required=True) if answer_node is not None else None
        if answer is None:
            return None
        return CardQuestion(**common, answer=answer)


def split_gaps(text: str) -> tuple[list[str | GapText], str]:
    """A cloze text cut into literal runs (`str`) and gap contents (`GapText`), and
    the text with its gaps removed (where a stray '{{' or '}}' would show).

    A gap is '{{', then the shortest text up to the next '}}'. Found with
    `str.find` from left to right, so the cost is linear in the text whatever it
    holds: the regex `{{(.*?)}}` it replaces took quadratic time on '{{{{...'
    without a closing pair (16 s for 40 KB).
    """
    parts: list[str | GapText] = []
    leftover: list[str] = []
    position = 0
    while True:
        start = text.find("{{", position)
        end = text.find("}}", start + 2) if start >= 0 else -1
        if end < 0:
            break
        if start > position:
            parts.append(text[position:start])
            leftover.append(text[position:start])
        parts.append(GapText(text[start + 2 : end]))
        position = end + 2
    if position < len(text):
        parts.append(text[position:])
        leftover.append(text[position:])
    return parts, "".join(leftover)


class GapText(str):
    """The text between '{{' and '}}' (a `str`, told apart from literal runs by type)."""

    __slots__ = ()


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return "nothing" if _is_null(node) else f"'{node.value}'"
    return _describe(node)


def _check_nodes(root: Node, ctx: _Ctx) -> bool:
    """Report object-building tags; refuse aliases before building anything.

    Tags are only reported: the builder never constructs from a tag, so the rest
    of the file can still be checked.
    Aliases are refused because an alias bomb (a few lines that expand to
    billions of nodes) is otherwise a way to hang the loader; a bank has no need
    of them.
    """
    seen: set[int] = set()
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            ctx.add(node, "anchors and aliases (&name, *name) are not supported in banks")
            return False
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            ctx.add(root, f"the file has more than {MAX_NODES} YAML nodes")
            return False
        if node.tag not in STANDARD_TAGS:
            shown = node.tag.replace("tag:yaml.org,2002:", "!!")
            ctx.add(node, f"YAML tag '{shown}' is not allowed in banks (they could build objects)")
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.append(value)
                stack.append(key)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
    return True


def _node_bound(text: str) -> int:
    """An upper bound on the YAML nodes `text` can compose to, from a few counts.

    Every node but the root is introduced by an indicator: `-` (a block sequence
    item), `:` or `?` (a key and its value), `[` or `{` (a flow collection and its
    first entry, which may be a key and its value), `,` (a further flow entry, a
    key and its value at most). The same characters inside scalars only raise the
    bound. Aliases add no node (they are refused).
    """
    count = text.count
    return 1 + count("-") + 2 * (count(":") + count("?") + count(",")) + 3 * (count("[") + count("{"))


def _too_many_nodes(text: str) -> bool:
    """Whether `text` composes to more than `MAX_NODES` nodes, known before composing:
    a composed node tree costs about 400 bytes a node (2 million list items in
    4 MB of text took 800 MB). Texts whose `_node_bound` is within the limit are not
    parsed twice; others are counted on the parser's event stream, which holds one
    event at a time and stops at the limit."""
    if _node_bound(text) <= MAX_NODES:
        return False
    nodes = 0
    counted = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)
    try:
        for event in yaml.parse(text, Loader=Loader):
            if isinstance(event, counted):
                nodes += 1
                if nodes > MAX_NODES:
                    return True
    except (yaml.YAMLError, RecursionError):
        return False  # composing reports the error where it is
    return False


def _tab_problems(text: str, file: str) -> list[Problem]:
    """A problem for each line indented with a tab. Only lines holding a tab are
    looked at, found with `str.find`: no list of every line (2 million lines
    would cost a hundred megabytes), one linear pass."""
    problems = []
    number = 1
    counted = 0  # text[:counted] has number - 1 newlines
    position = text.find("\t")
    while position >= 0:
        start = text.rfind("\n", 0, position) + 1
        end = text.find("\n", position)
        end = len(text) if end < 0 else end
        number += text.count("\n", counted, start)
        counted = start
        line = text[start:end]
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent] and line.strip():
            column = line.index("\t") + 1
            problems.append(Problem(file, number, column, "tab in indentation: indent with spaces"))
        position = text.find("\t", end)
    return problems


def load_text(
    text: str, file: str, default_deck: str | None = None, *, marks: bool = False
) -> tuple[Bank | None, list[Problem]]:
    """Build a bank from YAML text; the bank is None when there are problems.

    `marks`: keep where each field starts, for checks that point into a question."""
    with _gc_paused():
        return _load_text(text, file, default_deck, marks)


def _load_text(text: str, file: str, default_deck: str | None, marks: bool) -> tuple[Bank | None, list[Problem]]:
    ctx = _Ctx(file, marks=marks)
    ctx.problems.extend(_tab_problems(text, file))
    if "\x00" in text:
        ctx.add(None, "this is not a text file (it contains NUL bytes)")
        return None, ctx.problems
    if _too_many_nodes(text):
        ctx.add(None, f"the file has more than {MAX_NODES} YAML nodes")
        return None, ctx.problems
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if not any(p.line == line for p in ctx.problems):
            message = " ".join(part for part in (error.context, error.problem) if part)
            ctx.problems.append(Problem(file, line, column, f"YAML syntax error: {message}"))
        return None, ctx.problems
    except yaml.reader.ReaderError as error:
        # Not a MarkedYAMLError: it knows only the character's offset in the text.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        name = unicodedata.name(chr(error.character), "") if isinstance(error.character, int) else ""
        code = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        what = f"{code} {name}".strip()
        ctx.problems.append(Problem(file, line, column, f"character {what} is not allowed in YAML"))
        return None, ctx.problems
    except yaml.YAMLError as error:
        ctx.add(None, "YAML error: " + " ".join(str(error).split()))
        return None, ctx.problems
    except RecursionError:
        ctx.add(None, "the YAML is nested too deeply")
        return None, ctx.problems
    if root is None:
        ctx.add(None, "the file is empty: a bank needs at least 'questions'")
        return None, ctx.problems
    # Aliases need a `*` and explicit tags a `!` in the text; most banks have
    # neither, and the walk costs a third of the build on a large bank. The node
    # count was checked before composing (`_too_many_nodes`), whatever the text.
    if ("*" in text or "!" in text) and not _check_nodes(root, ctx):
        return None, ctx.problems
    deck = default_deck if default_deck is not None else Path(file).stem
    try:
        bank = _Builder(ctx).bank(root, deck, Path(file))
    except RecursionError:
        ctx.add(None, "the YAML is nested too deeply")
        return None, ctx.problems
    if ctx.problems:
        return None, ctx.problems
    return bank, []


_TOO_BIG = f"cannot read the file: it is over {MAX_BANK_BYTES >> 20} MiB, the most a bank may be"


class _Unreadable(Exception):
    """A bank path that is not a regular file, or too big to read."""


def read_bank_bytes(path: Path) -> bytes:
    """The bytes of a bank file, read only if it is a regular file of at most
    `MAX_BANK_BYTES`: a FIFO would block for ever, a device (`/dev/zero`) never
    end. Opened without blocking, checked on the open descriptor (no race), read
    up to one byte past the cap. `_Unreadable` or `OSError` otherwise."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable(f"cannot read the file: it is {_file_kind(info.st_mode)}, not a regular file")
        if info.st_size > MAX_BANK_BYTES:
            raise _Unreadable(_TOO_BIG)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(1 << 20, MAX_BANK_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_BANK_BYTES:
                raise _Unreadable(_TOO_BIG)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a plain file"  # pragma: no cover - every kind is named above


def load_file(path: Path, cache: Path | None = None, *, marks: bool = False) -> tuple[Bank | None, list[Problem]]:
    """Read and build one bank file; unreadable or non-UTF-8 files are problems.

    With `cache` (a folder, see `bank_cache`), a bank whose exact bytes were
    loaded before comes back from JSON instead of being parsed again.
    """
    file = str(path)
    if marks:
        cache = None  # the cache keeps no marks
    try:
        data = read_bank_bytes(path)
    except _Unreadable as error:
        return None, [Problem(file, 1, 1, str(error))]
    except OSError as error:
        return None, [Problem(file, 1, 1, f"cannot read the file: {error.strerror or error}")]
    sha = bank_cache.digest(data) if cache is not None else ""
    if cache is not None:
        cached = bank_cache.get(cache, path, sha)
        if cached is not None:
            return cached, []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, [Problem(file, line, column, "not UTF-8 text (is this a binary file?)")]
    bank, problems = load_text(text, file, path.stem, marks=marks)
    if cache is not None and bank is not None:
        bank_cache.put(cache, path, sha, bank)
    return bank, problems


def file_order(files: Sequence[Path]) -> Callable[[Problem], tuple[int, int, int]]:
    """A sort key for problems: the file's place in `files` (others first), line,
    column. Python's sort is stable, so problems at one place keep the order they
    were found in: a cause before its consequence."""
    rank = {str(path): index for index, path in enumerate(files)}
    return lambda problem: (rank.get(problem.file, -1), problem.line, problem.column)


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Every *.yaml / *.yml under `paths` (folders recursively, sorted), and usage errors."""
    files: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                errors.append(f"{path}: no .yaml or .yml files in this folder")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            # A FIFO or a device would block or never end: refused before any read.
            try:
                kind = _file_kind(path.stat().st_mode)
            except OSError:
                kind = "not readable"
            errors.append(f"{path}: not a regular file or a folder ({kind})")
        else:
            errors.append(f"{path}: no such file or folder")
    return list(dict.fromkeys(files)), errors


def find_bank_files(paths: Sequence[Path]) -> tuple[list[Path], list[str]]:
    """Expand folders (recursively *.yaml / *.yml); returns files and usage errors.

    A folder's course file (`course.yaml`, see `quiz.core.course`) is not a bank."""
    files, errors = _expand(paths)
    return [f for f in files if not is_course_file(f)], errors


def find_course_files(paths: Sequence[Path]) -> list[Path]:
    """The course files under `paths`, in the order `find_bank_files` meets them."""
    files, _ = _expand(paths)
    return [f for f in files if is_course_file(f)]


def load_paths(
    paths: Sequence[Path], *, cache: Path | None = None, marks: bool = False
) -> tuple[Library, list[Problem]]:
    """Load every bank under `paths`; all problems of all files, in file order.

    `cache`: a folder for `bank_cache` (the TUI and reports pass one; `quiz
    check` does not, so a teacher always gets a full check).
    `marks`: keep each field's line mark (for `quiz check --lint`; bypasses the cache).

    Missing paths are reported as problems at 1:1 here; the CLI checks them
    first to give a usage error instead.

    The banks come in file order, put in course order where a folder declares one
    (`quiz.core.course`); a course's mistakes are problems like a bank's.
    """
    found_files, errors = _expand(paths)
    course_files = [f for f in found_files if is_course_file(f)]
    files = [f for f in found_files if f not in course_files]
    problems: list[Problem] = [Problem(e.split(": ", 1)[0], 1, 1, e.split(": ", 1)[1]) for e in errors]
    banks: list[Bank] = []
    decks: dict[str, Bank] = {}
    unloaded: list[Path] = []
    for path in files:
        bank, found = load_file(path, cache, marks=marks)
        problems.extend(found)
        if bank is None:
            unloaded.append(path)
            continue
        if bank.deck in decks:
            other = decks[bank.deck].path
            problems.append(
                Problem(str(path), 1, 1, f"deck '{bank.deck}' is also defined in {other}: deck names must be unique")
            )
            continue
        decks[bank.deck] = bank
        banks.append(bank)
    courses: list[Course] = []
    for path in course_files:
        course, found = load_course(path)
        problems.extend(found)
        if course is not None:
            courses.append(course)
    banks, found = order_banks(banks, courses, unloaded)
    problems.extend(found)
    # In file order: files as found, then line and column; problems at one place keep
    # the order they were found in, so a cause (a `!!python` tag, found by the node
    # walk) comes before its consequence ("'prompt' must be text").
    problems.sort(key=file_order(found_files))
    return Library(tuple(banks)), problems
