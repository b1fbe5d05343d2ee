"""GIFT, Moodle's plain-text question format, both ways.

The syntax followed is Moodle's documented one (docs.moodle.org "GIFT format" and
question/format/gift/format.php): questions separated by blank lines; `//`
comment lines; `::title::`; `[html]`, `[moodle]`, `[plain]`, `[markdown]`
before a text; `$CATEGORY: path`; an answer set in braces: `=right ~wrong`,
`#feedback`, `####general feedback`, weights `%50%`, `{T}`/`{TRUE}` with up to
two feedbacks (for a wrong, then a right answer), `=a -> b` matching, `{#...}`
numerical (`1962`, `13:0`, `1962..1963`, several `=` answers), a missing word
(text after the braces), and the escapes `\\~ \\= \\# \\{ \\} \\: \\\\ \\n`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from quiz.core.model import (
    Bank,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    Question,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.formats.build import BLANK, Answer, Draft, Skip, add, build, choice_fields, gap, number_fields, short_answers
from quiz.formats.common import (
    ImportedBank,
    ImportResult,
    Report,
    format_number,
    general_feedback,
    html_to_text,
    normalise_space,
    slugify,
)

# Escaped characters stand in as private-use characters while the structure is parsed.
_ESCAPES = {"~": "\ue000", "=": "\ue001", "#": "\ue002", "{": "\ue003", "}": "\ue004", ":": "\ue005", "\\": "\ue006"}
_UNESCAPE = {v: k for k, v in _ESCAPES.items()}
_UNESCAPE_TABLE = str.maketrans(_UNESCAPE)
_ESCAPE = re.compile(r"\\([~=#{}:\\n])")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")
_TRUE = frozenset({"T", "TRUE"})
_FALSE = frozenset({"F", "FALSE"})
_CATEGORY_PREFIX = re.compile(r"^\$(course|system|module|cat\d*)\$/", re.IGNORECASE)


class _SyntaxError(Exception):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


@dataclass
class _Block:
    """One question's text with escapes replaced, and where its characters came from.

    `segments` holds, per source line, the offset in `text` where the line starts,
    its number, and the line as written when escapes shifted its columns."""

    text: str
    segments: list[tuple[int, int, str | None]]

    def at(self, index: int) -> tuple[int, int]:
        """(line, column), 1-based, of the character at `index` in `text`."""
        if not self.segments:
            return (1, 1)
        index = min(max(index, 0), max(len(self.text) - 1, 0))
        position = bisect_right([start for start, _, _ in self.segments], index) - 1
        start, line, written = self.segments[max(position, 0)]
        offset = index - start
        columns = _unescape_line(written)[1] if written is not None else []
        if offset < len(columns):
            return line, columns[offset]
        return line, offset + 1


def _unescape_line(line: str) -> tuple[str, list[int]]:
    """A line with `\\X` escapes replaced by stand-ins, and each character's column."""
    out: list[str] = []
    columns: list[int] = []
    column = 0
    while column < len(line):
        char = line[column]
        if char == "\\" and column + 1 < len(line) and (line[column + 1] in _ESCAPES or line[column + 1] == "n"):
            nxt = line[column + 1]
            out.append(_ESCAPES.get(nxt, "\n"))
            columns.append(column + 1)
            column += 2
            continue
        out.append(char)
        columns.append(column + 1)
        column += 1
    columns.append(len(line) + 1)
    return "".join(out), columns


def _blocks(text: str) -> list[_Block]:
    """Blank-line separated blocks, comment lines left out, escapes replaced."""
    blocks: list[_Block] = []
    pieces: list[str] = []
    segments: list[tuple[int, int, str | None]] = []
    size = 0

    def flush() -> None:
        nonlocal size
        joined = "".join(pieces)
        if joined.strip():
            blocks.append(_Block(joined, list(segments)))
        pieces.clear()
        segments.clear()
        size = 0

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if stripped.startswith("//"):
            continue
        written: str | None = None
        if "\\" in line:
            written, line = line, _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), "\n"), line)
        segments.append((size, number, written))
        pieces.append(line + "\n")
        size += len(line) + 1
    flush()
    return blocks


