"""The plain line mode: a drill as a dialogue of lines on stdin and stdout.

For screen readers, pipes and slow links: no cursor movement, no redraws, no colour
unless asked. It drives `quiz.core.session.Session` exactly as the TUI's drill screen
does: `answer()` (which logs and fsyncs before returning), `next()`, `undo()`,
`rerate()`, `skip()` and `summary()`, with `hinted` set when the hint was shown and
`elapsed` measured from the moment the question was shown. Nothing here grades or
schedules.

Commands are words (`WORDS`), each allowed in some phases of a question:

- asking: the question is shown and waits for an answer;
- revealed: a card whose answer is shown waits for the learner's grade;
- feedback: only with `--wait`: the feedback is shown and Enter goes on.

A new word (say, "dunno" or "suspend") is a row in `WORDS` and a `do_` method here.
An empty line is never an answer; a line starting with a backslash is always an
answer (`\\skip` answers "skip"). End of input ends the session like `quit`:
every answer given so far is already in the log.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TextIO, cast

from fsrs import Rating

from quiz.cli.plain_input import Refused, parse_answer, parse_card_grade
from quiz.cli.plain_text import (
    MODE_NAMES,
    Paint,
    card_answer_lines,
    feedback_lines,
    instruction,
    question_lines,
    safe,
    summary_lines,
)
from quiz.core.grading import NotAnAnswer, Response
from quiz.core.model import CardQuestion, Library
from quiz.core.scheduling import Clock, Settings, utc_now
from quiz.core.session import Mode, Presented, Session
from quiz.core.store import Store, StoreError
from quiz.tui.text import plural

Phase = Literal["asking", "revealed", "feedback"]
ALL_PHASES: frozenset[Phase] = frozenset(("asking", "revealed", "feedback"))


@dataclass(frozen=True)
class Word:
    """A command typed as a word: its names, when it applies, and what it does."""

    names: tuple[str, ...]
    phases: frozenset[Phase]
    help: str
    action: str
    """The `PlainDrill.do_<action>` method that runs it."""


WORDS: tuple[Word, ...] = (
    Word(("hint",), frozenset({"asking"}), "show the hint (the answer then counts as hinted: Hard at best)", "hint"),
    Word(("show",), frozenset({"asking"}), "card: show the answer, then grade yourself 1 to 4", "show"),
    Word(
        ("skip",),
        frozenset({"asking", "revealed"}),
        "leave this question for another session (nothing is saved for it)",
        "skip",
    ),
    Word(("undo",), ALL_PHASES, "cancel your last answer and answer that question again", "undo"),
    Word(("easy",), frozenset({"feedback"}), "after a right answer: it was easy (rated Easy)", "easy"),
    Word(("guessed",), frozenset({"feedback"}), "after a right answer: I guessed (rated Hard)", "guessed"),
    Word(
        ("suspend",),
        frozenset({"feedback"}),
        "after an answer: leave this question out of every session until you unsuspend it",
        "suspend",
    ),
    Word(("bury",), frozenset({"feedback"}), "after an answer: leave this question out until tomorrow", "bury"),
    Word(("help", "?"), ALL_PHASES, "this help", "help"),
    Word(("quit", "exit"), ALL_PHASES, "end the session (every answer so far is saved)", "quit"),
)
_BY_NAME = {name: word for word in WORDS for name in word.names}


class LineIO:
    """Lines out, lines in; the typed line is echoed when input is not a terminal.

    Never uses `readline`, which may write terminal escape sequences (bracketed paste).
    """

    def __init__(self, stdin: TextIO | None, stdout: TextIO, stderr: TextIO) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.echo = not _isatty(stdin)

    def say(self, *lines: str) -> None:
        """Print lines and flush, so a reader (or a pipe) gets them at once."""
        for line in lines:
            self.stdout.write(line + "\n")
        self.stdout.flush()

    def warn(self, line: str) -> None:
        """A warning on stderr."""
        self.stderr.write(f"quiz: {line}\n")
        self.stderr.flush()

    def ask(self, prompt: str) -> str | None:
        """Show `prompt` and read one line; None at the end of input."""
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline() if self.stdin is not None else ""
        if not line:
            self.stdout.write("\n")
            self.stdout.flush()
            return None
        line = line.rstrip("\r\n")
        if self.echo:
            self.stdout.write(safe(line) + "\n")
            self.stdout.flush()
        return line


def _isatty(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


class PlainDrill:
    """One session as a dialogue: ask, read, answer or obey, until done."""

    def __init__(
        self,
        session: Session,
        library: Library,
        io: LineIO,
        *,
        paint: Paint | None = None,
        wait: bool = False,
        clock: Clock = utc_now,
    ) -> None:
        self.session = session
        self.library = library
        self.io = io
        self.paint = paint or Paint()
        self.wait = wait
        """Stay on the feedback until Enter (then `easy`, `guessed` apply to it)."""
        self.clock = clock
        self.phase: Phase = "asking"
        self.presented: Presented | None = None
        self.hinted = False
        self.shown_at: datetime | None = None
        self.skipped = 0
        self.done = False

    @property
    def exam(self) -> bool:
        """Exams show no feedback and offer no hint or undo, as in the TUI."""
        return self.session.is_exam

    # ------------------------------------------------------------------ the loop

    def run(self) -> int:
        """The whole session; 0 when it finished or was left, 130 on Ctrl+C."""
        session = self.session
        for warning in session.warnings:
            self.io.warn(safe(warning))
        if session.current is None:
            what = "due or new" if session.mode == "drill" else "to ask"
            self.io.say(f"Nothing {what} here right now. Come back later, or practise a deck instead.")
            return 0
        name = MODE_NAMES.get(session.mode, "Session")
        self.io.say(
            f"{name} for {safe(session.store.learner)}: {plural(session.size, 'question')}. "
            "Type help for the commands, quit to stop. Every answer is saved as you give it."
        )
        if session.exam_plan is not None:
            self.io.say(
                f"Following the plan for the exam on {session.exam_plan.isoformat()}: new questions early "
                "enough, every question reviewed before the exam (quiz plan shows the days)."
            )
        if session.mode == "practice" and session.cram is not False:
            self.io.say(
                "Cram: answers are saved and counted, but your schedule does not move for "
                + ("any of them." if session.cram else "questions not yet due.")
            )
        self.ask(session.current)
        try:
            while not self.done:
                line = self.io.ask(self.prompt())
                if line is None:
                    self.finish(early=not session.finished)
                    break
                self.handle(line)
        except KeyboardInterrupt:
            self.io.say("")
            self.finish(early=True)
            return 130
        return 0

    def prompt(self) -> str:
        """What the next line is for."""
        if self.phase == "revealed":
            return "Grade: "
        if self.phase == "feedback":
            return "Enter for the next question: "
        return "Answer: "

    def ask(self, presented: Presented | None) -> None:
        """Show this question (or the summary when there is none)."""
        if presented is None:
            self.finish(early=False)
            return
        self.presented = presented
        self.phase = "asking"
        self.hinted = False
        self.shown_at = self.clock()
        lines = question_lines(
            presented,
            self.library,
            self.session.progress,
            self.paint,
            hint_available=self.hint_refusal() is None,
        )
        self.io.say(*lines)

    def handle(self, line: str) -> None:
        """One line: a command word, an answer, or a reason to ask again."""
        text = line.strip()
        if not text:
            if self.phase == "feedback":
                self.go_on()
            else:
                self.io.say("An empty line is not an answer: type your answer, or help.")
            return
        if text.startswith("\\"):
            self.answer(text[1:])
            return
        word = _BY_NAME.get(text.casefold())
        if word is not None:
            problem = self.refusal(word)
            if problem:
                self.io.say(problem)
            else:
                cast(Callable[[], None], getattr(self, f"do_{word.action}"))()
            return
        if self.phase == "feedback":
            self.io.say("Press Enter for the next question, or type easy, guessed, suspend, bury, undo, help or quit.")
            return
        self.answer(text)

    # ------------------------------------------------------------------ answers

    def answer(self, text: str) -> None:
        """Read the line as an answer, hand it to the session, show what came back."""
        presented = self.presented
        if presented is None:
            return
        question = presented.question
        try:
            if isinstance(question, CardQuestion):
                if self.phase != "revealed":
                    raise Refused("Recall the answer first, then type show to see it and grade yourself.")
                response: Response = parse_card_grade(text)
            else:
                response = parse_answer(presented, text)
        except Refused as refused:
            self.io.say(str(refused))
            return
        now = self.clock()
        elapsed = (now - self.shown_at).total_seconds() if self.shown_at else None
        try:
            feedback = self.session.answer(response, hinted=self.hinted, elapsed=elapsed)
        except NotAnAnswer as refused:  # "banana" to a number question: nothing logged, ask again
            self.io.say(str(refused))
            return
        except StoreError as error:
            self.io.say(
                f"Your answer could not be saved: {safe(str(error))}",
                "Free some space or fix the folder's permissions, then answer again.",
            )
            return
        if self.exam:
            self.io.say("Saved.")
            self.go_on()
            return
        self.io.say(*feedback_lines(feedback, self.clock(), self.paint, presented.choices))
        if self.wait:
            self.phase = "feedback"
        else:
            self.go_on()

    def go_on(self) -> None:
        """The next question."""
        self.ask(self.session.next())

    def finish(self, *, early: bool) -> None:
        """The summary (if anything was answered); the dialogue ends."""
        self.done = True
        summary = self.session.summary()
        if summary.answered or self.skipped:
            self.io.say(*summary_lines(summary, self.paint, finished=not early, skipped=self.skipped))
        else:
            self.io.say("Nothing answered this time.")

    # ------------------------------------------------------------------ words

    def hint_refusal(self) -> str | None:
        """Why the hint cannot be shown now, or None when it can."""
        if self.exam:
            return "No hints in an exam."
        if self.presented is None or not self.presented.question.hint:
            return "This question has no hint."
        if self.hinted:
            return "The hint is shown above."
        return None

    def refusal(self, word: Word) -> str | None:
        """Why `word` does nothing now, or None when it applies."""
        if self.phase not in word.phases:
            if word.action in ("easy", "guessed"):
                return "Easy and guessed apply after an answer's feedback, with --wait."
            if word.action in ("suspend", "bury"):
                return "Suspend and bury apply after an answer's feedback, with --wait."
            if self.phase == "feedback":
                return "That applies to a question: press Enter for the next one first."
            if self.phase == "revealed" and word.action == "show":
                return "The answer is shown above: grade yourself 1 to 4."
            return f"Type {word.names[0]} when it applies; help lists the commands."
        presented = self.presented
        card = presented is not None and isinstance(presented.question, CardQuestion)
        if word.action == "hint":
            return self.hint_refusal()
        if word.action == "show" and not card:
            return "Only a card has an answer to show; type your answer."
        if word.action == "undo":
            if self.exam:
                return "Exam answers are final; there is no undo in an exam."
            if not self.session.can_undo:
                return "There is no answer of this session to undo."
        if word.action in ("easy", "guessed"):
            feedback = self.session.feedback
            if feedback is None or feedback.question.type == "card":
                return "A card's grade is your own: nothing to change."
            if not feedback.outcome.correct:
                return "Only a right answer can be marked easy or guessed."
        if word.action in ("suspend", "bury") and not self.session.can_flag:
            return "This question is already suspended or buried (undo takes that back)."
        return None

    def do_hint(self) -> None:
        """Show the hint; the answer will count as hinted."""
        if self.presented is not None and self.presented.question.hint:
            self.hinted = True
            self.io.say(f"Hint: {safe(self.presented.question.hint)}")

    def do_show(self) -> None:
        """Reveal a card's answer."""
        if self.presented is not None and isinstance(self.presented.question, CardQuestion):
            self.phase = "revealed"
            self.io.say(*card_answer_lines(self.presented.question))

    def do_skip(self) -> None:
        """Leave this question for another session."""
        self.skipped += 1
        self.io.say("Skipped: nothing saved for that question.")
        self.ask(self.session.skip())

    def do_undo(self) -> None:
        """Cancel the last answer and ask its question again."""
        try:
            presented = self.session.undo()
        except StoreError as error:
            self.io.say(f"Could not undo: {safe(str(error))}")
            return
        self.io.say("Your last answer is cancelled: answer it again.")
        self.ask(presented)

    def _rerate(self, rating: Rating, word: str) -> None:
        try:
            self.session.rerate(rating)
        except StoreError as error:
            self.io.say(f"Could not save the new rating: {safe(str(error))}")
            return
        self.io.say(f"Marked as {word}: rated {rating.name}.")

    def do_easy(self) -> None:
        """The right answer was easy."""
        self._rerate(Rating.Easy, "easy")

    def do_guessed(self) -> None:
        """The right answer was a guess."""
        self._rerate(Rating.Hard, "a guess")

    def _flag(self, word: str) -> None:
        """Suspend or bury the question whose feedback is showing (logged), then go on."""
        feedback = self.session.feedback
        if feedback is None:
            return
        key = feedback.question.key
        try:
            if word == "suspend":
                self.session.suspend(reason="leech" if feedback.leech else None)
            else:
                self.session.bury()
        except StoreError as error:
            self.io.say(f"Could not save that: {safe(str(error))}")
            return
        if word == "suspend":
            self.io.say(f"Suspended: left out until `quiz history --unsuspend {safe(key)}` (undo takes it back now).")
        else:
            self.io.say("Buried until tomorrow (undo takes it back now).")
        self.go_on()

    def do_suspend(self) -> None:
        """Leave the question out of every session until unsuspended."""
        self._flag("suspend")

    def do_bury(self) -> None:
        """Leave the question out until the learner's next day."""
        self._flag("bury")

    def do_help(self) -> None:
        """The commands that apply now, and how to answer this question."""
        lines = ["Commands (type the word, then Enter):"]
        for word in WORDS:
            if self.refusal(word) is None or word.action in ("hint", "undo"):
                lines.append(f"  {' or '.join(word.names)}: {word.help}")
        if self.presented is not None and self.phase == "asking":
            lines.append(f"To answer: {instruction(self.presented)}")
        lines.append("An empty line is never an answer. To answer with one of these words, start with \\ (\\skip).")
        self.io.say(*lines)

    def do_quit(self) -> None:
        """End here; everything answered is already saved."""
        self.finish(early=not self.session.finished)


