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
from quiz.tui.widgets.base import join_lines, literal
from quiz.tui.widgets.feedback import feedback_content


def summary_content(summary: Summary, mode: str, *, finished: bool = True) -> Content:
    """The whole summary as text (the exam review included); `finished` False: left early."""
    lines: list[Content] = []
    title = {"drill": "Drill", "practice": "Practice", "exam": "Exam"}.get(mode, "Session")
    ending = "finished" if finished else "left early: what you answered this time"
    lines.append(Content.styled(f"{title} {ending}", "bold"))
    lines.append(Content(""))
    if summary.score is not None:
        out_of = summary.out_of if summary.out_of is not None else summary.answered
        lines.append(Content.styled(f"Score: {summary.score} / {out_of}", "bold"))
    lines.append(
        Content(
            f"Answered: {summary.answered}   Right: {summary.right}   "
            f"Accuracy: {summary.accuracy:.0%}   "
            f"Time spent: {duration(summary.time_spent.total_seconds())}"
        )
    )
    lines.append(Content(f"Due by the end of tomorrow: {plural(summary.due_tomorrow, 'question')}"))
    if summary.hardest:
        lines.append(Content(""))
        lines.append(Content.styled("Hardest questions", "bold"))
        for question, misses in summary.hardest:
            lines.append(
                Content.assemble(
                    f"  {misses} {'miss' if misses == 1 else 'misses'}  ",
                    literal(question.prompt or question.key),
                    literal(f"  ({question.key})", "dim"),
                )
            )
    if mode == "exam" and summary.feedbacks:
        lines.append(Content(""))
        lines.append(Content.styled("Review of every answer", "bold"))
        for number, feedback in enumerate(summary.feedbacks, start=1):
            lines.append(Content(""))
            lines.append(Content.assemble((f"{number}. ", "bold"), literal(feedback.question.prompt)))
            lines.append(feedback_content(feedback, None, exam=True))
    return join_lines(lines)


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
