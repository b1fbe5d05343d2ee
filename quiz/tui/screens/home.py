"""The home screen: who is studying, every deck with what is new and due, the day's totals.

Keys: Enter drills the highlighted deck, `d` every deck, `p` practises the highlighted
deck, `t` a tag, `x` an exam, `H`/`s` history, `l` switches learner, `S` syncs with the
class repository (when the scores folder is in git), `C` opens the class screen
(when a roster is configured), `?` help, `q` quits.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from quiz.core.filters import library_tags, unknown_tag
from quiz.tui.screens.base import QuizScreen
from quiz.tui.screens.help import HOME_KEYS, HelpScreen
from quiz.tui.screens.prompt import PromptScreen
from quiz.tui.widgets.base import literal, safe

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from quiz.core.model import Library
    from quiz.core.overview_cache import DeckCounts
    from quiz.core.overview_cache import Entry as OverviewEntry
    from quiz.core.overview_cache import Key as OverviewKey
    from quiz.core.replayer import QuestionState
    from quiz.core.scheduling import Settings
    from quiz.core.session import DeckStats
    from quiz.tui.app import QuizApp

    _Counted = tuple[list[DeckStats], Mapping[str, QuestionState], list[str], str | None, Settings, Library, datetime]
    """What `HomeScreen._count` gives: the rows, the states, the log's skipped lines, why
    it could not be read (or None), and the settings, library and moment counted with."""

DECK_COLUMN_MARGIN = 42
"""Columns the numbers, cell padding, margins and scrollbar take beside the deck column."""
MIN_DECK_WIDTH = 16
"""The deck column never gets narrower than this (a wider one would push "Learned" out of view at 60 columns)."""


class DeckRow(NamedTuple):
    """One deck as the table shows it (`quiz.core.session.DeckStats`, or a placeholder
    built from the bank alone while the log is read; the engine is imported late so the
    home screen appears sooner)."""

    deck: str
    title: str
    description: str
    total: int
    new: int = 0
    due: int = 0
    learned: int = 0


SYNC_LOG_BYTES = 256 * 1024
"""Logs up to this size (about 1,000 answers) are replayed before the first frame."""


class HomeScreen(QuizScreen):
    """Decks in a table (one row per deck); the numbers are refreshed on every return."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "drill_deck", "Drill deck", show=False),
        Binding("d", "drill_all", "Drill all"),
        Binding("p", "practice", "Practise"),
        Binding("t", "practice_tag", "Tag"),
        Binding("x", "exam", "Exam"),
        Binding("H,s", "history", "History", key_display="H"),
        Binding("l", "switch_learner", "Learner"),
        Binding("S", "sync", "Sync"),
        Binding("C", "class_report", "Class"),
        Binding("c", "settings", "Settings"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self) -> None:
        super().__init__(id="home")
        self.deck_keys: list[str] = []
        self.stats: list[DeckRow] = []
        self._table_width = 0
        self._counted = False
        self._reading: tuple[str, OverviewKey | None] | None = None
        """(learner, cache key) of the replay running in a worker: the first showing
        brings both a mount and a resume, and one replay is enough for both."""
        self._counted_at_mount = False
        self._resumed = False
        self.unsynced: int | None = None
        """Answers not yet committed to the class repository; None when the scores are not in git."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="home-learner", markup=False)
        table: DataTable[Text | str] = DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="home-totals", markup=False)
        yield Static("", id="home-warnings", markup=False)
        yield Static("", id="home-sync", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_decks()
        self._counted_at_mount = True
        self.query_one("#decks", DataTable).focus()
        self.call_after_refresh(self.quiz.first_frame_drawn)

    def on_resize(self) -> None:
        """Give the deck column whatever width the numbers leave."""
        if self._deck_width() != self._table_width:
            self._fill_table(counts=self._counted)

    def _deck_width(self) -> int:
        # Down to the smallest terminal (60 columns) every number column stays in view.
        return max(MIN_DECK_WIDTH, self.app.size.width - DECK_COLUMN_MARGIN)

    def on_screen_resume(self) -> None:
        """Back from a session or history: the numbers have changed. (The first showing
        brings a mount and then a resume: the mount has just counted.)"""
        first, self._resumed = not self._resumed, True
        if first and self._counted_at_mount:
            return
        self.refresh_decks()

    def refresh_decks(self) -> None:
        """Replay the learner's log and redraw the table and the totals.

        With a long log this takes a while, so the app may do it in a thread: the
        screen appears at once with the decks' names and the counts last computed for
        exactly these logs, library and settings (`quiz.core.overview_cache`), or "…"
        when there are none, and the replayed numbers follow.
        """
        app = self.quiz
        self.title = "quiz"
        self.sub_title = app.learner
        self.query_one("#home-learner", Static).update(Content.assemble("Learner: ", literal(app.learner, "bold")))
        entry, size = self._entry(app)
        if not app.background:
            self._show_stats(*self._compute(app.learner, entry))
            return
        if entry is not None and self._reading is not None and self._reading == (app.learner, entry.key):
            return  # these very logs, banks and settings are being read: their counts are coming
        cached = entry.load(app.clock()) if entry is not None else None
        if cached is not None:
            # Counts in the first frame from the cache; the replay still follows, so a wrong entry never sticks.
            self._show_stats(app.learner, cached, [], self.unsynced)
            self._read_in_thread(app.learner, entry)
        elif size is not None and size <= SYNC_LOG_BYTES:
            # Counts in the first frame; only the git status (a subprocess) waits for a thread.
            self._show_stats(*self._compute(app.learner, entry, git=False))
            self.call_after_refresh(
                self.run_worker, self._pending_in_thread, thread=True, exclusive=True, group="home-pending"
            )
        elif (counted := self._count_from_snapshot(app.learner)) is not None:
            # The log as its replay snapshot left it: its states are read at once, counts
            # in the first frame; keeping them and asking git wait for it.
            stats, _states, warnings, error, _settings, _library, _now = counted
            self._show_stats(app.learner, stats, warnings, self.unsynced, error)
            self.call_after_refresh(
                self.run_worker,
                partial(self._keep_in_thread, entry, counted),
                thread=True,
                exclusive=True,
                group="home-pending",
            )
        else:
            if not self.stats:
                self.stats = [DeckRow(b.deck, b.title, b.description, len(b.questions)) for b in app.library.banks]
                self._fill_table(counts=False)
            self.query_one("#home-totals", Static).update("Reading your score log...")
            self._read_in_thread(app.learner, entry)

    def _read_in_thread(self, learner: str, entry: OverviewEntry | None) -> None:
        """Replay `learner`'s logs in a worker once the first frame is out (the screen comes first)."""
        self._reading = (learner, entry.key) if entry is not None and entry.key is not None else None
        self.call_after_refresh(
            self.run_worker,
            partial(self._compute_in_thread, learner, entry),
            thread=True,
            exclusive=True,
            group="home-stats",
        )

    @staticmethod
    def _entry(app: QuizApp) -> tuple[OverviewEntry | None, int | None]:
        """The learner's cached-overview entry, its key taken now (before any replay,
        so an answer written meanwhile makes it stale rather than wrong), and the
        size of the learner's logs (None when they cannot be looked at)."""
        from quiz.core import overview_cache

        try:
            store = app.store()
            logs = store.logs()
            size: int | None = sum(path.stat().st_size for path in logs)
        except Exception:
            return None, None
        try:
            folder = overview_cache.cache_dir()
            return overview_cache.Entry(store.folder, logs, app.library, app.settings, folder=folder), size
        except Exception:
            return None, size  # the cache is only a head start: without it, the log is replayed as ever

    def _pending(self, learner: str) -> int | None:
        """The learner's answers not yet synced (None outside a git work tree)."""
        from quiz.core.gitsync import unsynced

        try:
            return unsynced(self.quiz.options.scores_dir / learner)
        except Exception:
            return None

    def _keep_in_thread(self, entry: OverviewEntry | None, counted: _Counted) -> None:
        """Keep counts shown in the first frame in the cached overview, then ask git."""
        self._keep(entry, counted)
        self._pending_in_thread()

    def _pending_in_thread(self) -> None:
        learner = self.quiz.learner
        pending = self._pending(learner)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_pending, learner, pending)

    def _show_pending(self, learner: str, pending: int | None) -> None:
        """Say how many answers are not yet synced (unless the learner changed meanwhile)."""
        if learner != self.quiz.learner:
            return
        offered = self.unsynced is not None
        self.unsynced = pending
        self.query_one("#home-sync", Static).update(
            ""
            if pending is None
            else "All your answers are synced with the class repository."
            if pending == 0
            else f"{pending} answer{'s' if pending != 1 else ''} not yet synced: press S to sync."
        )
        if (pending is not None) != offered:
            self.refresh_bindings()  # S appears or goes (the footer is rebuilt: only when it changes)

    def _compute(
        self, learner: str, entry: OverviewEntry | None, *, git: bool = True
    ) -> tuple[str, list[DeckStats], list[str], int | None, str | None]:
        """The deck counts for `learner`, the log's skipped lines, the answers not yet
        synced (asked of git only with `git`, else as last shown), and why the log could
        not be read at all (None when it could). Runs in a thread when the app says so.
        Counts from a clean read are kept in the cached overview `entry`."""
        counted = self._count(learner)
        self._keep(entry, counted)
        stats, _states, warnings, error, _settings, _library, _now = counted
        pending = self._pending(learner) if git else self.unsynced
        return learner, stats, warnings, pending, error

    def _count(self, learner: str) -> _Counted:
        """The deck counts for `learner` now, from a replay of their logs."""
        from quiz.core.overview_cache import overview
        from quiz.core.store import StoreError

        app = self.quiz
        warnings: list[str] = []
        error: str | None = None
        now = app.clock()
        settings, library = app.settings, app.library
        try:
            states, warnings = app.states(learner)
        except StoreError as problem:
            states = {}
            error = str(problem)
        return overview(library, states, settings, now), states, warnings, error, settings, library, now

    def _count_from_snapshot(self, learner: str) -> _Counted | None:
        """`_count`, when the log's replay snapshot alone gives the states; else None."""
        from quiz.core.overview_cache import overview

        app = self.quiz
        now = app.clock()
        settings, library = app.settings, app.library
        try:
            found = app.snapshot_states(learner)
        except Exception:
            return None  # the snapshot is only a head start: the worker replays as ever
        if found is None:
            return None
        states, warnings = found
        return overview(library, states, settings, now), states, warnings, None, settings, library, now

    def _keep(self, entry: OverviewEntry | None, counted: _Counted) -> None:
        """Keep counts in the cached overview `entry`: only from a clean read with what the
        entry's key describes (the settings may have been changed meanwhile; `entry` was
        made for the learner counted)."""
        stats, states, warnings, error, settings, library, now = counted
        if (
            entry is not None
            and error is None
            and not warnings
            and entry.settings is settings is self.quiz.settings
            and entry.library is library
        ):
            entry.save(stats, states, now)

    def _compute_in_thread(self, learner: str, entry: OverviewEntry | None) -> None:
        """`_compute` in a worker, the counts shown as soon as they are known: keeping
        them in the cache and asking git what is not synced come after."""
        counted = self._count(learner)
        stats, _states, warnings, error, _settings, _library, _now = counted
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._read, learner, entry, (learner, stats, warnings, self.unsynced, error))
        self._keep(entry, counted)
        pending = self._pending(learner)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_pending, learner, pending)

    def _read(
        self,
        learner: str,
        entry: OverviewEntry | None,
        result: tuple[str, list[DeckStats], list[str], int | None, str | None],
    ) -> None:
        """The worker's counts are in: show them, and let the next refresh read again."""
        if entry is not None and self._reading == (learner, entry.key):
            self._reading = None
        self._show_stats(*result)

    def _show_stats(
        self,
        learner: str,
        stats: Sequence[DeckCounts],
        warnings: list[str],
        pending: int | None,
        error: str | None = None,
    ) -> None:
        """Put freshly computed counts on screen (unless the learner changed meanwhile)."""
        app = self.quiz
        if learner != app.learner:
            return
        self._show_pending(learner, pending)
        self.stats = [
            DeckRow(row.deck, row.title, row.description, row.total, row.new, row.due, row.learned)
            for row in stats
            if not row.is_total
        ]
        totals = next((row for row in stats if row.is_total), None)
        self._fill_table()
        settings = app.settings
        self.query_one("#home-totals", Static).update(
            Content.assemble(
                ("Today: ", "bold"),
                f"{totals.due} due, {totals.new} new (up to {settings.new_per_day} a day), "
                f"{totals.learned} learned of {totals.total} questions "
                f"in {len(self.deck_keys)} decks.",
            )
            if self.deck_keys and totals is not None
            else Content("No question banks loaded: pass --questions PATH.")
        )
        note = ""
        if error is not None:
            # Not "every question is new": the answers are there, they could not be read.
            note = (
                f"Your score log could not be read, so the counts above show every question as new: {error}. "
                "Nothing was changed; fix the file (or its permissions) and start quiz again."
            )
        elif warnings:
            note = f"{len(warnings)} line(s) of the score log were skipped: {warnings[0]}"
        self.query_one("#home-warnings", Static).update(literal(note))

    def _fill_table(self, *, counts: bool = True) -> None:
        """One row per deck: title and description (one line each, cut with an ellipsis).

        Without `counts` (the log is still being read) the number columns show "…".
        """
        table = self.query_one("#decks", DataTable)
        cursor = table.cursor_row
        had_decks = bool(self.deck_keys)
        table.clear(columns=True)
        self._table_width = self._deck_width()
        self._counted = counts
        table.add_column("Deck", width=self._table_width, key="deck")
        for label in ("Questions", "New", "Due today", "Learned"):
            table.add_column(label, key=label.lower())
        self.deck_keys = []
        for deck in self.stats:
            name = Text(safe(deck.title or deck.deck), style="bold", no_wrap=True, overflow="ellipsis")
            if deck.description:
                name.append("\n")
                name.append(Text(safe(deck.description), style="dim"))
            numbers = [deck.new, deck.due, deck.learned]
            table.add_row(
                name,
                Text(str(deck.total), justify="right"),
                *(Text(str(n) if counts else "…", justify="right") for n in numbers),
                key=deck.deck,
                height=2 if deck.description else 1,
            )
            self.deck_keys.append(deck.deck)
        if self.deck_keys:
            table.move_cursor(row=min(cursor, len(self.deck_keys) - 1))
        if bool(self.deck_keys) != had_decks:
            self.refresh_bindings()  # Enter, p and x need a deck

    @property
    def highlighted_deck(self) -> str | None:
        """The deck under the table's cursor."""
        table = self.query_one("#decks", DataTable)
        if not self.deck_keys:
            return None
        return self.deck_keys[max(0, min(table.cursor_row, len(self.deck_keys) - 1))]

    # ------------------------------------------------------------------ actions

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter (or a click) on a deck drills it."""
        event.stop()
        self.action_drill_deck()

    def action_drill_deck(self) -> None:
        """Drill the highlighted deck."""
        deck = self.highlighted_deck
        if deck is not None:
            self.quiz.start_session("drill", decks=(deck,), limit=self.quiz.options.limit)

    def action_drill_all(self) -> None:
        """Drill every deck: due reviews first, then new questions."""
        self.quiz.start_session("drill", limit=self.quiz.options.limit)

    def action_practice(self) -> None:
        """Practise the highlighted deck, due or not."""
        deck = self.highlighted_deck
        if deck is not None:
            self.quiz.start_session("practice", decks=(deck,))

    def action_practice_tag(self) -> None:
        """Ask for a tag, then practise every question that has it."""
        tags = library_tags(self.quiz.library)

        def check(text: str) -> str | None:
            if not text:
                return "Type a tag."
            problem = unknown_tag(text, self.quiz.library)
            return problem[:1].upper() + problem[1:] + "." if problem else None

        def start(tag: str | None) -> None:
            if tag:
                self.quiz.start_session("practice", tags=(tag,))

        shown = ", ".join(tags[:30]) + (", ..." if len(tags) > 30 else "")
        self.app.push_screen(
            PromptScreen(
                "Practise a tag",
                placeholder="tag",
                check=check,
                detail=f"Tags: {shown}" if tags else "No question has a tag.",
            ),
            start,
        )

    def action_exam(self) -> None:
        """An exam on the highlighted deck: no feedback until the end."""
        deck = self.highlighted_deck
        if deck is not None:
            self.quiz.start_session("exam", decks=(deck,), count=self.quiz.options.count)

    def action_history(self) -> None:
        """Open the learner's history."""
        self.quiz.open_history()

    def action_settings(self) -> None:
        """Open the Settings screen."""
        self.quiz.open_settings()

    def action_switch_learner(self) -> None:
        """Ask for a learner's name; a name that cannot be a folder name is refused."""

        from quiz.core.store import LearnerError, validate_learner

        def check(text: str) -> str | None:
            try:
                validate_learner(text)
            except (LearnerError, ValueError) as error:
                return str(error)
            return None

        def switch(name: str | None) -> None:
            if name:
                self.quiz.switch_learner(name)
                self.refresh_decks()
                self.notify(f"Now studying as {name}.", markup=False)

        self.app.push_screen(
            PromptScreen(
                "Switch learner",
                placeholder="your name",
                value=self.quiz.learner,
                check=check,
                detail="Scores are kept per learner, in a folder of that name.",
            ),
            switch,
        )

    def action_sync(self) -> None:
        """Send the learner's answers to the class repository (in a thread: git may be slow)."""
        self.query_one("#home-sync", Static).update("Syncing with the class repository...")
        self.run_worker(self._sync_in_thread, thread=True, exclusive=True, group="home-sync")

    def _sync_in_thread(self) -> None:
        from quiz.core.device import device_name
        from quiz.core.gitsync import GitError, sync

        app = self.quiz
        try:
            result = sync(app.options.scores_dir, app.learner, device_name())
            message = f"Synced: {result.committed} new answer(s) sent." if result.pushed else "Nothing to send yet."
            severity = "information"
        except GitError as error:
            message, severity = str(error), "error"
        self.app.call_from_thread(self._synced, message, severity)

    def _synced(self, message: str, severity: str) -> None:
        self.notify(message, title="Sync", severity=severity, markup=False)  # type: ignore[arg-type]
        self.refresh_decks()

    def action_class_report(self) -> None:
        """The class screen over the configured roster (its repositories are fetched first, in a thread)."""
        from quiz.tui.screens.class_fetch import ClassFetchScreen

        if self.quiz.roster is not None:
            self.app.push_screen(ClassFetchScreen(self.quiz.roster))

    def action_help(self) -> None:
        """Show the keys."""
        self.app.push_screen(HelpScreen("Keys on the home screen", HOME_KEYS))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("drill_deck", "practice", "exam"):
            return True if self.deck_keys else None
        if action == "sync":
            return self.unsynced is not None
        if action == "class_report":
            return self.quiz.roster is not None
        return True
