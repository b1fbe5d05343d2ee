"""A typed answer: an Input, Enter submits. Letters typed here are answers, not commands."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from quiz.core.model import Question
from quiz.tui.widgets.base import QuestionWidget


class ShortWidget(QuestionWidget):
    """One line of text; grading normalises case, accents, punctuation and spacing."""

    PLACEHOLDER = "Type your answer, then Enter"

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.PLACEHOLDER, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Answer with the text as typed; an empty line is refused as a likely slip."""
        event.stop()
        if not event.value.strip():
            self.notify("Type your answer, then press Enter. Don't know? Press F3 to see the answer.")
            return
        self.answer(event.value)

    def focus_first(self) -> None:
        self.query_one(Input).focus()
