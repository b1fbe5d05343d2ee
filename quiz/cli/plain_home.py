"""The home screen in the plain line mode: the decks as lines, and a choice typed as words.

What `quiz` shows when it cannot draw a screen (stdout not a terminal, `TERM=dumb`)
or is asked to with `--plain`: the decks with their new, due and learned counts,
then a prompt. A deck's number drills it; `all` drills every deck; `practice N`
and `exam [N]` as on the TUI's home screen. After a session the decks are shown
again with fresh counts; `quit` or the end of input leaves.
"""

from __future__ import annotations

from quiz.cli.plain import LineIO, Setup, run_session
from quiz.cli.plain_text import safe
from quiz.core.replay_cache import replay_log
from quiz.core.scheduling import Scheduler
from quiz.core.session import DeckStats, overview
from quiz.core.store import StoreError

HOME_HELP = (
    "Type a deck's number to drill it (due reviews first, then new questions),",
    "  all to drill every deck,",
    "  practice N to practise deck N now, whatever is due,",
    "  exam for 10 questions from every deck without feedback until the end, exam N for deck N,",
    "  quit to leave.",
)


def deck_lines(stats: list[DeckStats]) -> list[str]:
    """One line a deck, then the totals, all in words."""
    lines = []
    for number, row in enumerate((row for row in stats if not row.is_total), start=1):
        lines.append(
            f"{number}. {safe(row.title)}: {row.total} questions, {row.new} new, {row.due} due, {row.learned} learned."
        )
    total = next((row for row in stats if row.is_total), None)
    if total is not None:
        lines.append(f"All decks: {total.total} questions, {total.new} new, {total.due} due, {total.learned} learned.")
    return lines


def run_home(setup: Setup, io: LineIO) -> int:
    """The menu, until quit or the end of input; 130 on Ctrl+C."""
    decks = [bank.deck for bank in setup.library.banks]
    try:
        while True:
            warnings: list[str] = []
            try:
                # Every log of the learner (all devices' files), as the TUI's home screen reads them.
                replayer = replay_log(
                    setup.store.logs(), Scheduler(setup.settings), on_warning=warnings.append, now=setup.clock()
                )
            except StoreError as error:
                io.warn(safe(str(error)))
                return 1
            stats = overview(setup.library, replayer.states, setup.settings, setup.clock())
            io.say("", f"quiz, plain line mode. Learner: {safe(setup.store.learner)}.", *deck_lines(stats))
            io.say("Type a deck's number, all, practice N, exam, help or quit.")
            while True:
                line = io.ask("Choice: ")
                if line is None:
                    return 0
                words = line.strip().casefold().split()
                if not words:
                    continue
                if words[0] in ("quit", "exit", "q"):
                    return 0
                if words[0] in ("help", "?"):
                    io.say(*HOME_HELP)
                    continue
                chosen = _choose(words, decks)
                if isinstance(chosen, str):
                    io.say(chosen)
                    continue
                mode, picked = chosen
                code = run_session(setup, io, mode, decks=picked)
                if code:
                    return code
                break
    except KeyboardInterrupt:
        io.say("")
        return 130


def _choose(words: list[str], decks: list[str]) -> tuple[str, list[str]] | str:
    """(mode, decks) for a typed choice, or a message saying what to type."""

    def deck(number: str) -> list[str] | None:
        if number.isdigit() and 1 <= int(number) <= len(decks):
            return [decks[int(number) - 1]]
        return None

    head, rest = words[0], words[1:]
    if head in ("all", "drill") and not rest:
        return "drill", []
    if head == "drill" and len(rest) == 1 and (picked := deck(rest[0])):
        return "drill", picked
    if len(words) == 1 and (picked := deck(head)):
        return "drill", picked
    if head == "practice" and len(rest) == 1 and (picked := deck(rest[0])):
        return "practice", picked
    if head == "exam" and not rest:
        return "exam", []
    if head == "exam" and len(rest) == 1 and (picked := deck(rest[0])):
        return "exam", picked
    return f"Type a deck's number (1 to {len(decks)}), all, practice N, exam, exam N, help or quit."
