"""A multiple-answer question: digits (or Space on the highlight) tick, Enter submits."""

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


class MultiWidget(QuestionWidget, can_focus=True):
    """Tick any number of choices, then submit the ticked set."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("space", "tick_highlighted", "Tick", show=False),
        Binding("enter", "submit", "Submit"),
    ]

    highlighted: reactive[int] = reactive(0)
    ticked: reactive[frozenset[int]] = reactive(frozenset())

    def __init__(self, question: Question, *, choices: Sequence[str] = (), id: str | None = None) -> None:
        super().__init__(question, choices=choices, id=id)
        self.bind_digits("tick", "Tick")

    def compose(self) -> ComposeResult:
        for index in range(len(self.choices)):
            yield OptionRow(index, self._row(index))
        yield Button("Submit", id="submit", compact=True)

    def _row(self, index: int) -> Hanging:
        box = "[x]" if index in self.ticked else "[ ]"
        cursor = "›" if index == self.highlighted else " "
        return Hanging([(Content.styled(f"{cursor}{box} {index + 1}. ", "bold"), literal(self.choices[index]))])

    def _redraw(self) -> None:
        for row in self.query(OptionRow):
            row.update(self._row(row.index))
            row.set_class(row.index in self.ticked, "-selected")
            row.set_class(row.index == self.highlighted, "-highlight")
        self.refresh_bindings()

    def watch_highlighted(self) -> None:
        self._redraw()

    def watch_ticked(self) -> None:
        self._redraw()

    def action_tick(self, index: int) -> None:
        """Tick or untick one choice (digit keys)."""
        if 0 <= index < len(self.choices):
            self.highlighted = index
            self.ticked = self.ticked ^ {index}

    def action_tick_highlighted(self) -> None:
        """Tick or untick the highlighted choice (Space)."""
        self.action_tick(self.highlighted)

    def action_move(self, step: int) -> None:
        """Move the highlight (arrow keys)."""
        self.highlighted = (self.highlighted + step) % len(self.choices)

    def action_submit(self) -> None:
        """Answer with the ticked set; an empty set is refused as a likely slip."""
        if not self.ticked:
            self.notify("Tick at least one choice first, or press F3 if you don't know.")
            return
        self.answer(frozenset(self.choices[index] for index in self.ticked))

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.focus()
        self.action_tick(event.row.index)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return True if self.ticked else None
        return True
