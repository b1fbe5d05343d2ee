"""Opening the class screen from the home screen: fetch the configured roster's
repositories in a thread, then show the class report (`ClassReportScreen`).

Fetching thirty repositories takes a while, so this screen says what it is doing
("Fetching 30 repositories...") and the app stays responsive; Escape goes back
home at any time (a fetch under way finishes in the background, its result is
dropped). Whatever goes wrong (an unreadable roster, no git, a failed
repository) is shown as text, never as a traceback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static

from quiz.core.text import clean

if TYPE_CHECKING:
    from quiz.core.class_report import LearnerReport
    from quiz.core.class_roster import RosterReport
    from quiz.core.history import LearnerHistory
    from quiz.tui.app import QuizApp

__all__ = ["ClassFetchScreen"]

SHOWN_PROBLEMS = 5
"""Problems listed in the notification after the report opens, before "and N more"."""


class ClassFetchScreen(Screen[None]):
    """ "Fetching n repositories...", then the class report in its place."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back")]

    DEFAULT_CSS = """
    ClassFetchScreen #class-fetch { padding: 1 2; height: 1fr; }
    ClassFetchScreen #class-status { height: auto; }
    ClassFetchScreen LoadingIndicator { height: 3; }
    """

    def __init__(self, roster: Path) -> None:
        super().__init__(id="class-fetch-screen")
        self.roster = roster
        self.failed: str | None = None
        """Why the report could not be made (shown on this screen), once known."""

    @property
    def quiz(self) -> QuizApp:
        """The app, typed."""
        from quiz.tui.app import QuizApp

        assert isinstance(self.app, QuizApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="class-fetch"):
            yield Static(Text(f"Reading the roster {clean(str(self.roster))}..."), id="class-status")
            yield LoadingIndicator()
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Class"
        self.run_worker(self._fetch, thread=True, exclusive=True, group="class-fetch", exit_on_error=False)

    def _status(self, text: str) -> None:
        if self.is_attached:  # gone back home meanwhile: nothing to update
            self.query_one("#class-status", Static).update(Text(text))

    def _fetch(self) -> None:
        """In a thread: fetch, read and assemble; the result goes back to the UI thread."""
        from quiz.core.class_roster import roster_report
        from quiz.core.paths import cache_dir

        app = self.quiz

        def fetching(members: int) -> None:
            noun = "repository" if members == 1 else "repositories"
            app.call_from_thread(self._status, f"Fetching {members} {noun}...")

        try:
            cache = cache_dir() or Path(tempfile.mkdtemp(prefix="quiz-roster-"))
            result = roster_report(
                self.roster, app.library, cache, now=app.clock(), settings=app.settings, on_members=fetching
            )
        except Exception as error:  # every failure is shown as text, never a traceback
            app.call_from_thread(self._failed, str(error) or type(error).__name__)
            return
        app.call_from_thread(self._show, result)

    def _failed(self, message: str) -> None:
        if not self.is_attached:
            return
        self.failed = message
        self.query_one(LoadingIndicator).display = False
        self._status(f"The class report could not be made: {clean(message)}\n\nPress Escape to go back.")

    def _show(self, result: RosterReport) -> None:
        """Put the report in this screen's place (unless the user has gone back meanwhile)."""
        from quiz.core.class_logs import learner_sources
        from quiz.core.history import history_of_logs
        from quiz.tui.screens.class_report import ClassReportScreen

        if not self.is_attached or not self.is_current:
            return
        app = self.quiz
        report = result.report

        def open_history(learner: LearnerReport) -> LearnerHistory:
            return history_of_logs(
                learner_sources(learner.path), app.library, now=report.now, learner=learner.name, settings=app.settings
            )

        app.switch_screen(ClassReportScreen(report, open_history))
        if result.problems:
            lines = [clean(problem) for problem in result.problems[:SHOWN_PROBLEMS]]
            if len(result.problems) > SHOWN_PROBLEMS:
                lines.append(f"and {len(result.problems) - SHOWN_PROBLEMS} more")
            app.notify("\n".join(lines), title="Some repositories", severity="warning", markup=False, timeout=15)

    def action_back(self) -> None:
        """Back home; a fetch under way is left to finish, unseen."""
        self.app.pop_screen()