def _plain(raw: str, default_format: str) -> tuple[str, str, list[str]]:
    """Unescaped plain text of one piece, its format, and any images it showed."""
    fmt = default_format
    match = _FORMAT.match(raw)
    if match:
        fmt = match.group(1).lower()
        raw = raw[match.end() :]
    text = raw.translate(_UNESCAPE_TABLE)
    if fmt == "html":
        text, images = html_to_text(text)
        return text, fmt, images
    return normalise_space(text), fmt, []


def _category_deck(path: str) -> tuple[str, str]:
    """(deck, title) from `$course$/top/Geography/Capitals`."""
    path = _CATEGORY_PREFIX.sub("", path.strip())
    parts = [p for p in path.split("/") if p.strip()]
    if parts and parts[0].lower() == "top":
        parts = parts[1:]
    if not parts:
        return "", ""
    return slugify(parts[-1], words=8, fallback="category"), "/".join(parts)


def parse(text: str, file: str, deck: str | None = None) -> ImportResult:
    """Every question of a GIFT file; `deck` puts them all in one deck (categories become tags)."""
    result = ImportResult()
    default_deck = deck or slugify(PurePath(file).stem, words=8, fallback="imported")
    current_deck, current_title, category = default_deck, "", ""
    for block in _blocks(text):
        stripped = block.text.lstrip()
        offset = len(block.text) - len(stripped)
        if stripped.startswith("$CATEGORY:"):
            first, _, rest = stripped.partition("\n")
            category_deck, category = _category_deck(first[len("$CATEGORY:") :].strip())
            if deck is None and category_deck:
                current_deck, current_title = category_deck, category
            if not rest.strip():
                continue
            offset += len(first) + 1
        result.seen += 1
        bank = result.bank(current_deck, current_title or current_deck, origin=file)
        try:
            _question(block, offset, file, category if deck else "", result, bank)
        except _SyntaxError as error:
            line, column = block.at(error.index)
            result.reports.append(Report(file, line, str(error), "error", column=column, what="syntax error"))
    result.banks = [b for b in result.banks if b.questions]
    return result


