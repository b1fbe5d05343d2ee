"""The plain line mode's text: questions, feedback and summaries as lines of words.

Written for a screen reader and for a log file as much as for a terminal: no cursor
movement, no box drawing, right and wrong said in words, and colour (SGR codes only)
only when the learner asks for it with `--color`. Every string from a bank or a
score file goes through `quiz.core.text.clean`, so no escape sequence from a bank
ever reaches the output. Nothing here grades or schedules: it shows what
`quiz.core.session` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from quiz.cli.plain_input import letter_labels
from quiz.core.grading import CARD_GRADES, FeedbackLike, Outcome, Response
from quiz.core.grading import choice_notes as grading_choice_notes
from quiz.core.model import (
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Library,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    Question,
)
from quiz.core.session import Presented, Summary
from quiz.core.text import clean
from quiz.tui.text import duration, format_response, plural, rating_name, when

MODE_NAMES = {"drill": "Drill", "practice": "Practice", "exam": "Exam"}


def safe(text: str) -> str:
    """Bank or log text, harmless to a terminal, line breaks kept."""
    return clean(text, keep_newlines=True)


class Paint:
    """Colour on request: without it every method returns its text unchanged.

    Colour never carries meaning on its own: the words `Correct` and `Wrong` are
    there either way.
    """

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def _sgr(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def bold(self, text: str) -> str:
        """A heading or a label."""
        return self._sgr("1", text)

    def good(self, text: str) -> str:
        """A right answer."""
        return self._sgr("1;32", text)

    def bad(self, text: str) -> str:
        """A wrong answer."""
        return self._sgr("1;31", text)


# ---------------------------------------------------------------------- questions


def instruction(presented: Presented) -> str:
    """How to answer this question, in one sentence."""
    question = presented.question
    if isinstance(question, ChoiceQuestion):
        return f"Type the number of your choice, 1 to {len(presented.choices)}."
    if isinstance(question, MultiQuestion):
        return "Type the numbers of every right choice, separated by spaces (for example: 1 3)."
    if question.type == "truefalse":
        return "Type t for true or f for false."
    if isinstance(question, NumberQuestion):
        unit = f" (in {safe(question.unit)})" if question.unit else ""
        return f"Type a number{unit}."
    if isinstance(question, ClozeQuestion):
        count = len(question.gaps)
        if count == 1:
            return "Type the missing text."
        return f"Type the {count} missing parts in order, separated by | (for example: first | second)."
    if isinstance(question, OrderQuestion):
        example = " ".join(str(n) for n in range(len(presented.items), 0, -1))
        return f"Type the numbers in the right order, first to last (for example: {example})."
    if isinstance(question, MatchQuestion):
        count = len(question.pairs)
        labels = letter_labels(len(presented.rights) or count)
        example = " ".join(f"{n}{labels[n % len(labels)]}" for n in range(1, min(count, 3) + 1))
        return f"Type a letter for each number (for example: {example})."
    if isinstance(question, CardQuestion):
        return "Recall the answer, then type show."
    return "Type your answer."


def cloze_text(question: ClozeQuestion) -> str:
    """The cloze text with its gaps numbered: `[1]____ phoned [2]____`."""
    out: list[str] = []
    number = 0
    for part in question.parts:
        if isinstance(part, str):
            out.append(safe(part))
        else:
            number += 1
            out.append(f"[{number}]____")
    return "".join(out)


def question_lines(
    presented: Presented,
    library: Library,
    progress: tuple[int, int],
    paint: Paint,
    *,
    hint_available: bool,
) -> list[str]:
    """The question as lines: where it stands, the prompt, the numbered options, how to answer."""
    question = presented.question
    bank = library.bank(question.deck)
    deck = safe(bank.title if bank else question.deck)
    done, remaining = progress
    lines = [
        "",
        paint.bold(f"Question {presented.number}, {question.type}, {deck}.") + f" {done} done, {remaining} to go.",
    ]
    if question.prompt:
        lines.append(safe(question.prompt))
    if isinstance(question, ClozeQuestion):
        lines.append(cloze_text(question))
    options: list[str] = []
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        options = [f"{n}. {safe(choice)}" for n, choice in enumerate(presented.choices, start=1)]
    elif isinstance(question, OrderQuestion):
        options = [f"{n}. {safe(item)}" for n, item in enumerate(presented.items, start=1)]
    elif isinstance(question, MatchQuestion):
        options.append("Items:")
        options += [f"  {n}. {safe(left)}" for n, (left, _) in enumerate(question.pairs, start=1)]
        options.append("Partners:")
        rights = presented.rights or tuple(right for _, right in question.pairs)
        labels = letter_labels(len(rights))
        options += [f"  {label}. {safe(right)}" for label, right in zip(labels, rights, strict=True)]
    lines += options
    how = instruction(presented)
    if hint_available:
        how += " A hint is available: type hint."
    lines.append(how)
    return lines


def card_answer_lines(question: CardQuestion) -> list[str]:
    """What a card shows once revealed, and how to grade it."""
    grades = ", ".join(f"{value} {name.lower()}" for value, name in CARD_GRADES.items())
    return [f"The answer: {safe(question.answer)}", f"How well did you recall it? Type {grades}."]


# ---------------------------------------------------------------------- feedback


def verdict(outcome: Outcome, paint: Paint) -> str:
    """`Correct.` or `Wrong.`: the word, whatever the colour."""
    if outcome.correct:
        note = " (a typo forgiven)" if outcome.typo_forgiven else ""
        return paint.good("Correct.") + note
    return paint.bad("Wrong.")


def _mark(wrong: bool) -> str:
    return "wrong" if wrong else "right"


def part_lines(question: Question, response: Response, outcome: Outcome) -> list[str]:
    """Each part of a multi-part answer on its own line, said right or wrong."""
    wrong = set(outcome.wrong_parts)
    lines: list[str] = []
    if isinstance(question, OrderQuestion) and isinstance(response, tuple):
        for index, right in enumerate(question.items):
            given = response[index] if index < len(response) else ""
            line = f"  {_mark(index in wrong)}: {index + 1}. {safe(given)}"
            if index in wrong:
                line += f" (should be {safe(right)})"
            lines.append(line)
    elif isinstance(question, MatchQuestion) and isinstance(response, dict):
        for index, (left, right) in enumerate(question.pairs):
            given = response.get(left, "?")
            line = f"  {_mark(index in wrong)}: {safe(left)} goes with {safe(given)}"
            if index in wrong:
                line += f" (should be {safe(right)})"
            lines.append(line)
    elif isinstance(question, ClozeQuestion) and isinstance(response, tuple):
        for index, gap in enumerate(question.gaps):
            given = response[index] if index < len(response) else ""
            line = f"  {_mark(index in wrong)}: gap {index + 1}, {safe(given) or '(blank)'}"
            if index in wrong and gap.answers:
                line += f" (should be {safe(gap.answers[0])})"
            lines.append(line)
    elif isinstance(question, MultiQuestion) and isinstance(response, frozenset):
        for index, choice in enumerate(question.choices):
            ticked = choice in response
            should = choice in question.answers
            if not ticked and not should:
                continue
            note = "chosen" if ticked else "not chosen"
            if ticked != should:
                note += ", should be chosen" if should else ", should not be chosen"
            lines.append(f"  {_mark(ticked != should or index in wrong)}: {safe(choice)} ({note})")
    return lines


def choice_notes(question: Question, response: Response) -> list[str]:
    """The bank's per-choice notes for the chosen and the right choices."""
    return [f"  {safe(choice)}: {safe(note)}" for choice, note in grading_choice_notes(question, response)]


