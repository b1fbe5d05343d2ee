"""Shown instead of a broken layout while the terminal is smaller than the app needs."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 60
MIN_HEIGHT = 20


def too_small_message(width: int, height: int) -> str:
    """`Terminal too small: 50x15, needs at least 60x20`."""
    return (
        f"Terminal too small: {width}x{height}, needs at least {MIN_WIDTH}x{MIN_HEIGHT}.\n\n"
        "Make the window bigger to carry on; nothing is lost. ctrl+q quits."
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
