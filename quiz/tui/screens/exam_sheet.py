"""The exam's answer sheet: every question, answered or not, flagged or not, before handing in.

Enter on a row goes back to that question; `s` hands the exam in (asking first when
questions are unanswered or flagged); Escape returns to the question on screen.
Dismisses with the sheet index to go to, `SUBMIT`, or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from quiz.core.exam import SheetRow
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.text import plural
from quiz.tui.widgets.base import Hanging, literal

SUBMIT = -1
"""What the sheet dismisses with when the learner hands the exam in."""
FLAG = "⚑"


def row_content(row: SheetRow) -> Hanging:
    """`3. ✓ answered ⚑  Who resigned…`: status in words, never by colour alone; a
    long prompt wraps under itself."""
    status = "✓ answered  " if row.answered else "· unanswered"
    flag = f" {FLAG} flagged" if row.flagged else "          "
    prompt = row.question.prompt or row.question.key
    return Hanging([(Content(f"{row.number:>2}. {status}{flag}  "), literal(" ".join(prompt.split())))])


class ExamSheetScreen(ModalScreen[int | None]):
    """Pick a question to go back to, or hand the exam in."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("s", "submit", "Hand in"),
    ]

    def __init__(self, rows: list[SheetRow], *, time_left: str = "") -> None:
        super().__init__(classes="modal")
        self.rows = rows
        self.time_left = time_left

    def compose(self) -> ComposeResult:
        unanswered = sum(1 for row in self.rows if not row.answered)
        flagged = sum(1 for row in self.rows if row.flagged)
        summary = f"{plural(unanswered, 'question')} unanswered, {flagged} flagged."
        if self.time_left:
            summary += f"  {self.time_left}"
        with Vertical(classes="dialog exam-sheet"):
            yield Static("Your answer sheet", markup=False, classes="dialog-title")
            yield Static(summary, markup=False, id="sheet-summary")
            yield OptionList(*(Option(row_content(row), id=str(row.index)) for row in self.rows), id="sheet")
            yield Static("Enter: go to the question · s: hand in · Escape: back", markup=False, classes="dim")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Hand in (s)", id="submit", variant="primary")
                yield Button("Back (Escape)", id="back")

    def on_mount(self) -> None:
        sheet = self.query_one("#sheet", OptionList)
        first_open = next((i for i, row in enumerate(self.rows) if not row.answered or row.flagged), 0)
        sheet.highlighted = first_open
        sheet.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(int(event.option.id))

    def action_close(self) -> None:
        """Back to the question on screen."""
        self.dismiss(None)

    def action_submit(self) -> None:
        """Hand in; ask first if some questions are unanswered or flagged."""
        unanswered = sum(1 for row in self.rows if not row.answered)
        flagged = sum(1 for row in self.rows if row.flagged)
        if not unanswered and not flagged:
            self.dismiss(SUBMIT)
            return
        parts = []
        if unanswered:
            parts.append(f"{plural(unanswered, 'question')} without an answer (no point for those)")
        if flagged:
            parts.append(f"{flagged} flagged to check")

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(SUBMIT)

        self.app.push_screen(ConfirmScreen("Hand in the exam?", "You have " + " and ".join(parts) + "."), answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "submit":
            self.action_submit()
        else:
            self.dismiss(None)
