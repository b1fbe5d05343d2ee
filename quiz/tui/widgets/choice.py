"""A single-choice question: digits pick a choice, Enter submits, a click picks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button

from quiz.core.model import Question
from quiz.tui.widgets.base import Hanging, OptionRow, QuestionWidget, literal


class ChoiceWidget(QuestionWidget, can_focus=True):
    """Pick one choice. Picking only marks it; Enter (or Submit) answers.

    Marking before answering lets a learner correct a slip of the finger.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("enter", "submit", "Submit"),
    ]

    selected: reactive[int | None] = reactive(None)

    def __init__(self, question: Question, *, choices: Sequence[str] = (), id: str | None = None) -> None:
        super().__init__(question, choices=choices, id=id)
        self.bind_digits("select", "Choose")

    def compose(self) -> ComposeResult:
        for index in range(len(self.choices)):
            yield OptionRow(index, self._row(index))
        yield Button("Submit", id="submit", compact=True)

    def _row(self, index: int) -> Hanging:
        marker = "(•)" if index == self.selected else "( )"
        return Hanging([(Content.styled(f"{marker} {index + 1}. ", "bold"), literal(self.choices[index]))])

    def watch_selected(self, old: int | None, new: int | None) -> None:
        """Redraw the rows whose mark changed."""
        for row in self.query(OptionRow):
            if row.index in (old, new):
                row.update(self._row(row.index))
            row.set_class(row.index == new, "-selected")
        self.refresh_bindings()

    def action_select(self, index: int) -> None:
        """Mark a choice (digit keys)."""
        if 0 <= index < len(self.choices):
            self.selected = index

    def action_move(self, step: int) -> None:
        """Move the mark up or down (arrow keys)."""
        if self.selected is None:
            self.selected = 0 if step > 0 else len(self.choices) - 1
        else:
            self.selected = (self.selected + step) % len(self.choices)

    def action_submit(self) -> None:
        """Answer with the marked choice."""
        if self.selected is None:
            self.notify("Pick a choice first (a digit, the arrows or a click), or F3 if you don't know.")
            return
        self.answer(self.choices[self.selected])

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        """A click marks the choice; a click on the marked choice answers."""
        event.stop()
        if self.selected == event.row.index:
            self.action_submit()
        else:
            self.selected = event.row.index
        self.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return None if self.selected is None else True
        return True