def feedback_lines(
    feedback: FeedbackLike,
    now: datetime | None,
    paint: Paint,
    order: Sequence[str] = (),
    *,
    exam: bool = False,
) -> list[str]:
    """The verdict, the answers, the explanation, the source and the next review, as lines."""
    question, outcome, response = feedback.question, feedback.outcome, feedback.response
    lines = [verdict(outcome, paint)]
    if outcome.detail:
        lines.append(safe(outcome.detail))
    parts = part_lines(question, response, outcome)
    if not parts:
        lines.append(f"Your answer: {safe(format_response(question, response, order))}")
        if question.type != "card":
            lines.append(f"Right answer: {safe(outcome.expected)}")
    else:
        lines.append("Your answer, part by part:")
        lines += parts
    if outcome.matched and outcome.correct and outcome.matched != response:
        lines.append(f"Accepted as: {safe(outcome.matched)}")
    notes = choice_notes(question, response)
    if notes:
        lines.append("Why:")
        lines += notes
    if question.explanation:
        lines.append(f"Explanation: {safe(question.explanation)}")
    if question.citation:
        lines.append(f"Source: {safe(question.citation)}")
    if not exam:
        schedule = f"Rated {rating_name(feedback.rating)}."
        if getattr(feedback, "cram", False):  # as the TUI's feedback says it
            schedule += " Cram: your schedule is unchanged"
            if feedback.due is not None and now is not None:
                schedule += f" (next review {when(feedback.due, now)})"
            schedule += "."
        elif feedback.due is not None and now is not None:
            schedule += f" Next review {when(feedback.due, now)}."
        lines.append(schedule)
        if getattr(feedback, "leech", False):
            lines.append(
                "Leech: missed again and again. Reword it in the bank, or suspend it (the word suspend, with --wait)."
            )
    return lines


# ---------------------------------------------------------------------- summary


def summary_lines(summary: Summary, paint: Paint, *, finished: bool, skipped: int = 0) -> list[str]:
    """The end of a session: figures, the hardest questions, and an exam's review."""
    title = MODE_NAMES.get(summary.mode, "Session")
    ending = "finished" if finished else "ended early; every answer given is saved"
    lines = ["", paint.bold(f"{title} {ending}.")]
    if summary.score is not None:
        out_of = summary.out_of if summary.out_of is not None else summary.answered
        lines.append(paint.bold(f"Score: {summary.score} out of {out_of}."))
    lines.append(
        f"Answered: {summary.answered}. Right: {summary.right}. Accuracy: {summary.accuracy:.0%}. "
        f"Time spent: {duration(summary.time_spent.total_seconds())}."
    )
    if skipped:
        lines.append(f"Skipped: {plural(skipped, 'question')}.")
    crammed = sum(1 for feedback in summary.feedbacks if getattr(feedback, "cram", False))
    if crammed:
        lines.append(f"Cram: {plural(crammed, 'answer')} left your schedule where it was.")
    lines.append(f"Due by the end of tomorrow: {plural(summary.due_tomorrow, 'question')}.")
    if summary.hardest:
        lines.append("Hardest questions:")
        for question, misses in summary.hardest:
            lines.append(
                f"  {misses} {'miss' if misses == 1 else 'misses'}: {safe(question.prompt or question.key)}"
                f" ({safe(question.key)})"
            )
    if summary.mode == "exam" and summary.feedbacks:
        lines.append("")
        lines.append(paint.bold("Review of every answer:"))
        for number, feedback in enumerate(summary.feedbacks, start=1):
            lines.append(f"{number}. {safe(feedback.question.prompt or feedback.question.key)}")
            lines += ["   " + line for line in feedback_lines(feedback, None, paint, exam=True)]
    return lines
