"""An ordering question: arrows move the highlight, `[`/`]` move the highlighted item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button

from quiz.core.model import Question
from quiz.tui.widgets.base import Hanging, OptionRow, QuestionWidget, literal


class OrderWidget(QuestionWidget, can_focus=True):
    """Rearrange the shuffled items into the right order, then submit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Highlight", key_display="↑↓"),
        Binding("down", "move(1)", "Highlight", show=False),
        Binding("left_square_bracket,shift+up", "shift(-1)", "Move up", key_display="["),
        Binding("right_square_bracket,shift+down", "shift(1)", "Move down", key_display="]"),
        Binding("enter", "submit", "Submit"),
    ]

    highlighted: reactive[int] = reactive(0)

    def __init__(self, question: Question, *, items: Sequence[str] = (), id: str | None = None) -> None:
        super().__init__(question, items=items, id=id)
        self.arrangement: list[str] = list(self.items)
        """The learner's current order."""

    def compose(self) -> ComposeResult:
        for index in range(len(self.arrangement)):
            yield OptionRow(index, self._row(index))
        with Horizontal(classes="buttons"):
            yield Button("▲ Move up", id="up", compact=True)
            yield Button("▼ Move down", id="down", compact=True)
            yield Button("Submit", id="submit", compact=True)

    def _row(self, index: int) -> Hanging:
        cursor = "›" if index == self.highlighted else " "
        return Hanging([(Content.styled(f"{cursor} {index + 1}. ", "bold"), literal(self.arrangement[index]))])

    def _redraw(self) -> None:
        for row in self.query(OptionRow):
            row.update(self._row(row.index))
            row.set_class(row.index == self.highlighted, "-highlight")

    def watch_highlighted(self) -> None:
        self._redraw()

    def action_move(self, step: int) -> None:
        """Move the highlight."""
        self.highlighted = max(0, min(len(self.arrangement) - 1, self.highlighted + step))

    def action_shift(self, step: int) -> None:
        """Move the highlighted item one place up or down; the highlight follows it."""
        here = self.highlighted
        there = here + step
        if not 0 <= there < len(self.arrangement):
            return
        items = self.arrangement
        items[here], items[there] = items[there], items[here]
        self.highlighted = there
        self._redraw()

    def action_submit(self) -> None:
        """Answer with the current order."""
        self.answer(tuple(self.arrangement))

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.focus()
        self.highlighted = event.row.index

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "up":
            self.action_shift(-1)
        elif event.button.id == "down":
            self.action_shift(1)
        else:
            self.action_submit()
