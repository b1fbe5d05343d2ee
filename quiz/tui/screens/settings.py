"""The Settings screen: every scheduling setting with its allowed range, edited in place.

Each setting is one row: its name, an Input holding the value as `quiz config`
prints it, and a line of help. Enter saves that one key to the learner's settings
file (through `quiz.core.settings`, the same checks and messages as `quiz config`);
a bad value is refused with the key and its range, and nothing is written. Beside
desired retention the screen shows the workload it implies (simulated reviews a
day, `quiz.core.workload`), updated as the learner types.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from quiz.core.scheduling import Settings
from quiz.core.settings import KEYS, SettingsError, format_value, parse_value, set_value
from quiz.core.workload import estimate
from quiz.tui.widgets.base import safe

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp


def workload_text(settings: Settings) -> str:
    """One line on what `settings` cost in reviews."""
    work = estimate(settings)
    return (
        f"≈ {work.reviews_per_day:.0f} reviews a day after a year of {settings.new_per_day} new a day "
        f"({work.reviews_per_new:.1f} reviews per question)"
    )


class SettingsScreen(Screen[None]):
    """Edit the learner's settings; Escape goes back."""

    AUTO_FOCUS = ".setting-value"
    """The first setting takes the keys at once (not the scrolling body around it)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("ctrl+s", "save_all", "Save all"),
    ]

    def __init__(self) -> None:
        super().__init__(id="settings")

    @property
    def quiz(self) -> QuizApp:
        from quiz.tui.app import QuizApp

        assert isinstance(self.app, QuizApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Header()
        settings = self.quiz.settings
        with VerticalScroll(id="settings-body"):
            yield Static(
                "Enter saves a setting. Days start at the hour you choose, in this computer's time zone.",
                markup=False,
                classes="dim",
            )
            for name, key in KEYS.items():
                with Horizontal(classes="setting-row"):
                    yield Static(name, markup=False, classes="setting-name")
                    yield Input(
                        format_value(name, getattr(settings, name)),
                        id=f"set-{name}",
                        classes="setting-value",
                        compact=True,  # one line a setting: the whole screen fits a terminal
                    )
                yield Static(f"{key.help}; {key.allowed}", markup=False, classes="setting-help dim")
                if name == "desired_retention":
                    yield Static(workload_text(settings), markup=False, id="workload", classes="setting-help")
            yield Static("", markup=False, id="settings-error", classes="error")
            yield Static(f"File: {self.quiz.settings_file}", markup=False, classes="dim")
        yield Footer()

    def _today(self) -> date:
        """The learner's day now: an exam date may not be before it."""
        return self.quiz.settings.days.day_of(self.quiz.clock())

    def _candidate(self, name: str, text: str) -> Settings:
        """The app's settings with `name` set to `text`, or SettingsError."""
        value = parse_value(name, text, today=self._today())
        try:
            return replace(self.quiz.settings, **{name: value})
        except ValueError as error:
            raise SettingsError(str(error)) from None

    def on_input_changed(self, event: Input.Changed) -> None:
        """Keep the workload line in step with what is typed into retention or new a day."""
        name = (event.input.id or "").removeprefix("set-")
        if name not in ("desired_retention", "new_per_day"):
            return
        try:
            settings = self._candidate(name, event.value)
        except SettingsError:
            return
        self.query_one("#workload", Static).update(safe(workload_text(settings)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save the one setting whose Input took Enter."""
        event.stop()
        name = (event.input.id or "").removeprefix("set-")
        if name in KEYS:
            self._save(name, event.value)

    def _save(self, name: str, text: str) -> bool:
        error = self.query_one("#settings-error", Static)
        try:
            value = parse_value(name, text, today=self._today())
            saved = set_value(self.quiz.settings_file, name, value)
        except SettingsError as problem:
            error.update(safe(str(problem)))
            return False
        except OSError as problem:
            error.update(safe(f"Could not save {self.quiz.settings_file}: {problem.strerror or problem}"))
            return False
        self.quiz.settings = replace(self.quiz.settings, **{name: getattr(saved, name)})
        self.query_one(f"#set-{name}", Input).value = format_value(name, getattr(saved, name))
        error.update("")
        self.notify(f"Saved {name} = {format_value(name, getattr(saved, name))}", timeout=2, markup=False)
        return True

    def action_save_all(self) -> None:
        """Save every row whose text differs from the current value."""
        for name in KEYS:
            text = self.query_one(f"#set-{name}", Input).value
            if text.strip() != format_value(name, getattr(self.quiz.settings, name)) and not self._save(name, text):
                return

    def action_close(self) -> None:
        """Back to where the learner came from (unsaved edits are dropped)."""
        self.dismiss(None)