def _question(block: _Block, start: int, file: str, tag: str, result: ImportResult, bank: ImportedBank) -> None:
    s = block.text
    i = start
    while i < len(s) and s[i].isspace():
        i += 1
    line = block.at(i)[0]
    name = ""
    if s.startswith("::", i):
        end = s.find("::", i + 2)
        if end < 0:
            raise _SyntaxError(i, "the title '::' is never closed: expected '::' after the title")
        name = s[i + 2 : end].translate(_UNESCAPE_TABLE).strip()
        i = end + 2
    opening = s.find("{", i)
    draft = Draft(file=file, line=line, name=name, tags=[tag] if tag else [])
    if opening < 0:
        prompt, _, _ = _plain(s[i:], "moodle")
        draft.prompt = prompt
        result.reports.append(
            Report(
                file, line, "skipped: a description (text without an answer set) is not a question", what="description"
            )
        )
        return
    closing = s.rfind("}")
    if closing < opening:
        raise _SyntaxError(opening, "'{' is never closed: expected '}' at the end of the answers")
    second = s.find("{", opening + 1, closing)
    if second >= 0:
        raise _SyntaxError(second, "a second '{' in one question: expected one answer set (write \\{ for a brace)")
    stray = s.find("}", i, opening)
    if stray >= 0:
        raise _SyntaxError(stray, "'}' before any '{': expected '{' to open the answers (write \\} for a brace)")
    prefix_raw = s[i:opening]
    fmt_match = _FORMAT.match(prefix_raw)
    fmt = fmt_match.group(1).lower() if fmt_match else "moodle"
    before, _, images = _plain(prefix_raw, fmt)
    after_raw = s[closing + 1 :]
    after, _, more_images = _plain(after_raw, fmt)
    for _ in images + more_images:
        draft.note("an image in the question text is not imported", "image")
    answer_start = opening + 1
    body = s[answer_start:closing]
    general = ""
    cut = body.find("####")
    if cut >= 0:
        general, _, _ = _plain(body[cut + 4 :], fmt)
        body = body[:cut]
    draft.feedback = general
    missing_word = bool(after.strip())
    spaced_before = prefix_raw.rstrip() != prefix_raw or not prefix_raw
    spaced_after = after_raw.lstrip() != after_raw
    draft.prompt = before
    if missing_word:
        left = before + (" " if spaced_before and before else "")
        right = (" " if spaced_after else "") + after
        draft.prompt = f"{left}{BLANK}{right}"
    answers_text = body.strip()
    lead = answer_start + (len(body) - len(body.lstrip()))

    if not answers_text:
        result.reports.append(
            Report(file, line, "skipped: an essay ('{}' with no answers) cannot be graded", what="essay")
        )
        return
    if answers_text.startswith("#"):
        answers = _numerical(answers_text[1:], lead + 1, fmt)
        fields = number_fields(draft, answers)
        add(result, bank, draft, lambda qid: build(draft, bank, qid, fields))
        return
    if "~" in answers_text:
        answers = _answers(answers_text, lead, fmt, "=~")
        try:
            fields = choice_fields(draft, answers)
        except Skip as skip:
            result.reports.append(Report(file, line, f"skipped: {skip}", what=skip.what))
            return
        add(result, bank, draft, lambda qid: build(draft, bank, qid, fields))
        return
    if "=" in answers_text and "->" in answers_text:
        fields = _matching(draft, answers_text, lead, fmt)
        add(result, bank, draft, lambda qid: build(draft, bank, qid, fields))
        return
    word, _, feedback_raw = answers_text.partition("#")
    if word.strip().upper() in _TRUE | _FALSE:
        value = word.strip().upper() in _TRUE
        wrong_raw, _, right_raw = feedback_raw.partition("#") if feedback_raw else ("", "", "")
        wrong = _plain(wrong_raw, fmt)[0]
        right = _plain(right_raw, fmt)[0]
        lines = []
        if right:
            lines.append(f"If answered {'true' if value else 'false'}: {right}")
        if wrong:
            lines.append(f"If answered {'false' if value else 'true'}: {wrong}")
        fields_tf = {"type": "truefalse", "answer": value, "lines": lines}
        add(result, bank, draft, lambda qid: build(draft, bank, qid, fields_tf))
        return
    answers = _answers(answers_text if answers_text.startswith("=") else "=" + answers_text, lead, fmt, "=")

    def make_short(qid: str) -> Question:
        right, lines = short_answers(draft, answers)
        if missing_word:
            left = before + (" " if spaced_before and before else "")
            text = f"{left}{gap(right)}{(' ' if spaced_after else '')}{after}"
            draft.prompt = ""
            return build(draft, bank, qid, {"type": "cloze", "text": text, "lines": lines})
        return build(draft, bank, qid, {"type": "short", "answers": tuple(right), "lines": lines})

    add(result, bank, draft, make_short)


def _split(text: str, markers: str) -> list[tuple[str, int, str]]:
    """(marker, start index, raw text) for each answer; text before the first marker is an error."""
    out: list[tuple[str, int, str]] = []
    for match in re.finditer(f"([{re.escape(markers)}])([^{re.escape(markers)}]*)", text):
        out.append((match.group(1), match.start(), match.group(2)))
    return out


def _answers(text: str, base: int, fmt: str, markers: str) -> list[Answer]:
    first = min((text.find(m) for m in markers if m in text), default=-1)
    if first > 0 and text[:first].strip():
        raise _SyntaxError(
            base, f"expected '{markers[0]}' or '~' before an answer, found '{text[:first].strip()[:20]}'"
        )
    answers: list[Answer] = []
    for marker, _start, raw in _split(text, markers):
        weight_match = _WEIGHT.match(raw)
        weight = 100.0 if marker == "=" else 0.0
        if weight_match:
            weight = float(weight_match.group(1))
            raw = raw[weight_match.end() :]
        answer_raw, _, feedback_raw = raw.partition("#")
        answers.append(Answer(_plain(answer_raw, fmt)[0], weight, _plain(feedback_raw, fmt)[0]))
    return answers


