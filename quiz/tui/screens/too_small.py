"""Shown instead of a broken layout while the terminal is smaller than the app needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 20


def too_small_message(width: int, height: int) -> str:
    """The size in words (a screen reader reads "50x15" badly), and what to do."""

    def count(number: int, word: str) -> str:
        return f"{number} {word}" if number == 1 else f"{number} {word}s"

    return (
        "Terminal too small.\n"
        f"This terminal is {count(width, 'column')} wide and {count(height, 'row')} tall; "
        f"quiz needs at least {MIN_WIDTH} columns and {MIN_HEIGHT} rows.\n\n"
        "Make the window bigger (or the font smaller) to carry on; nothing is lost. Ctrl+Q quits."
    )


class TooSmallScreen(Screen[None]):
    """A single message that follows the terminal's size until it is big enough."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(id="too-small")
        self.size_text = too_small_message(width, height)

    def compose(self) -> ComposeResult:
        yield Static(self.size_text, markup=False, id="too-small-message")

    def show_size(self, width: int, height: int) -> None:
        """Update the message with the current size."""
        self.query_one("#too-small-message", Static).update(too_small_message(width, height))
