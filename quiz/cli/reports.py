"""`quiz history` for the command line (aligned tables, JSON, CSV), and the text helpers
`quiz report` shares (`quiz.cli.report_render`, `quiz.cli.report_html`).

The figures come from `quiz.core.history`; this module only lays them out. It
never imports Textual, so both commands start quickly and work without a
terminal. Text from banks and score files is printed as it is, except that
control characters (which could move the cursor or recolour the terminal) are
shown as escapes such as `\\x1b`, and line breaks as spaces.

The heatmap in the table is a text calendar: one column per week (two
characters wide), Monday on top, each day shaded with ' ░▒▓█' from no answers to
the busiest day's count.
"""

from __future__ import annotations

import csv
import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO

from quiz.core.bank import load_paths
from quiz.core.bank_cache import cache_dir
from quiz.core.history import DayCount, GroupMastery, LearnerHistory, load_history
from quiz.core.logs import scan_logs
from quiz.core.model import Library
from quiz.core.scheduling import Settings, utc_now
from quiz.core.store import LearnerError, StoreError
from quiz.core.text import clean, csv_row, json_text

__all__ = [
    "FORMATS",
    "HISTORY_CSV_COLUMNS",
    "SHADES",
    "Format",
    "bar",
    "calendar_grid",
    "clean",
    "clip",
    "count",
    "heat_level",
    "history_command",
    "history_json",
    "load_library",
    "month_labels",
    "percent",
    "render_heatmap",
    "render_history",
    "table",
    "when",
    "whole_weeks",
    "width",
    "write_history_csv",
]

Format = Literal["table", "json", "csv"]
FORMATS: tuple[Format, ...] = ("table", "json", "csv")
SHADES = " ░▒▓█"
HISTORY_CSV_COLUMNS = (
    "time",
    "key",
    "type",
    "response",
    "correct",
    "rating",
    "elapsed",
    "session",
    "mode",
)
TABLE_SESSIONS = 10
"""Sessions listed in the table (all of them in JSON)."""
TABLE_WEEKS = 12
"""Weeks with answers listed in the table (all of them in JSON)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --------------------------------------------------------------------------- text helpers


def width(text: str) -> int:
    """Terminal cells `text` takes: wide East Asian characters 2, combining marks 0."""
    if text.isascii():
        return len(text)
    total = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` cells, ending with '…' when cut."""
    if width(text) <= limit:
        return text
    out: list[str] = []
    used = 0
    for char in text:
        cells = width(char)
        if used + cells > limit - 1:
            break
        out.append(char)
        used += cells
    return "".join(out) + "…"


