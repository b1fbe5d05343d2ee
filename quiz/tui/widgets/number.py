"""A numeric answer: typed as text; parsing "1,999.5" or "2e3" is grading's job."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Static

from quiz.core.model import NumberQuestion, Question
from quiz.tui.widgets.base import literal
from quiz.tui.widgets.short import ShortWidget


class NumberWidget(ShortWidget):
    """An Input followed by the unit, if the question has one."""

    PLACEHOLDER = "Type a number, then Enter"

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        unit = self.question.unit if isinstance(self.question, NumberQuestion) else None
        with Horizontal(classes="number-row"):
            yield Input(placeholder=self.PLACEHOLDER, id="answer")
            if unit:
                yield Static(literal(unit), classes="unit")
