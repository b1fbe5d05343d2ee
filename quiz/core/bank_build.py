"""A composed bank document -> `Bank`: the bank's header and each question by its
type, every mistake a problem at its line (see `quiz.core.bank_nodes` for why the
node tree).

This module imports yaml: only the loader of a bank the cache does not hold
(`quiz.core.bank_yaml`) imports it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from quiz.core.bank_format import (
    ALL_QUESTION_FIELDS,
    BANK_FIELDS,
    COMMON_FIELDS,
    LINT_FIELDS,
    SLUG,
    TYPE_FIELDS,
    GapText,
    split_gaps,
)
from quiz.core.bank_nodes import Ctx, NodeReader, describe, did_you_mean, field_marks, is_null, mark_of
from quiz.core.model import (
    QUESTION_TYPES,
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)

__all__ = ["Builder"]


class Builder(NodeReader):
    """Turns one composed document into a `Bank`, reporting what is wrong."""

    def __init__(self, ctx: Ctx) -> None:
        super().__init__(ctx)
        self.bank_strict = False
        """The bank's `strict:` header, the default of its short and cloze questions."""

    def bank(self, root: Node, default_deck: str, path: Path) -> Bank | None:
        if not isinstance(root, MappingNode):
            expected = "deck, title, questions, ..."
            self.ctx.add(root, f"a bank must be a mapping of fields ({expected}), not {describe(root)}")
            return None
        entries = self.mapping(root, "the bank")
        if entries is None:
            return None
        fields = {key: value for key, _, value in entries}
        for key, key_node, _ in entries:
            if key not in BANK_FIELDS:
                hint = did_you_mean(key, BANK_FIELDS)
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
            self.ctx.add(fields["questions"], f"'questions' must be a list, not {describe(fields['questions'])}")
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
            marks=field_marks(fields) if self.ctx.marks else {},
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
                self.ctx.add(value, f"'scheduling.parameters' must be a list of numbers, not {describe(value)}")
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
                self.ctx.add(key_node, f"unknown field '{key}' in 'lint'{did_you_mean(key, LINT_FIELDS)}")
                continue
            if isinstance(value, ScalarNode) and not is_null(value):
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
        if isinstance(node, ScalarNode) and not is_null(node):
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
                hint = did_you_mean(given, QUESTION_TYPES)
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
                hint = did_you_mean(key, allowed)
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
                    hint = did_you_mean(source, list(sources)) if sources else " (the bank has no 'sources')"
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
            common["marks"] = {"": mark_of(node), **field_marks(fields)}
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
        self._once_each(choices, "choice")
        return [value for value, _ in choices]

    def _once_each(self, values: list[tuple[str, Node]], what: str) -> None:
        """A problem at each text given a second time (choices, order items)."""
        seen: set[str] = set()
        for value, item in values:
            if value in seen:
                self.ctx.add(item, f"{what} '{value}' is given twice")
            seen.add(value)

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
                hint = did_you_mean(key, choices)
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
            hint = did_you_mean(value, choices)
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
        if isinstance(answers_node, ScalarNode) and not is_null(answers_node):
            answers = [(str(answers_node.value), cast(Node, answers_node))]
        elif is_null(answers_node):
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
        self._once_each(items, "item")
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
