"""A flashcard: Space reveals the answer, then 1-4 grades one's own recall."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Button, Static

from quiz.core.model import CardQuestion, Question
from quiz.tui.widgets.base import QuestionWidget, literal

GRADES = ("Again", "Hard", "Good", "Easy")
"""The four self-grades, in fsrs `Rating` order (1-4)."""


class CardWidget(QuestionWidget, can_focus=True):
    """Recall first, then look: the grade keys only work once the answer is shown."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "reveal", "Reveal"),
        Binding("1", "grade(1)", "Again"),
        Binding("2", "grade(2)", "Hard"),
        Binding("3", "grade(3)", "Good"),
        Binding("4", "grade(4)", "Easy"),
    ]

    revealed: reactive[bool] = reactive(False)

    def __init__(self, question: Question, *, id: str | None = None) -> None:
        super().__init__(question, id=id)

    def compose(self) -> ComposeResult:
        yield Static("Recall the answer, then press Space to reveal it.", classes="card-hint")
        yield Button("Reveal (Space)", id="reveal", compact=True)
        answer = self.question.answer if isinstance(self.question, CardQuestion) else ""
        yield Static(literal(answer), classes="card-answer")
        with Horizontal(classes="grades"):
            for value, name in enumerate(GRADES, start=1):
                yield Button(f"{value} {name}", id=f"grade-{value}", compact=True)

    def watch_revealed(self, revealed: bool) -> None:
        self.set_class(revealed, "-revealed")
        self.refresh_bindings()

    def action_reveal(self) -> None:
        """Show the answer."""
        self.revealed = True

    def action_grade(self, value: int) -> None:
        """Answer with one's own grade, 1 (Again) to 4 (Easy)."""
        if self.revealed:
            self.answer(value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "reveal":
            self.action_reveal()
        elif event.button.id and event.button.id.startswith("grade-"):
            self.action_grade(int(event.button.id.removeprefix("grade-")))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            return not self.revealed
        if action == "grade":
            return self.revealed
        return True
