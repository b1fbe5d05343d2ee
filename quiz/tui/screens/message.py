"""A message that must be read (an error writing the score log), closed with Enter/Escape."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quiz.tui.widgets.base import safe


class MessageScreen(ModalScreen[None]):
    """A title and a literal message (it may quote a path or an OS error)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,space", "close", "Close"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text), markup=False, classes="dialog-title")
            yield Static(safe(self.message), markup=False, classes="dialog-body")
            yield Button("OK", id="ok", variant="primary")

    def action_close(self) -> None:
        """Close the message."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
