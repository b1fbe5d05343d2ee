"""`QuizApp`: the Textual application, and `run`, the entry point the CLI calls.

The app owns what every screen shares: the options, the loaded library, the current
learner, the clock and random source (injected, so tests are deterministic), and the
remembered preferences. Screens ask it for a `Store`, a replay of the learner's log,
or a new `Session`; none of them opens a file.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import get_current_worker

from quiz.core.config import Options
from quiz.core.model import Library
from quiz.core.prefs import load_prefs, prefs_path, update_prefs
from quiz.core.scheduling import Scheduler, Settings, utc_now
from quiz.core.settings import settings_path
from quiz.core.store import Store, StoreError
from quiz.tui.screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from quiz.tui.widgets.base import safe

if TYPE_CHECKING:
    from quiz.core.replayer import QuestionState
    from quiz.core.session import Session

Clock = Callable[[], datetime]

MODE_TITLES = {"drill": "Drill", "practice": "Practice", "exam": "Exam"}


class QuizApp(App[int]):
    """The study-drill app: home screen, sessions, summaries, history."""

    CSS_PATH = "quiz.tcss"
    TITLE = "quiz"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "ask_quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        options: Options,
        library: Library,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        settings: Settings | None = None,
        prefs_file: Path | None = None,
        background: bool = True,
        settings_file: Path | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.library = library
        self.learner = options.learner
        self.clock: Clock = clock or utc_now
        self.rng = rng or random.Random()
        self.settings = settings or Settings()
        self.prefs_file = prefs_file or prefs_path()
        self.settings_file = settings_file or settings_path()
        """The learner's settings file, which the Settings screen edits."""
        self._too_small: TooSmallScreen | None = None
        self.background = background
        """Replay long logs in threads (tests turn this off to stay step by step)."""
        self._watch_size = False
        self.collect_after_first_frame = False
        """Set by `run`: the cyclic collector is paused until the first frame is drawn."""
        prefs = load_prefs(self.prefs_file)
        self.roster: Path | None = None
        """The class roster configured for this installation (`quiz config roster PATH`):
        the home screen then offers the class screen."""
        if prefs:  # with no preferences there is no roster, and the class code is not imported
            from quiz.core.class_roster import configured_roster

            self.roster = configured_roster(prefs)

    # ------------------------------------------------------------------ engine access

    def store(self) -> Store:
        """The current learner's review log."""
        return Store(self.options.scores_dir, self.learner)

    def states(self, learner: str | None = None) -> tuple[dict[str, QuestionState], list[str]]:
        """A learner's per-question state, replayed from the log, and read warnings.

        Thread-safe: it touches no widget, so screens may call it from a worker.
        """
        logs = Store(self.options.scores_dir, learner or self.learner).logs()
        if not logs:
            return {}, []  # a new learner: nothing to replay, no engine to import
        from quiz.core.replay_cache import replayed_states

        warnings: list[str] = []
        states = replayed_states(logs, Scheduler(self.settings), on_warning=warnings.append, now=self.clock())
        return states, warnings

    def snapshot_states(self, learner: str | None = None) -> tuple[dict[str, QuestionState], list[str]] | None:
        """`states`, when they can be read from the log's replay snapshot alone (nothing
        appended since it: see `quiz.core.replay_cache.snapshot_states`), else None. As
        cheap as replaying a short log, so the home screen asks before its first frame."""
        logs = Store(self.options.scores_dir, learner or self.learner).logs()
        if not logs:
            return {}, []  # a new learner: no log, so no question has a state
        from quiz.core.replay_cache import snapshot_states

        warnings: list[str] = []
        states = snapshot_states(logs, Scheduler(self.settings), on_warning=warnings.append)
        return None if states is None else (states, warnings)

    def new_session(
        self,
        mode: str,
        *,
        decks: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int | None = None,
        count: int | None = None,
        cram: bool | None = None,
        shuffle: bool = False,
    ) -> Session:
        """A session for the current learner (it replays the log itself); an exam
        takes its time limit and cards choice from the command line's options."""
        from quiz.core.exam import ExamSession
        from quiz.core.session import Mode, Session

        if mode == "exam":
            return ExamSession(
                self.library,
                self.store(),
                self.settings,
                decks=tuple(decks) or None,
                tags=tuple(tags) or None,
                count=count,
                minutes=self.options.minutes,
                include_cards=self.options.include_cards,
                clock=self.clock,
                rng=self.rng,
            )

        return Session(
            self.library,
            self.store(),
            self.settings,
            mode=cast(Mode, mode),
            decks=tuple(decks) or None,
            tags=tuple(tags) or None,
            limit=limit,
            count=count,
            clock=self.clock,
            rng=self.rng,
            cram=cram if mode == "practice" else None,
            exam=self.options.exam if mode == "drill" else None,
            shuffle=shuffle,
        )

    def start_session(
        self,
        mode: str,
        *,
        decks: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int | None = None,
        count: int | None = None,
        cram: bool | None = None,
        shuffle: bool = False,
    ) -> None:
        """Open a session screen, or say why not (nothing to ask, unreadable log).

        A session replays the whole log when it starts; with `background` that runs
        in a thread, so a long log never freezes the screen.
        """
        titles = [bank.title for deck in decks if (bank := self.library.bank(deck)) is not None]
        scope = ", ".join(titles or decks) if decks else "all decks"
        if tags:
            scope = "tag " + ", ".join(tags)
        title = safe(f"{MODE_TITLES.get(mode, mode)}: {scope}")

        def build() -> Session | str:
            try:
                return self.new_session(
                    mode, decks=decks, tags=tags, limit=limit, count=count, cram=cram, shuffle=shuffle
                )
            except (StoreError, ValueError) as error:
                return str(error)

        if not self.background:
            self._open_session(build(), mode, title)
            return
        self.notify(f"Starting: {title}", timeout=2, markup=False)

        def in_thread() -> None:
            result = build()
            if not get_current_worker().is_cancelled:
                self.call_from_thread(self._open_session, result, mode, title)

        self.run_worker(in_thread, thread=True, exclusive=True, group="session")

    def _open_session(self, session: Session | str, mode: str, title: str) -> None:
        """Push the session's screen (main thread), or report the problem."""
        from quiz.tui.screens.drill import DrillScreen
        from quiz.tui.screens.message import MessageScreen

        if isinstance(session, str):
            self.notify(safe(session), title="Cannot start", severity="error", markup=False)
            return
        note = session.limit_note()
        if session.current is None:
            what = "due or new" if mode == "drill" else "to ask"
            if note:
                self.push_screen(MessageScreen(f"Nothing {what} here right now", note))
                return
            self.notify(
                f"Nothing {what} here right now. Come back later, or practise instead (p).",
                title=MODE_TITLES.get(mode, mode),
                markup=False,
            )
            return
        self.push_screen(DrillScreen(session, mode, title))
        if session.mode == "drill" and session.exam is not None and session.exam_plan is None:
            self.notify(
                f"Your exam date {session.exam.isoformat()} has come, so this is an ordinary drill. "
                "Clear it in Settings (c on the home screen).",
                title="Exam date",
                markup=False,
                timeout=8,
            )
        if note:
            self.notify(note, title="Daily limit", markup=False, timeout=8)

    def open_history(self) -> None:
        """Push the learner's history (imported late: charts are not needed to start)."""
        from quiz.core.history import load_history
        from quiz.tui.screens.history import HistoryScreen

        try:
            history = load_history(
                self.options.scores_dir,
                self.learner,
                self.library,
                now=self.clock(),
                settings=self.settings,
            )
            from quiz.core.retention import review_stats

            stats = review_stats(
                self.store().iter_records(), Scheduler(self.settings), self.settings.days, self.clock()
            )
        except (StoreError, ValueError) as error:
            self.notify(safe(str(error)), title="No history", severity="error", markup=False)
            return
        self.push_screen(HistoryScreen(history, stats))

    def unsuspend(self, key: str) -> str | None:
        """Log an `unsuspend` of `key` for the current learner; a message if it cannot be saved."""
        from quiz.core.flags import flag_record

        try:
            self.store().append(flag_record("unsuspend", self.learner, key, self.clock()))
        except StoreError as error:
            return str(error)
        return None

    def open_settings(self) -> None:
        """Push the Settings screen."""
        from quiz.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def switch_learner(self, name: str) -> None:
        """Make `name` (already validated) the current learner, with their own FSRS parameters.

        The parameters follow the learner, never the previous one: their own kept fit
        (`quiz optimize`), else the first bank's `scheduling.parameters`, else the defaults.
        """
        from dataclasses import replace

        from quiz.core.optimizer import parameters_for

        self.learner = name
        self.sub_title = name
        parameters = parameters_for(self.options.scores_dir, name, self.library.banks)
        self.settings = replace(self.settings, parameters=parameters)

    # ------------------------------------------------------------------ lifecycle

    def on_mount(self) -> None:
        self.sub_title = self.learner
        theme = load_prefs(self.prefs_file).get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.options.ask_learner:
            self.call_after_refresh(self._ask_learner)
            self.call_after_refresh(self.first_frame_drawn)  # a visitor may take long to type
        else:
            self._start_home()
        self.call_after_refresh(self._start_watching_size)

    def first_frame_drawn(self) -> None:
        """The first screen is out (the home screen calls this after its first frame): what
        start-up made is frozen (`gc.freeze`) and the cyclic collector resumes (see `run`)."""
        if self.collect_after_first_frame:
            self.collect_after_first_frame = False
            gc.freeze()
            gc.enable()

    def _ask_learner(self) -> None:
        """`quiz serve` on an open address: each visitor says who they are first.

        The name is validated as everywhere (it becomes a folder name); Escape leaves.
        """
        from quiz.core.store import LearnerError, validate_learner
        from quiz.tui.screens.prompt import PromptScreen

        def check(text: str) -> str | None:
            try:
                validate_learner(text)
            except LearnerError as error:
                return str(error)
            return None

        def start(name: str | None) -> None:
            if not name:
                self.exit(0)
                return
            self.switch_learner(name)
            self._start_home()

        self.push_screen(
            PromptScreen(
                "Who is studying?",
                placeholder="your name",
                check=check,
                detail="Type your name: your answers are kept under it. Escape leaves.",
            ),
            start,
        )

    def _start_home(self) -> None:
        """The home screen, then the session the command line asked for, if any."""
        from quiz.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        command = self.options.command
        if command in ("drill", "practice", "exam"):
            self.start_session(
                command,
                decks=self.options.decks,
                tags=self.options.tags,
                limit=self.options.limit,
                count=self.options.count,
                cram=self.options.cram,
                shuffle=self.options.shuffle,
            )

    def _start_watching_size(self) -> None:
        """From now on the screen stack is set up, and size checks may push a screen."""
        self._watch_size = True
        self._check_size(self.size.width, self.size.height)

    def _remember_theme(self, theme: Theme) -> None:
        try:
            update_prefs(self.prefs_file, theme=theme.name)
        except OSError as error:
            self.notify(safe(f"Could not remember the theme: {error}"), severity="warning", markup=False)

    def on_resize(self, event: events.Resize) -> None:
        """Swap in a clear message while the terminal is too small, and out again."""
        self._check_size(event.size.width, event.size.height)

    def _check_size(self, width: int, height: int) -> None:
        if not self._watch_size:
            return
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        if small:
            if self._too_small is None:
                self._too_small = TooSmallScreen(width, height)
                self.push_screen(self._too_small)
            else:
                self._too_small.show_size(width, height)
        elif self._too_small is not None:
            screen, self._too_small = self._too_small, None
            if self.screen is screen:
                self.pop_screen()

    def action_ask_quit(self) -> None:
        """Ctrl+Q: during a session, ask first (as leaving does); a second Ctrl+Q, or
        Ctrl+Q anywhere else, quits at once. Every answer is saved either way."""
        from quiz.tui.screens.confirm import ConfirmScreen
        from quiz.tui.screens.drill import DrillScreen

        if isinstance(self.screen, ConfirmScreen) and self.screen.quitting:
            self.exit(0)
            return
        if not any(isinstance(screen, DrillScreen) for screen in self.screen_stack):
            self.exit(0)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        confirm = ConfirmScreen("Quit quiz?", "Every answer so far is saved. Ctrl+Q again quits too.")
        confirm.quitting = True
        self.push_screen(confirm, answer)

    # ------------------------------------------------------------------ commands

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The command palette offers the app's actions besides Textual's own."""
        yield from super().get_system_commands(screen)
        from quiz.tui.screens.drill import DrillScreen
        from quiz.tui.screens.home import HomeScreen

        if isinstance(screen, HomeScreen):
            commands = [
                ("Drill all decks", "Due reviews, then new questions", screen.action_drill_all),
                ("Drill this deck", "The highlighted deck", screen.action_drill_deck),
                ("Practise this deck", "Every question, due or not", screen.action_practice),
                ("Practise a tag", "Every question with a tag", screen.action_practice_tag),
                ("Exam", "No feedback until the end", screen.action_exam),
                ("Switch learner", "Study as someone else", screen.action_switch_learner),
                ("History", "Your answers over time", screen.action_history),
                ("Settings", "Retention, daily limits, when your day starts", screen.action_settings),
                ("Keys", "What every key does", screen.action_help),
            ]
            for title, help_text, callback in commands:
                yield SystemCommand(title, help_text, callback)
        if isinstance(screen, DrillScreen):
            if screen.check_action("hint", ()) or screen.check_action("hint_in_input", ()):
                yield SystemCommand("Show the hint", "The answer then counts as hinted", screen.action_hint)
            if screen.check_action("reveal", ()):
                yield SystemCommand("I don't know", "Show the answer; it counts as wrong", screen.action_reveal)
            if screen.check_action("override", ()):
                yield SystemCommand("I was right", "Count this wrong verdict as right", screen.action_override)
            if screen.exam is not None and not screen.exam.submitted:
                yield SystemCommand("Answer sheet", "Go back to a question, or hand in", screen.action_sheet)
            if screen.phase == "feedback" and screen.session.can_undo:
                yield SystemCommand("Undo the answer", "Cancel it and answer again", screen.action_undo)
            yield SystemCommand("Leave", "Every answer so far is saved", screen.action_leave)
            yield SystemCommand("Keys", "What every key does", screen.action_help)


def run(options: Options, library: Library, settings: Settings | None = None) -> int:
    """Start the TUI; the exit code for the shell.

    Textual's start-up makes the first screen's objects, kept as long as it is shown: the
    cyclic collector waits for the first frame (`QuizApp.first_frame_drawn`), which
    then freezes what was made, as `quiz.cli.drill` does for the library."""
    app = QuizApp(options, library, settings=settings)
    app.collect_after_first_frame = gc.isenabled()
    gc.disable()
    try:
        app.run()
    finally:
        if app.collect_after_first_frame:
            gc.enable()  # never drawn (an error, no terminal)
    return app.return_code or 0