def _matching(draft: Draft, text: str, base: int, fmt: str) -> dict[str, object]:
    pairs: list[tuple[str, str]] = []
    for _marker, start, raw in _split(text, "="):
        if "->" not in raw:
            raise _SyntaxError(base + start, "a matching answer needs 'item -> match'")
        left_raw, _, right_raw = raw.partition("->")
        right_raw = right_raw.partition("#")[0]
        left, right = _plain(left_raw, fmt)[0], _plain(right_raw, fmt)[0]
        if not left:
            draft.note(f"the extra wrong match '{right}' is not kept (quiz pairs every item)", "distractor")
            continue
        pairs.append((left, right))
    if len(pairs) < 2:
        raise Skip("a matching question needs at least 2 pairs", "too few answers")
    return {"type": "match", "pairs": tuple(pairs)}


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^({_NUMBER})\s*\.\.\s*({_NUMBER})$")
_TOLERANCE = re.compile(rf"^({_NUMBER})\s*(?::\s*({_NUMBER}))?$")


def _numerical(text: str, base: int, fmt: str) -> list[Answer]:
    """The answers of `{#...}`: `1962`, `13:0`, `1..2`, or `=`-separated, with weights."""
    answers: list[Answer] = []
    wrong_cut = text.find("~")
    wrong = ""
    if wrong_cut >= 0:
        wrong = _plain(text[wrong_cut + 1 :].partition("#")[2], fmt)[0]
        text = text[:wrong_cut]
    pieces = _split(text, "=") if "=" in text else [("=", 0, text)]
    if "=" in text and text[: text.find("=")].strip():
        raise _SyntaxError(base, "expected '=' before each numerical answer")
    for _marker, start, raw in pieces:
        weight = 100.0
        match = _WEIGHT.match(raw)
        offset = 0
        if match:
            weight = float(match.group(1))
            offset = match.end()
        value_raw, _, feedback_raw = raw[offset:].partition("#")
        value = value_raw.translate(_UNESCAPE_TABLE).strip()
        position = base + start + (1 if "=" in text else 0) + offset + (len(value_raw) - len(value_raw.lstrip()))
        ranged = _RANGE.match(value)
        exact = _TOLERANCE.match(value)
        if ranged:
            low, high = float(ranged.group(1)), float(ranged.group(2))
            if low > high:
                raise _SyntaxError(position, f"the range '{value}' runs backwards: expected low..high")
            middle, spread = (low + high) / 2, (high - low) / 2
        elif exact:
            middle = float(exact.group(1))
            spread = abs(float(exact.group(2))) if exact.group(2) else 0.0
        else:
            raise _SyntaxError(position, f"expected a number, number:tolerance or low..high, found '{value[:30]}'")
        answers.append(Answer(value, weight, _plain(feedback_raw, fmt)[0], middle, spread))
    if wrong:
        answers.append(Answer("any other answer", 0, wrong))
    return answers


# --------------------------------------------------------------------------- export


def escape(text: str) -> str:
    """Text safe inside GIFT: the special characters escaped, line breaks as `\\n`."""
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\n", "\\n")


def _answer_text(text: str) -> str:
    """An answer escaped; one GIFT would read as a weight or a format marker cannot go."""
    if _WEIGHT.match(text) or _FORMAT.match(text):
        raise Skip(f"the answer '{text}' would read as a GIFT weight or format marker", "answer syntax")
    return escape(text)


def _feedback(text: str) -> str:
    return f" #{escape(text)}" if text else ""


def dumps(banks: Sequence[Bank]) -> tuple[str, list[Report], int]:
    """GIFT text for the banks, reports on what could not go, and how many went."""
    lines: list[str] = ["// Exported by quiz export. Import in Moodle: Question bank > Import > GIFT format.", ""]
    reports: list[Report] = []
    written = 0
    for bank in banks:
        lines.append(f"$CATEGORY: $course$/top/{bank.deck}")
        lines.append("")
        for question in bank.questions:
            try:
                body = _question_text(question, reports)
            except Skip as skip:
                reports.append(Report(question.file, question.line, f"{question.key}: {skip}", what=skip.what))
                continue
            lines.append(f"// {question.key}")
            lines.extend(body)
            lines.append("")
            written += 1
    return "\n".join(lines), reports, written


