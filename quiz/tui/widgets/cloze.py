"""A cloze: the text with numbered gaps, then one Input per gap (Tab moves between them)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Static

from quiz.core.model import ClozeQuestion, Question
from quiz.tui.widgets.base import QuestionWidget, literal


class ClozeWidget(QuestionWidget):
    """Gaps are listed under the text rather than inline, so long texts wrap cleanly.

    Enter on a gap moves to the next empty gap; once every gap is filled, Enter answers.
    """

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)
        self.gap_count = len(question.gaps) if isinstance(question, ClozeQuestion) else 0

    def compose(self) -> ComposeResult:
        yield Static(self.text_with_gaps(), classes="cloze-text")
        for index in range(self.gap_count):
            with Horizontal(classes="gap-row"):
                yield Static(f"[{index + 1}]", markup=False, classes="gap-label")
                yield Input(placeholder=f"gap {index + 1}", id=f"gap-{index}", classes="gap")

    def text_with_gaps(self) -> Content:
        """The cloze text with each gap shown as a numbered blank."""
        if not isinstance(self.question, ClozeQuestion):
            return Content("")
        parts: list[Content] = []
        number = 0
        for part in self.question.parts:
            if isinstance(part, str):
                parts.append(literal(part))
            else:
                number += 1
                parts.append(Content.styled(f"[{number}]____", "bold underline"))
        return Content("").join(parts)

    def _inputs(self) -> list[Input]:
        return [self.query_one(f"#gap-{index}", Input) for index in range(self.gap_count)]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Move on to the next empty gap, or answer when all are filled."""
        event.stop()
        inputs = self._inputs()
        empty = [field for field in inputs if not field.value.strip()]
        if not empty:
            self.answer(tuple(field.value for field in inputs))
            return
        if len(empty) == len(inputs):
            self.notify("Fill the gaps (Tab moves between them), then Enter. Don't know? Press F3.")
        current = inputs.index(event.input) if event.input in inputs else -1
        after = [field for field in empty if inputs.index(field) > current]
        (after or empty)[0].focus()

    def focus_first(self) -> None:
        inputs = self._inputs()
        if inputs:
            inputs[0].focus()
