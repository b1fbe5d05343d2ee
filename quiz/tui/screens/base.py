"""What the app's own screens share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp


class QuizScreen(Screen[None]):
    """A screen of `QuizApp`, with the app typed as such (Textual types it as any `App`)."""

    @property
    def quiz(self) -> QuizApp:
        """The app, typed."""
        from quiz.tui.app import QuizApp

        assert isinstance(self.app, QuizApp)
        return self.app