def _question_text(q: Question, reports: list[Report]) -> list[str]:
    def note(message: str, what: str) -> None:
        reports.append(Report(q.file, q.line, f"{q.key}: {message}", "changed", what=what))

    if q.hint:
        note("the hint is not exported (GIFT has no hints)", "hint")
    general = general_feedback(q.explanation, q.citation)
    tail = [f"####{escape(general)}"] if general else []
    title = f"::{escape(q.id)}::[plain]"
    if isinstance(q, ChoiceQuestion):
        answers = [
            f"\t{'=' if c == q.answer else '~'}{_answer_text(c)}{_feedback(q.feedback.get(c, ''))}" for c in q.choices
        ]
        return [f"{title}{escape(q.prompt)} {{", *answers, *(f"\t{t}" for t in tail), "}"]
    if isinstance(q, MultiQuestion):
        share = format_number(round(100 / len(q.answers), 5))
        answers = [
            f"\t~%{share if c in q.answers else '-100'}%{_answer_text(c)}{_feedback(q.feedback.get(c, ''))}"
            for c in q.choices
        ]
        return [f"{title}{escape(q.prompt)} {{", *answers, *(f"\t{t}" for t in tail), "}"]
    if isinstance(q, TrueFalseQuestion):
        return [f"{title}{escape(q.prompt)} {{{'TRUE' if q.answer else 'FALSE'}{''.join(tail)}}}"]
    if isinstance(q, ShortQuestion):
        if q.typos:
            note(f"typos: {q.typos} is not exported (Moodle matches short answers exactly)", "typos")
        alternatives = " ".join(f"={_answer_text(a)}" for a in q.answers)
        return [f"{title}{escape(q.prompt)} {{{alternatives}{''.join(' ' + t for t in tail)}}}"]
    if isinstance(q, NumberQuestion):
        prompt = q.prompt
        if q.unit:
            prompt += f" ({q.unit})"
            note(f"the unit '{q.unit}' is written into the prompt (GIFT has no units)", "unit")
        value = f"{format_number(q.answer)}:{format_number(q.tolerance)}"
        return [f"{title}{escape(prompt)} {{#{value}{''.join(' ' + t for t in tail)}}}"]
    if isinstance(q, ClozeQuestion):
        gaps = [i for i, part in enumerate(q.parts) if isinstance(part, Gap)]
        if len(gaps) != 1:
            raise Skip(f"a cloze with {len(gaps)} gaps cannot be GIFT (a missing word has one gap)", "cloze gaps")
        if q.typos:
            note(f"typos: {q.typos} is not exported (Moodle matches short answers exactly)", "typos")
        index = gaps[0]
        before = "".join(str(p) for p in q.parts[:index])
        after = "".join(str(p) for p in q.parts[index + 1 :])
        if not after.strip():
            raise Skip("the gap ends the text: GIFT reads that as a short answer, not a missing word", "cloze gaps")
        if q.prompt:
            before = f"{q.prompt}\n{before}"
        gap_part = q.parts[index]
        assert isinstance(gap_part, Gap)
        alternatives = " ".join(f"={_answer_text(a)}" for a in gap_part.answers)
        return [f"{title}{escape(before)}{{{alternatives}{''.join(' ' + t for t in tail)}}}{escape(after)}"]
    if isinstance(q, MatchQuestion):
        for left, right in q.pairs:
            if "->" in left or "->" in right:
                raise Skip("an item holds '->', which GIFT cannot escape", "match syntax")
        pairs = [f"\t={_answer_text(left)} -> {escape(right)}" for left, right in q.pairs]
        return [f"{title}{escape(q.prompt)} {{", *pairs, *(f"\t{t}" for t in tail), "}"]
    raise Skip(f"'{q.type}' questions have no GIFT form", q.type)


__all__ = ["dumps", "escape", "parse"]
