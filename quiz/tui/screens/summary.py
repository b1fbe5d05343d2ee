"""The end of a session: how it went, what was hardest, what comes back tomorrow.

After an exam this is where feedback finally appears: the score, then a review of
every answer with what was expected.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from quiz.core.session import Summary
from quiz.tui.text import duration, plural
from quiz.tui.widgets.base import Hanging, literal
from quiz.tui.widgets.feedback import feedback_lines


def summary_content(summary: Summary, mode: str, *, finished: bool = True) -> Hanging:
    """The whole summary (the exam review included); `finished` False: left early.

    A `Hanging` visual, so a long prompt in the hardest questions or the review wraps
    under its own text rather than under its count or number.
    """
    lines: list[tuple[Content | str, Content | str]] = []

    def add(body: Content | str = "", prefix: Content | str = "") -> None:
        lines.append((prefix, body))

    title = {"drill": "Drill", "practice": "Practice", "exam": "Exam"}.get(mode, "Session")
    ending = "finished" if finished else "left early: what you answered this time"
    add(Content.styled(f"{title} {ending}", "bold"))
    add()
    if summary.score is not None:
        out_of = summary.out_of if summary.out_of is not None else summary.answered
        add(Content.styled(f"Score: {summary.score} / {out_of}", "bold"))
        if summary.timed_out:
            add("Time ran out: every answer given before then is kept and counted.")
        if summary.unanswered:
            add(f"Not answered: {plural(summary.unanswered, 'question')} (no point for those)")
    add(
        f"Answered: {summary.answered}   Right: {summary.right}   "
        f"Accuracy: {summary.accuracy:.0%}   "
        f"Time spent: {duration(summary.time_spent.total_seconds())}"
    )
    add(f"Due by the end of tomorrow: {plural(summary.due_tomorrow, 'question')}")
    crammed = sum(1 for feedback in summary.feedbacks if feedback.cram)
    if crammed:
        add(f"Cram: {plural(crammed, 'answer')} to questions not yet due; your schedule did not move for them.")
    if mode == "exam":
        add("Exam answers count as reviews: each question is rescheduled as in a drill.")
    if summary.hardest:
        add()
        add(Content.styled("Hardest questions", "bold"))
        for question, misses in summary.hardest:
            add(
                Content.assemble(
                    literal(question.prompt or question.key),
                    literal(f"  ({question.key})", "dim"),
                ),
                f"  {misses:>2} {'miss' if misses == 1 else 'misses':<6}  ",
            )
    if mode == "exam" and summary.feedbacks:
        add()
        add(Content.styled("Review of every answer", "bold"))
        for number, feedback in enumerate(summary.feedbacks, start=1):
            label = f"{number}. "
            add()
            add(literal(feedback.question.prompt), Content.styled(label, "bold"))
            for prefix, body in feedback_lines(feedback, None, exam=True):
                add(body, Content(" " * len(label)) + prefix)
    return Hanging(lines)


class SummaryScreen(Screen[None]):
    """Read-only; Enter or Escape goes back home."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,space", "close", "Home"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, summary: Summary, mode: str, title: str, *, finished: bool = True) -> None:
        super().__init__()
        self.summary = summary
        self.mode = mode
        self.title_text = title
        self.finished = finished
        """False when the learner left before the end."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="summary-body"):
            yield Static(summary_content(self.summary, self.mode, finished=self.finished), id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.title_text
        self.query_one("#summary-body", VerticalScroll).focus()

    def action_close(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)
