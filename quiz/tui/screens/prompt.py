"""Ask for one line of text in a modal (a tag to practise, a learner's name).

A `check` callback returns an error message to show under the Input, or None when
the text is acceptable; the dialog stays open until it is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quiz.tui.widgets.base import safe


class PromptScreen(ModalScreen[str | None]):
    """Dismisses with the accepted text, or None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        check: Callable[[str], str | None] | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.check = check
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(safe(self.title_text), markup=False, classes="dialog-title")
            if self.detail:
                yield Static(safe(self.detail), markup=False, classes="dialog-body")
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", markup=False, id="prompt-error", classes="error")
            # A modal has no footer: say which keys accept and cancel.
            yield Static("Enter to accept, Escape to cancel.", markup=False, classes="dim")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Accept the text, or show why it cannot be accepted."""
        event.stop()
        text = event.value.strip()
        problem = self.check(text) if self.check else (None if text else "Type something.")
        if problem:
            self.query_one("#prompt-error", Static).update(safe(problem))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