# ---------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class Setup:
    """What a line-mode run needs to open sessions: the library and where scores go."""

    library: Library
    store: Store
    settings: Settings
    paint: Paint
    wait: bool = False
    seed: int | None = None
    clock: Clock = utc_now
    cram: bool | None = None
    """Practice: True every answer is cram (`--cram`), False none (`--reschedule`), None those not yet due."""
    exam: date | None = None
    """Drill: follow the plan for this exam day (`--exam`; None: the `exam_date` setting, if any)."""
    shuffle: bool = False
    """Practice: ask in a random order (`--shuffle`)."""

    def session(
        self,
        mode: str,
        *,
        decks: Sequence[str] = (),
        tags: Sequence[str] = (),
        limit: int | None = None,
        count: int | None = None,
    ) -> Session:
        """A session as the TUI's `QuizApp.new_session` makes one (may raise StoreError)."""
        return Session(
            self.library,
            self.store,
            self.settings,
            mode=cast(Mode, mode),
            decks=tuple(decks) or None,
            tags=tuple(tags) or None,
            limit=limit,
            count=count,
            clock=self.clock,
            rng=random.Random(self.seed),
            cram=self.cram if mode == "practice" else None,
            exam=self.exam if mode == "drill" else None,
            shuffle=self.shuffle if mode == "practice" else False,
        )


def run_session(
    setup: Setup,
    io: LineIO,
    mode: str,
    *,
    decks: Sequence[str] = (),
    tags: Sequence[str] = (),
    limit: int | None = None,
    count: int | None = None,
) -> int:
    """Open one session and hold its dialogue; the exit status."""
    try:
        session = setup.session(mode, decks=decks, tags=tags, limit=limit, count=count)
    except (StoreError, ValueError) as error:
        io.warn(f"cannot start: {safe(str(error))}")
        return 1
    drill = PlainDrill(session, setup.library, io, paint=setup.paint, wait=setup.wait, clock=setup.clock)
    return drill.run()
