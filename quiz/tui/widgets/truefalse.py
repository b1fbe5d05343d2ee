"""A true-or-false question: `t` or `f` answers at once; arrows and Enter, or a click."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive

from quiz.core.model import Question
from quiz.tui.widgets.base import OptionRow, QuestionWidget


class TrueFalseWidget(QuestionWidget, can_focus=True):
    """Two options; one key answers, since there is nothing to correct."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "answer_with(True)", "True"),
        Binding("f", "answer_with(False)", "False"),
        Binding("up", "move", "Up", show=False),
        Binding("down", "move", "Down", show=False),
        Binding("enter", "submit", "Submit", show=False),
    ]

    highlighted: reactive[int | None] = reactive(None)

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        yield OptionRow(0, self._row(0))
        yield OptionRow(1, self._row(1))

    def _row(self, index: int) -> Content:
        cursor = "›" if index == self.highlighted else " "
        key, word = ("t", "True") if index == 0 else ("f", "False")
        return Content.assemble((f"{cursor} {key}  ", "bold"), word)

    def watch_highlighted(self) -> None:
        for row in self.query(OptionRow):
            row.update(self._row(row.index))
            row.set_class(row.index == self.highlighted, "-highlight")

    def action_answer_with(self, value: bool) -> None:
        """Answer true or false."""
        self.answer(value)

    def action_move(self) -> None:
        """Switch the highlight between True and False."""
        self.highlighted = 1 if self.highlighted == 0 else 0

    def action_submit(self) -> None:
        """Answer with the highlighted option."""
        if self.highlighted is not None:
            self.answer(self.highlighted == 0)

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.answer(event.row.index == 0)