def _pad(text: str, cells: int, right: bool) -> str:
    gap = " " * max(0, cells - width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """Rows aligned under headers; numeric columns right-aligned."""
    widths = [width(header) for header in headers]
    for row in rows:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], width(cell))
    lines = []
    for row in [list(headers), *rows]:
        cells = [_pad(cell, widths[i], numeric[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def percent(share: float) -> str:
    """0.625 -> '62%' (rounded half to even, like Python's `format`)."""
    return f"{share:.0%}"


def bar(share: float, cells: int = 10) -> str:
    """A bar of `cells` characters filled to `share`."""
    filled = max(0, min(cells, round(share * cells)))
    return "█" * filled + "░" * (cells - filled)


def count(number: int, noun: str) -> str:
    """'1 learner', '3 learners'."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# --------------------------------------------------------------------------- heatmap


def heat_level(count: int, busiest: int) -> int:
    """0 for no answers, else 1-4 by quarters of the busiest day's count."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(4, math.ceil(4 * count / busiest)))


def whole_weeks(days: Sequence[DayCount]) -> list[DayCount]:
    """The days from the first Monday on, so the calendar's first column is a whole week.

    A window that starts mid-week would put only its last weekdays in the first
    column, and those rows would look shifted one column left of the others. A
    window shorter than a week is kept as it is.
    """
    start = next((index for index, cell in enumerate(days) if cell.day.weekday() == 0), None)
    return list(days) if start is None else list(days[start:])


def calendar_grid(days: Sequence[DayCount]) -> list[list[DayCount | None]]:
    """Weeks as columns, Monday first: `grid[weekday][week]`, None outside the window."""
    if not days:
        return [[] for _ in range(7)]
    first = days[0].day - timedelta(days=days[0].day.weekday())
    columns = (days[-1].day - first).days // 7 + 1
    grid: list[list[DayCount | None]] = [[None] * columns for _ in range(7)]
    for cell in days:
        offset = (cell.day - first).days
        grid[offset % 7][offset // 7] = cell
    return grid


def month_labels(days: Sequence[DayCount], cell_width: int) -> str:
    """A line naming each month above the week in which its first day falls; the
    window's first month is named at the left if there is room before the next."""
    if not days:
        return ""
    first = days[0].day - timedelta(days=days[0].day.weekday())
    columns = (days[-1].day - first).days // 7 + 1
    labels: list[tuple[int, int]] = []  # (position, month)
    for week in range(columns):
        for offset in range(7):
            day = first + timedelta(weeks=week, days=offset)
            if day.day == 1 and days[0].day <= day <= days[-1].day:
                labels.append((week * cell_width, day.month))
    if not labels or (labels[0][0] >= 4 and days[0].day.day != 1):
        labels.insert(0, (0, days[0].day.month))
    line = [" "] * (columns * cell_width + 3)
    previous_end = -1
    for position, month in labels:
        if position <= previous_end:
            continue
        line[position : position + 3] = list(_MONTHS[month - 1])
        previous_end = position + 3
    return "".join(line).rstrip()


def render_heatmap(days: Sequence[DayCount], cell_width: int = 2) -> str:
    """The text calendar of the module docstring, whole weeks only (`whole_weeks`)."""
    days = whole_weeks(days)
    busiest = max((cell.count for cell in days), default=0)
    grid = calendar_grid(days)
    lines = ["    " + month_labels(days, cell_width)]
    for weekday, row in enumerate(grid):
        cells = []
        for cell in row:
            shade = " " if cell is None else SHADES[heat_level(cell.count, busiest)]
            cells.append(shade * cell_width)
        lines.append((f"{_WEEKDAYS[weekday]} " + "".join(cells)).rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- history


def render_history(history: LearnerHistory) -> str:
    """The whole history as plain text tables."""
    parts: list[str] = []
    total = sum(group.total for group in history.decks)
    parts.append(
        f"History of {clean(history.learner)} at {when(history.now)} UTC\n"
        f"{history.answers} answers, {percent(history.accuracy)} right; "
        f"mastery {percent(history.mastery)} of {total} questions "
        f"(predicted recall at least {percent(history.desired_retention)} now)"
    )
    if not history.answers:
        parts.append("No answers yet.")
    calendar_days = whole_weeks(history.days)
    busiest = max((cell.count for cell in calendar_days), default=0)
    parts.append(
        f"Answers per day, last {len(calendar_days)} days (UTC; a column is a week; "
        f"' ░▒▓█' from none to the busiest day: {busiest})\n" + render_heatmap(history.days)
    )

    weeks = history.weeks[-TABLE_WEEKS:]
    if weeks:
        rows = [[w.label, str(w.answers), str(w.right), percent(w.accuracy), bar(w.accuracy)] for w in weeks]
        title = "Accuracy per ISO week"
        if len(history.weeks) > len(weeks):
            title += f" (latest {len(weeks)} of {len(history.weeks)} weeks with answers)"
        parts.append(
            title
            + "\n"
            + table(
                ["Week", "Answers", "Right", "Accuracy", ""],
                rows,
                [False, True, True, True, False],
            )
        )

    parts.append(
        "Decks and tags (new: never answered; learning: in learning steps or stability "
        "under 21 days; mature: 21 days or more)\n" + _groups_table(history.groups)
    )

    most = max((day.count for day in history.forecast), default=0)
    forecast_rows = [
        [
            f"{day.day:%a} {day.day:%Y-%m-%d}",
            str(day.count),
            bar(day.count / most, 20).rstrip("░") if most else "",
        ]
        for day in history.forecast
    ]
    parts.append(
        f"Due in the next {len(history.forecast)} days (today includes overdue questions)\n"
        + table(["Day", "Due", ""], forecast_rows, [False, True, False])
    )

    if history.sessions:
        shown = history.sessions[-TABLE_SESSIONS:]
        title = "Sessions"
        if len(history.sessions) > len(shown):
            title += f" (latest {len(shown)} of {len(history.sessions)}; --json lists all)"
        rows = [
            [
                when(s.start),
                s.end.strftime("%H:%M") if s.end.date() == s.start.date() else when(s.end),
                clean(s.mode),
                str(s.answers),
                str(s.right),
                percent(s.right / s.answers),
                clean(s.session[:8]),
            ]
            for s in shown
        ]
        parts.append(
            title
            + "\n"
            + table(
                ["Start", "End", "Mode", "Answers", "Right", "Accuracy", "Session"],
                rows,
                [False, False, False, True, True, True, False],
            )
        )

    flagged = [q for q in history.questions if q.leech or q.suspended]
    if flagged:
        rows = [
            [
                clip(clean(q.key), 30),
                clip(clean(q.prompt or "(no longer in the banks)"), 40),
                str(q.answers - q.right),
                ", ".join(word for word, on in (("leech", q.leech), ("suspended", q.suspended)) if on),
            ]
            for q in flagged
        ]
        parts.append(
            "Leeches and suspended questions (quiz history --unsuspend KEY brings one back)\n"
            + table(["Question", "Prompt", "Misses", "Flags"], rows, [False, False, True, False])
        )

    if history.unknown.answers:
        parts.append(history.unknown.message().capitalize() + ".")
    if history.warnings:
        parts.append("Warnings:\n" + "\n".join(f"  {clean(w)}" for w in history.warnings))
    return "\n\n".join(parts) + "\n"


def _groups_table(groups: Sequence[GroupMastery]) -> str:
    rows = [
        [
            group.kind,
            clip(clean(group.title if group.kind == "deck" else group.name), 40),
            str(group.total),
            percent(group.mastery),
            str(group.new),
            str(group.learning),
            str(group.mature),
        ]
        for group in groups
    ]
    return table(
        ["Kind", "Name", "Questions", "Mastery", "New", "Learning", "Mature"],
        rows,
        [False, False, True, True, True, True, True],
    )


def history_json(history: LearnerHistory) -> dict[str, Any]:
    """Every figure of the history as JSON-ready data."""

    def group(g: GroupMastery) -> dict[str, Any]:
        return {
            "kind": g.kind,
            "name": g.name,
            "title": g.title,
            "questions": g.total,
            "mastered": g.mastered,
            "mastery": g.mastery,
            "new": g.new,
            "learning": g.learning,
            "mature": g.mature,
        }

    return {
        "learner": history.learner,
        "now": history.now.isoformat(),
        "answers": history.answers,
        "right": history.right,
        "accuracy": history.accuracy,
        "mastery": history.mastery,
        "desired_retention": history.desired_retention,
        "days": [{"date": d.day.isoformat(), "answers": d.count, "right": d.right} for d in history.days],
        "weeks": [
            {
                "week": w.label,
                "start": w.start.isoformat(),
                "answers": w.answers,
                "right": w.right,
                "accuracy": w.accuracy,
            }
            for w in history.weeks
        ],
        "decks": [group(g) for g in history.decks],
        "tags": [group(g) for g in history.tags],
        "forecast": [{"date": d.day.isoformat(), "due": d.count} for d in history.forecast],
        "sessions": [
            {
                "session": s.session,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "answers": s.answers,
                "right": s.right,
                "mode": s.mode,
            }
            for s in history.sessions
        ],
        "questions": [
            {
                "key": q.key,
                "prompt": q.prompt,
                "in_banks": q.prompt is not None,
                "answers": q.answers,
                "right": q.right,
                "last": _iso(q.last),
                "recall": q.recall,
                "status": q.status,
                "due": _iso(q.due),
                "leech": q.leech,
                "suspended": q.suspended,
            }
            for q in history.questions
        ],
        "unknown": {
            "answers": history.unknown.answers,
            "questions": history.unknown.questions,
            "message": history.unknown.message(),
        },
        "warnings": list(history.warnings),
    }


def write_history_csv(history: LearnerHistory, out: TextIO) -> None:
    """One row per effective answer, in log order (undone answers left out, rerated
    ones with their final rating); responses that are not text are written as JSON."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HISTORY_CSV_COLUMNS)
    for key, entry in history.iter_answers():
        response = entry.response
        writer.writerow(
            csv_row(
                entry.time.isoformat(),
                key,
                entry.type,
                response if isinstance(response, str) else json.dumps(response, ensure_ascii=False),
                "true" if entry.correct else "false",
                entry.rating,
                "" if entry.elapsed is None else entry.elapsed,
                entry.session,
                entry.mode,
            )
        )


# --------------------------------------------------------------------------- commands


def load_library(question_paths: Sequence[Path], err: TextIO) -> Library:
    """The banks; their problems are `quiz check`'s business, so only counted here."""
    library, problems = load_paths(question_paths, cache=cache_dir())
    if problems:
        err.write(
            f"warning: {count(len(problems), 'problem')} in the question banks (run `quiz check` for the details)\n"
        )
    return library


def _emit(
    fmt: str,
    out: TextIO,
    err: TextIO,
    *,
    warnings: Sequence[str],
    text: Callable[[], str],
    data: Callable[[], Any],
    csv_rows: Callable[[TextIO], None],
) -> None:
    """Write one of the three formats; CSV has no room for warnings, so they go to `err`."""
    if fmt == "csv":
        for warning in warnings:
            err.write(f"warning: {clean(warning)}\n")
        csv_rows(out)
    elif fmt == "json":
        out.write(json_text(data(), indent=2) + "\n")
    else:
        out.write(text())


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")


def history_command(
    learner: str,
    scores_dir: Path,
    question_paths: Sequence[Path],
    fmt: str,
    out: TextIO,
    err: TextIO,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
    more_json: Callable[[], dict[str, Any]] | None = None,
    library: Library | None = None,
) -> int:
    """`quiz history`: `fmt` is "table", "json" or "csv". 0 on success, 2 for an
    unusable learner name, 1 if the log cannot be read (or all there is are symbolic
    links out of the learner's folder, which are never read). Skipped log lines are
    warnings on `err` (and in the table/JSON). `more_json` adds keys to the JSON
    (true retention and calibration, computed by the caller only when asked for).
    `library`: the banks, when the caller has loaded them already."""
    _check_format(fmt)
    library = load_library(question_paths, err) if library is None else library
    try:
        history = load_history(scores_dir, learner, library, now=now or utc_now(), settings=settings)
        scan = scan_logs(scores_dir / learner)
    except LearnerError as error:
        err.write(f"quiz history: {clean(str(error))}\n")
        return 2
    except StoreError as error:
        err.write(f"quiz history: {clean(str(error))}\n")
        return 1
    for line in scan.refusals():
        err.write(f"quiz history: warning: {clean(line)}\n")
    _emit(
        fmt,
        out,
        err,
        warnings=history.warnings,
        text=lambda: render_history(history),
        data=lambda: {**history_json(history), **(more_json() if more_json is not None else {})},
        csv_rows=lambda stream: write_history_csv(history, stream),
    )
    if scan.refused and not scan.files:
        err.write("quiz history: nothing could be read: every log of this learner is a refused link\n")
        return 1
    return 0
