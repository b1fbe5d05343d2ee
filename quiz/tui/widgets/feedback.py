"""What the learner sees after answering: right or wrong in words, why, and what next.

Right or wrong is said with a symbol and a word (✓ Correct / ✗ Wrong), never by colour
alone. Parts of an order, match, cloze or multi answer are marked one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from textual.content import Content
from textual.widgets import Static

from quiz.core.grading import FeedbackLike, Outcome, Response
from quiz.core.grading import choice_notes as grading_choice_notes
from quiz.core.model import (
    ClozeQuestion,
    MatchQuestion,
    MultiQuestion,
    OrderQuestion,
    Question,
)
from quiz.tui.text import format_response, plural, rating_name, when
from quiz.tui.widgets.base import Hanging, literal

RIGHT = "✓"
WRONG = "✗"


def _flag(feedback: FeedbackLike, name: str) -> bool:
    """`overridden` / `revealed` of a `Feedback` (False for objects without them)."""
    return getattr(feedback, name, False) is True


def comes_back_note(wait: timedelta) -> str:
    """ "Comes back in 10 minutes, in this session": a learning step, said plainly."""
    minutes = max(1, round(wait.total_seconds() / 60)) if wait.total_seconds() >= 30 else 0
    when_text = f"in {plural(minutes, 'minute')}" if minutes else "right away"
    return f"Still learning: this question comes back {when_text}, in this session."


def verdict(outcome: Outcome) -> Content:
    """`✓ Correct` or `✗ Wrong`, with the typo note when one was forgiven."""
    if outcome.correct:
        text = Content.styled(f"{RIGHT} Correct", "bold $text-success")
        if outcome.typo_forgiven:
            text += Content(" (a typo forgiven)")
        return text
    return Content.styled(f"{WRONG} Wrong", "bold $text-error")


def _label(name: str) -> Content:
    return Content.styled(f"{name}: ", "bold")


def _mark(wrong: bool) -> str:
    return WRONG if wrong else RIGHT


Line = tuple[Content, Content]
"""(prefix, body): the body wraps under itself, not under the prefix (see `Hanging`)."""


def _plain(body: Content) -> Line:
    return (Content(""), body)


def part_lines(question: Question, response: Response, outcome: Outcome) -> list[Line]:
    """One line per part of a multi-part answer, marked right or wrong."""
    wrong = set(outcome.wrong_parts)
    lines: list[Line] = []
    if isinstance(question, OrderQuestion) and isinstance(response, tuple):
        for index, right in enumerate(question.items):
            given = response[index] if index < len(response) else ""
            line = literal(given)
            if index in wrong:
                line += Content.assemble("  (should be ", literal(right), ")")
            lines.append((Content(f"  {_mark(index in wrong)} {index + 1}. "), line))
    elif isinstance(question, MatchQuestion) and isinstance(response, dict):
        for index, (left, right) in enumerate(question.pairs):
            given = response.get(left, "?")
            line = Content.assemble(literal(left), " → ", literal(given))
            if index in wrong:
                line += Content.assemble("  (should be ", literal(right), ")")
            lines.append((Content(f"  {_mark(index in wrong)} "), line))
    elif isinstance(question, ClozeQuestion) and isinstance(response, tuple):
        for index, gap in enumerate(question.gaps):
            given = response[index] if index < len(response) else ""
            line = literal(given or "(blank)")
            if index in wrong and gap.answers:
                line += Content.assemble("  (should be ", literal(gap.answers[0]), ")")
            lines.append((Content(f"  {_mark(index in wrong)} [{index + 1}] "), line))
    elif isinstance(question, MultiQuestion) and isinstance(response, frozenset):
        for index, choice in enumerate(question.choices):
            ticked = choice in response
            should = choice in question.answers
            if not ticked and not should:
                continue
            note = "ticked" if ticked else "not ticked"
            if ticked != should:
                note += ", should be ticked" if should else ", should not be ticked"
            mark = Content(f"  {_mark(ticked != should or index in wrong)} ")
            lines.append((mark, Content.assemble(literal(choice), f" ({note})")))
    return lines


def choice_notes(question: Question, response: Response) -> list[Line]:
    """The bank's per-choice feedback for the chosen and the right choices."""
    return [
        (Content("  "), Content.assemble(literal(choice), " — ", literal(note)))
        for choice, note in grading_choice_notes(question, response)
    ]


