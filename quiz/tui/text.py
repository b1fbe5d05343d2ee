"""Plain-language formatting shared by screens: responses, ratings, due dates, durations.

Every piece of bank or log text is wrapped in `Content` without markup parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from quiz.core.grading import Response
from quiz.core.model import Question

RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
"""fsrs `Rating` values as words."""


def rating_name(rating: int | None) -> str:
    """`Good` for 3, and so on."""
    if rating is None:
        return "-"
    return RATING_NAMES.get(int(rating), str(rating))


def format_response(question: Question, response: Response, order: Sequence[str] = ()) -> str:
    """A response as one line of text a learner recognises as what they gave."""
    if isinstance(response, bool):
        return "True" if response else "False"
    if isinstance(response, int):
        return f"{response} ({rating_name(response)})"
    if isinstance(response, str):
        return response
    if isinstance(response, frozenset):
        ranked = [choice for choice in order if choice in response]
        ranked += sorted(response - set(ranked))
        return "; ".join(ranked) if ranked else "(nothing ticked)"
    if isinstance(response, tuple):
        if question.type == "order":
            return "  ".join(f"{n}. {item}" for n, item in enumerate(response, start=1))
        return " / ".join(part if part.strip() else "(blank)" for part in response)
    return "; ".join(f"{left} → {right}" for left, right in response.items())


def plural(count: int, word: str) -> str:
    """`1 day`, `3 days`."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def when(moment: datetime, now: datetime) -> str:
    """A due date relative to now, with the local date: `in 3 days (Sun 4 Jan 2026)`."""
    delta = moment - now
    seconds = delta.total_seconds()
    stamp = moment.astimezone().strftime("%a %d %b %Y %H:%M")
    if seconds <= 0:
        return f"now ({stamp})"
    if delta < timedelta(hours=1):
        return f"in {plural(max(1, round(seconds / 60)), 'minute')} ({stamp})"
    if delta < timedelta(days=1):
        return f"in {plural(round(seconds / 3600), 'hour')} ({stamp})"
    return f"in {plural(round(seconds / 86400), 'day')} ({stamp})"


def duration(seconds: float) -> str:
    """`4 min 05 s`, `12 s`, `1 h 02 min`."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
