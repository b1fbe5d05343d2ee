"""The keys, in one place: `?` opens it from anywhere, Escape or `?` closes it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from quiz.tui.widgets.base import Hanging

HOME_KEYS = (
    ("Enter", "drill the highlighted deck"),
    ("d", "drill every deck (due reviews first, then new questions)"),
    ("p", "practise the highlighted deck, due or not"),
    ("t", "practise every question with a tag"),
    ("x", "exam: questions without feedback until the end"),
    ("H / s", "history of your answers"),
    ("l", "switch learner"),
    ("S", "sync your answers with the class repository (scores folder in git)"),
    ("C", "the class screen over the roster (after `quiz config roster PATH`)"),
    ("c", "settings: retention, daily limits, when your day starts"),
    ("ctrl+p", "command palette (themes, every action)"),
    ("q", "quit"),
)

DRILL_KEYS = (
    ("1-9", "choice: pick a choice; multi: tick or untick it"),
    ("↑ ↓", "move the highlight; Space ticks (multi)"),
    ("Enter", "submit the answer; after feedback, go on"),
    ("t / f", "true or false"),
    ("[ ]  shift+↑↓", "order: move the highlighted item up or down"),
    ("1-9 then a-z", "match: pick a left item, then its partner"),
    ("Tab", "cloze: next gap"),
    ("Space, 1-4", "card: reveal, then grade yourself Again/Hard/Good/Easy"),
    ("h / F2", "show the hint (the answer then counts as hinted)"),
    ("F3", "I don't know: show the answer (it counts as wrong)"),
    ("e / g", "after feedback: it was easy / I guessed"),
    ("r", "after feedback: I was right (count a wrong verdict as right)"),
    ("u", "after feedback: undo the answer and try again"),
    ("s / b", "after feedback: suspend the question (until unsuspended) / bury it until tomorrow"),
    ("Escape / Ctrl+C", "leave (every answer so far is already saved)"),
    ("Ctrl+Q", "quit quiz (asks first during a session)"),
    ("? / F1", "this help"),
)


class HelpScreen(ModalScreen[None]):
    """A list of keys and what they do on the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,f1,q,enter", "close", "Close"),
    ]

    def __init__(self, title: str, keys: tuple[tuple[str, str], ...]) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(key) for key, _ in self.keys) + 2
        # A long description wraps under itself, not under its key.
        lines = Hanging([(Content.styled(key.ljust(width), "bold"), what) for key, what in self.keys])
        with Vertical(classes="dialog help"):
            yield Static(self.title_text, markup=False, classes="dialog-title")
            with VerticalScroll():
                yield Static(lines)
            yield Static("Escape closes this help.", markup=False, classes="dim")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)