def feedback_content(
    feedback: FeedbackLike,
    now: datetime | None,
    order: Sequence[str] = (),
    *,
    exam: bool = False,
) -> Hanging:
    """The whole feedback for one answer; parts and notes wrap under their own text."""
    return Hanging(feedback_lines(feedback, now, order, exam=exam))


def feedback_lines(
    feedback: FeedbackLike,
    now: datetime | None,
    order: Sequence[str] = (),
    *,
    exam: bool = False,
) -> list[Line]:
    """The feedback text for one answer as (prefix, body) lines (exam reviews leave out the schedule)."""
    question, outcome, response = feedback.question, feedback.outcome, feedback.response
    revealed = _flag(feedback, "revealed")
    if _flag(feedback, "overridden"):
        lines: list[Content] = [
            Content.styled(f"{RIGHT} Counted right", "bold $text-success")
            + Content(f" (you said you were right; graded {WRONG} wrong at first)")
        ]
    elif revealed:
        lines = [Content.styled(f"{WRONG} Not answered", "bold $text-error") + Content(": here is the answer")]
    else:
        lines = [verdict(outcome)]
    if outcome.detail and not revealed:
        lines.append(literal(outcome.detail))
    lines.extend(literal(note[:1].upper() + note[1:]) for note in outcome.forgiven)
    parts = [] if revealed else part_lines(question, response, outcome)
    if revealed and question.type == "card":
        lines.append(_label("Answer") + literal(outcome.expected))
    elif not parts and not revealed:
        # Multi-part answers are shown part by part below instead.
        lines.append(_label("Your answer") + literal(format_response(question, response, order)))
    if question.type != "card" and not parts:
        # With parts, each wrong one says what it should be: the whole expected answer
        # on one line would only repeat that as a hard-to-read run-on paragraph.
        lines.append(_label("Right answer") + literal(outcome.expected))
    if outcome.matched and outcome.correct and outcome.matched != response:
        lines.append(_label("Accepted as") + literal(outcome.matched))
    out = [_plain(line) for line in lines]
    if parts:
        out.append(_plain(Content("")))
        out.append(_plain(Content.styled("Your answer, part by part", "bold")))
        out.extend(parts)
    notes = choice_notes(question, response)
    if notes:
        out.append(_plain(Content("")))
        out.append(_plain(Content.styled("Why", "bold")))
        out.extend(notes)
    if question.explanation:
        out.append(_plain(Content("")))
        out.append(_plain(_label("Explanation") + literal(question.explanation)))
    if question.citation:
        out.append(_plain(_label("Source") + literal(question.citation)))
    if not exam:
        out.append(_plain(Content("")))
        schedule = _label("Rated") + Content(rating_name(feedback.rating))
        if getattr(feedback, "cram", False):
            schedule += Content("   ") + Content.styled("Cram: your schedule is unchanged", "italic")
            if feedback.due is not None and now is not None:
                schedule += Content(" (next review " + when(feedback.due, now) + ")")
        elif feedback.due is not None and now is not None:
            schedule += Content("   ") + _label("Next review") + Content(when(feedback.due, now))
        out.append(_plain(schedule))
        if getattr(feedback, "leech", False):
            out.append(
                _plain(
                    Content.styled("Leech: ", "bold $text-warning")
                    + Content("missed again and again. s suspends it, or reword it in the bank.")
                )
            )
        wait = getattr(feedback, "comes_back", None)
        if isinstance(wait, timedelta):
            out.append(_plain(Content(comes_back_note(wait))))
    return out


class FeedbackView(Static):
    """The feedback on the last answer; a `Static` given `Content`, so nothing is markup."""

    DEFAULT_CSS = """
    FeedbackView { height: auto; }
    """

    def show(self, feedback: FeedbackLike, now: datetime, order: Sequence[str] = ()) -> None:
        """Replace the view's text with the feedback on this answer."""
        self.update(feedback_content(feedback, now, order))
        self.set_class(feedback.outcome.correct, "-correct")
        self.set_class(not feedback.outcome.correct, "-wrong")
