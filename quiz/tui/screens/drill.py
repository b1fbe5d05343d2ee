"""Asking questions one at a time: drill, practice and exam share this screen.

Two phases: *asking* (the question widget has the focus and its keys; F3 "I don't
know" shows the answer, logged as wrong) and *feedback* (Enter/Space goes on, `e`
easy, `g` guessed, `r` "I was right" for a wrong verdict, `u` undo). Escape,
`q` and Ctrl+C leave after a confirmation. In an exam there is no
feedback phase: each answer is saved and the next unanswered question follows;
Ctrl+N skips a question, Ctrl+F flags it, Ctrl+L opens the answer sheet (go back
to any question, or hand in), and a time limit shows as a countdown.
Every answer is in the score log before its feedback appears (`Session.answer`
appends and fsyncs first), which is why leaving never loses anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar, Literal

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, ProgressBar, Static

from quiz.core.exam import ExamSession
from quiz.core.grading import NotAnAnswer, Response
from quiz.core.session import Feedback, Presented, Session
from quiz.core.store import StoreError
from quiz.tui.screens.confirm import ConfirmScreen
from quiz.tui.screens.help import DRILL_KEYS, HelpScreen
from quiz.tui.screens.message import MessageScreen
from quiz.tui.widgets.base import Answered, literal
from quiz.tui.widgets.factory import widget_for
from quiz.tui.widgets.feedback import FeedbackView

if TYPE_CHECKING:
    from quiz.tui.app import QuizApp

Phase = Literal["asking", "feedback"]

MODE_NAMES = {"drill": "Drill", "practice": "Practice", "exam": "Exam"}


class DrillScreen(Screen[None]):
    """One session, question after question, until the session says it is finished."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave"),
        Binding("q", "leave", "Leave", show=False),
        # Priority: an answer field would otherwise take Ctrl+C as "copy".
        Binding("ctrl+c", "leave", "Leave", show=False, priority=True),
        Binding("f3", "reveal", "I don't know"),
        Binding("h", "hint", "Hint"),
        Binding("f2", "hint_in_input", "Hint"),
        Binding("enter,space", "continue", "Continue"),
        Binding("e", "rerate(4)", "Easy"),
        Binding("g", "rerate(2)", "I guessed"),
        Binding("r", "override", "I was right"),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("ctrl+n", "skip", "Skip"),
        Binding("ctrl+f", "flag", "Flag"),
        Binding("ctrl+l", "sheet", "Answer sheet"),
        Binding("question_mark", "help", "Help"),
        Binding("f1", "help_in_input", "Help"),
    ]

    def __init__(self, session: Session, mode: str, title: str) -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.title_text = title
        self.phase: Phase = "asking"
        self.presented: Presented | None = None
        self.feedback: Feedback | None = None
        self.hinted = False
        self.shown_at: datetime | None = None

    @property
    def quiz(self) -> QuizApp:
        """The app, typed."""
        from quiz.tui.app import QuizApp

        assert isinstance(self.app, QuizApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="progress-row"):
            yield ProgressBar(show_eta=False, show_percentage=False, id="progress")
            yield Static("", id="progress-text", markup=False)
            yield Static("", id="countdown", markup=False)
        yield Static("", id="deck-line", markup=False)
        with VerticalScroll(id="body"):
            yield Static("", id="prompt", markup=False)
            yield Static("", id="hint", markup=False)
            yield Vertical(id="question-area")
            yield FeedbackView("", id="feedback")
        with Horizontal(id="drill-buttons"):
            yield Button("Hint (h, F2)", id="hint-button", compact=True)
            yield Button("I don't know (F3)", id="reveal-button", compact=True)
            yield Button("I was right (r)", id="override-button", compact=True)
            yield Button("Continue (Enter)", id="continue-button", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.title = self.title_text
        self.sub_title = self.quiz.learner
        plan = self.session.exam_plan
        if plan is not None:  # `quiz drill --exam` or the exam_date setting: say so, one line
            self.sub_title = f"{self.quiz.learner} · exam plan for {plan.isoformat()}"
        exam = self.exam
        self.query_one("#countdown", Static).display = bool(exam and exam.deadline)
        if exam is not None and exam.deadline is not None:
            self._tick()
            self.set_interval(1.0, self._tick)
        await self.show(self.session.current)

    @property
    def exam(self) -> ExamSession | None:
        """The session, when it is an exam with a sheet (skip, flag, go back, time limit)."""
        return self.session if isinstance(self.session, ExamSession) else None

    # ------------------------------------------------------------------ phases

    async def show(self, presented: Presented | None) -> None:
        """Ask this question, or end the session when there is none."""
        if presented is None:
            self.finish()
            return
        self.presented = presented
        self.feedback = None
        self.phase = "asking"
        self.hinted = False
        self.shown_at = self.quiz.clock()
        question = presented.question
        self._update_progress()
        bank = self.quiz.library.bank(question.deck)
        deck = bank.title if bank else question.deck
        self._update_deck_line(deck, presented)
        prompt = self.query_one("#prompt", Static)
        prompt.update(literal(question.prompt))
        prompt.display = bool(question.prompt)  # a cloze may have only its text
        hint = self.query_one("#hint", Static)
        hint.update("")
        hint.remove_class("-shown")
        feedback = self.query_one("#feedback", FeedbackView)
        feedback.remove_class("-shown")
        area = self.query_one("#question-area", Vertical)
        await area.remove_children()
        widget = widget_for(presented)
        await area.mount(widget)
        widget.focus_first()
        self.query_one("#body", VerticalScroll).scroll_home(animate=False)
        self._update_buttons()
        self.refresh_bindings()

    def _update_deck_line(self, deck: str, presented: Presented) -> None:
        """Deck, place and type; in an exam also "of N", answered and flagged."""
        marks = ""
        exam = self.exam
        if exam is not None:
            index = presented.number - 1
            marks += f" of {exam.size}"
            if exam.answered(index):
                marks += "  ·  answered (a new answer replaces it)"
            if index in exam.flagged:
                marks += "  ·  ⚑ flagged"
        self.query_one("#deck-line", Static).update(
            Content.assemble(literal(deck), f"  ·  question {presented.number}{marks}  ·  {presented.question.type}")
        )

    def _update_progress(self) -> None:
        """The bar counts distinct questions; the text adds Anki's new/learning/review."""
        session = self.session
        done = session.questions_done
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(1, session.size), progress=min(done, session.size))
        if self.mode == "exam":
            answered, _ = session.progress
            text = f"{answered} of {session.size} answered"
        else:
            counts = session.counts
            text = (
                f"{done} of {session.size} done · new {counts.new} · "
                f"learning {counts.learning} · review {counts.review}"
            )
        self.query_one("#progress-text", Static).update(text)

    def _update_buttons(self) -> None:
        hint_button = self.query_one("#hint-button", Button)
        hint_button.display = self.phase == "asking" and self._has_hint()
        hint_button.disabled = self.hinted
        self.query_one("#continue-button", Button).display = self.phase == "feedback"
        self.query_one("#reveal-button", Button).display = self.phase == "asking" and self.mode != "exam"
        self.query_one("#override-button", Button).display = self.phase == "feedback" and self.session.can_override

    def _has_hint(self) -> bool:
        """A hint exists and may be shown (never in an exam)."""
        return self.mode != "exam" and bool(self.presented and self.presented.question.hint)

    async def on_answered(self, message: Answered) -> None:
        """Grade and save the answer; show feedback (or, in an exam, the next question)."""
        message.stop()
        await self.submit(message.response)

    async def submit(self, response: Response) -> None:
        """Hand the response to the session; a failed save keeps the question on screen."""
        if self.phase != "asking" or self.presented is None:
            return
        now = self.quiz.clock()
        elapsed = (now - self.shown_at).total_seconds() if self.shown_at else None
        try:
            feedback = self.session.answer(response, hinted=self.hinted, elapsed=elapsed)
        except NotAnAnswer as error:
            # Not graded, not logged: say what is expected and keep the question.
            self.notify(str(error), title="Not an answer", severity="warning", markup=False)
            return
        except StoreError as error:
            self.app.push_screen(
                MessageScreen(
                    "Your answer could not be saved",
                    f"{error}\n\nThe question stays on screen: free some space or fix "
                    "the folder's permissions, then answer again.",
                )
            )
            return
        if self.mode == "exam":
            await self._exam_next()
            return
        await self._enter_feedback(feedback)

    async def _exam_next(self) -> None:
        """On to the next unanswered question; the answer sheet when there is none."""
        exam = self.exam
        if exam is None:
            await self.show(self.session.next())
            return
        index = exam.next_unanswered()
        if index is None:
            self.action_sheet()
            return
        await self.show(exam.goto(index))

    async def _enter_feedback(self, feedback: Feedback) -> None:
        """Swap the question for its feedback."""
        self.feedback = feedback
        self.phase = "feedback"
        self._show_feedback()
        area = self.query_one("#question-area", Vertical)
        await area.remove_children()
        self.query_one("#body", VerticalScroll).focus()
        self._update_buttons()
        self.refresh_bindings()

    def _show_feedback(self) -> None:
        if self.feedback is None or self.presented is None:
            return
        self._update_progress()
        view = self.query_one("#feedback", FeedbackView)
        view.show(self.feedback, self.quiz.clock(), self.presented.choices)
        view.add_class("-shown")

    def finish(self, *, early: bool = False) -> None:
        """Replace this screen with the session's summary (`early`: the learner left)."""
        from quiz.tui.screens.summary import SummaryScreen

        exam = self.exam
        if exam is not None and not exam.submitted:
            exam.submit()
        while self.app.screen is not self:
            self.app.pop_screen()  # a sheet or a confirmation left open at time-up

        summary = SummaryScreen(self.session.summary(), self.mode, self.title_text, finished=not early)
        self.app.switch_screen(summary)

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        asking = self.phase == "asking"
        typing = isinstance(self.focused, Input)
        # A question without a hint shows no Hint key at all; a used hint greys it out.
        if action == "hint":
            if typing or not asking or not self._has_hint():
                return False
            return None if self.hinted else True
        if action == "hint_in_input":
            if not (typing and asking) or not self._has_hint():
                return False
            return None if self.hinted else True
        if action == "help":
            return not typing
        if action == "help_in_input":
            return typing
        if action == "continue":
            return not asking
        if action == "rerate":
            if asking:
                return False
            feedback = self.feedback
            if feedback is None or feedback.question.type == "card":
                return False  # a card's grade is the learner's own: nothing to re-rate
            return True if feedback.outcome.correct else None
        if action == "undo":
            if asking:
                return False
            return True if self.session.can_undo else None
        if action in ("suspend", "bury"):
            if asking or self.mode == "exam":
                return False
            return True if self.session.can_flag else None
        if action == "reveal":
            return asking and self.mode != "exam"
        if action in ("skip", "flag", "sheet"):
            return self.exam is not None
        if action == "override":
            return not asking and self.session.can_override
        return True

    def on_descendant_focus(self) -> None:
        """The focus moving in or out of an Input changes which keys are commands."""
        self.refresh_bindings()

    def action_hint(self) -> None:
        """Show the hint; the answer will count as hinted (rated Hard at best)."""
        text = self.presented.question.hint if self.presented else None
        if not text or not self._has_hint() or self.hinted:
            return
        self.hinted = True
        hint = self.query_one("#hint", Static)
        hint.update(Content.assemble(("Hint: ", "bold"), literal(text)))
        hint.add_class("-shown")
        self._update_buttons()
        self.refresh_bindings()

    def action_hint_in_input(self) -> None:
        """The hint, from a key that cannot be typed into an answer."""
        self.action_hint()

    async def action_continue(self) -> None:
        """Go on to the next question."""
        if self.phase == "feedback":
            await self.show(self.session.next())

    def action_rerate(self, rating: int) -> None:
        """After feedback: `e` it was easy, `g` I guessed."""
        if self.phase != "feedback":
            return
        try:
            self.feedback = self.session.rerate(rating)
        except StoreError as error:
            self.app.push_screen(MessageScreen("Could not save the new rating", str(error)))
            return
        self._show_feedback()
        word = "easy" if rating == 4 else "a guess"
        self.notify(f"Marked as {word}.")

    def action_suspend(self) -> None:
        """After feedback: leave this question out of every session until unsuspended (history)."""
        self._flag("suspend")

    def action_bury(self) -> None:
        """After feedback: leave this question out until tomorrow."""
        self._flag("bury")

    def _flag(self, kind: str) -> None:
        if self.phase != "feedback" or not self.session.can_flag:
            return
        try:
            if kind == "suspend":
                leech = self.feedback is not None and self.feedback.leech
                self.session.suspend(reason="leech" if leech else None)
            else:
                self.session.bury()
        except StoreError as error:
            self.app.push_screen(MessageScreen(f"Could not {kind} the question", str(error)))
            return
        if kind == "suspend":
            self.notify("Suspended until you unsuspend it from your history. Undo (u) takes it back.")
        else:
            self.notify("Buried until tomorrow. Undo (u) takes it back.")
        self.refresh_bindings()

    async def action_reveal(self) -> None:
        """ "I don't know": show the answer; it is logged as wrong, without a guess."""
        if self.phase != "asking" or self.mode == "exam" or self.presented is None:
            return
        now = self.quiz.clock()
        elapsed = (now - self.shown_at).total_seconds() if self.shown_at else None
        try:
            feedback = self.session.reveal(elapsed=elapsed)
        except StoreError as error:
            self.app.push_screen(MessageScreen("Could not save", str(error)))
            return
        await self._enter_feedback(feedback)

    def action_override(self) -> None:
        """ "I was right": count a wrong verdict as right (logged, shown as overridden)."""
        if self.phase != "feedback" or not self.session.can_override:
            return
        try:
            self.feedback = self.session.override()
        except StoreError as error:
            self.app.push_screen(MessageScreen("Could not save the new verdict", str(error)))
            return
        self._show_feedback()
        self._update_buttons()
        self.refresh_bindings()
        self.notify("Counted as right.")

    async def action_skip(self) -> None:
        """Exam: leave this question unanswered for now and go to the next one."""
        exam = self.exam
        if exam is None or exam.submitted:
            return
        here = exam.position
        index = exam.next_unanswered()
        if index is None or index == here:
            self.action_sheet()
            return
        await self.show(exam.goto(index))

    def action_flag(self) -> None:
        """Exam: flag (or unflag) this question to check before handing in."""
        exam = self.exam
        if exam is None or exam.submitted or self.presented is None:
            return
        exam.flag()  # the deck line says "⚑ flagged"; the answer sheet (Ctrl+L) lists it
        bank = self.quiz.library.bank(self.presented.question.deck)
        self._update_deck_line(bank.title if bank else self.presented.question.deck, self.presented)

    def action_sheet(self) -> None:
        """Exam: the answer sheet, to go back to a question or hand the exam in."""
        from quiz.tui.screens.exam_sheet import SUBMIT, ExamSheetScreen

        exam = self.exam
        if exam is None or exam.submitted:
            return

        async def chosen(index: int | None) -> None:
            if exam.submitted:
                return
            if index == SUBMIT:
                exam.submit()
                self.finish()
            elif index is not None:
                await self.show(exam.goto(index))

        left = exam.time_left(self.quiz.clock())
        self.app.push_screen(ExamSheetScreen(exam.rows(), time_left=_countdown(left) if left else ""), chosen)

    def _tick(self) -> None:
        """Exam with a time limit: update the countdown; at zero, hand in what is answered."""
        exam = self.exam
        if exam is None or exam.submitted:
            return
        left = exam.time_left(self.quiz.clock())
        if left is None:
            return
        self.query_one("#countdown", Static).update(_countdown(left))
        if left <= timedelta(0) and self.is_attached:
            exam.submit(timed_out=True)
            self.notify("Time is up: your answers are handed in.", title="Exam", markup=False)
            self.finish()

    async def action_undo(self) -> None:
        """Cancel the last answer and ask its question again."""
        if self.phase != "feedback":
            return
        try:
            presented = self.session.undo()
        except StoreError as error:
            self.app.push_screen(MessageScreen("Could not undo", str(error)))
            return
        self.notify("Answer undone: try again.")
        await self.show(presented)

    def action_leave(self) -> None:
        """Ask before leaving; nothing is lost either way.

        After at least one answer the summary of this session comes first, then home.
        """

        def leave(yes: bool | None) -> None:
            if not yes:
                return
            if self.exam is not None and self.exam.submitted:
                return  # time ran out while the question was open
            if self.session.progress[0]:
                self.finish(early=True)
            else:
                self.dismiss(None)

        done, _ = self.session.progress
        self.app.push_screen(
            ConfirmScreen(
                f"Leave this {MODE_NAMES.get(self.mode, 'session').lower()}?",
                f"Every answer so far is saved ({done} this session).",
            ),
            leave,
        )

    def action_help(self) -> None:
        """Show the keys."""
        self.app.push_screen(HelpScreen("Keys while answering", DRILL_KEYS))

    def action_help_in_input(self) -> None:
        """Help, from a key that cannot be typed into an answer."""
        self.action_help()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "hint-button":
            event.stop()
            self.action_hint()
        elif event.button.id == "continue-button":
            event.stop()
            await self.action_continue()
        elif event.button.id == "reveal-button":
            event.stop()
            await self.action_reveal()
        elif event.button.id == "override-button":
            event.stop()
            self.action_override()


def _countdown(left: timedelta) -> str:
    """`⏱ 12:05 left` (hours shown when there are any)."""
    seconds = max(0, int(left.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"
    return f"⏱ {clock} left"
