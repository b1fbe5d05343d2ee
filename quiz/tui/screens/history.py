"""The learner's history: calendar heatmap, weekly accuracy, mastery, forecast,
sessions, and every question's answers.

The screen only lays out a `quiz.core.history.LearnerHistory`; it reads no file.
Build one with `quiz.core.history.load_history(scores_dir, learner, library,
now=..., settings=...)` and push `HistoryScreen(history)`. Every string that
comes from a bank or a score file goes in as a `rich.text.Text` (or a plain
`Text` cell of a `DataTable`), so nothing is read as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from quiz.cli.numbers import calibration_chart, retention_table
from quiz.cli.reports import SHADES, calendar_grid, clip, heat_level, month_labels, whole_weeks
from quiz.core.history import DayCount, LearnerHistory, QuestionHistory, response_text
from quiz.core.retention import ReviewStats
from quiz.core.text import clean

__all__ = ["HistoryScreen", "column_chart", "heatmap_text", "question_text"]

CHART_WEEKS = 26
"""Weeks of accuracy in the chart (the heatmap's six months)."""
_HEAT_STYLES = ("", "green", "green", "green", "bold green")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
NAME_WIDTH = 42
"""Deck titles and tag names are cut to this, so every column fits in 100 cells."""


def heatmap_text(days: Sequence[DayCount]) -> Text:
    """Weeks as columns (two cells each), Monday on top, shaded ' ░▒▓█' by answers.

    Whole weeks only (`whole_weeks`): a first column holding just the window's last
    weekdays would make those rows look shifted left of the others.
    """
    days = whole_weeks(days)
    busiest = max((day.count for day in days), default=0)
    grid = calendar_grid(days)
    months = Text("    " + month_labels(days, 2), style="dim")
    lines = [months]
    for weekday, row in enumerate(grid):
        line = Text(f"{_WEEKDAYS[weekday]} ", style="dim")
        for cell in row:
            if cell is None:
                line.append("  ")
                continue
            level = heat_level(cell.count, busiest)
            line.append(SHADES[level] * 2 if level else "··", style=_HEAT_STYLES[level] or "dim")
        lines.append(line)
    legend = Text("    less ", style="dim")
    for level in range(1, 5):
        legend.append(SHADES[level] * 2, style=_HEAT_STYLES[level])
    legend.append(f" more  (busiest day: {busiest} answers)", style="dim")
    lines.append(legend)
    return Text("\n").join(lines)


_EIGHTHS = " ▁▂▃▄▅▆▇█"


def column_chart(
    values: Sequence[float | None],
    top: float,
    labels: Sequence[Sequence[str]],
    *,
    width: int = 3,
    height: int = 4,
    axis: tuple[str, str] = ("", ""),
) -> Text:
    """Vertical bars in eighths of a cell, `height` rows tall, scaled from 0 to `top`.

    Not `Sparkline`: it scales from the data's minimum to its maximum, which would
    draw a week at 50 % as empty next to one at 100 %. None leaves a column blank.
    Each sequence in `labels` is one row of labels under the bars, one per column.
    """
    margin = max(len(axis[0]), len(axis[1]))
    rows = [Text(" " * margin) for _ in range(height)]
    if margin:
        margin += 1
        rows = [Text(" " * margin) for _ in range(height)]
        rows[0] = Text(axis[0].rjust(margin - 1) + " ", style="dim")
        rows[-1] = Text(axis[1].rjust(margin - 1) + " ", style="dim")
    for value in values:
        eighths = 0 if value is None or top <= 0 else round(max(0.0, value) / top * 8 * height)
        if value is not None and value > 0:
            eighths = max(1, eighths)
        for index in range(height):
            amount = max(0, min(8, eighths - (height - 1 - index) * 8))
            rows[index].append(_EIGHTHS[amount] * (width - 1) + " ", style="green")
    lines = rows
    for row_labels in labels:
        line = Text(" " * margin, style="dim")
        for label in row_labels:
            line.append(label[: width - 1].ljust(width))
        lines.append(line)
    return Text("\n").join(lines)


def question_text(detail: QuestionHistory) -> Text:
    """One question's answers, oldest first, with its predicted recall now."""
    text = Text()
    text.append(clean(detail.key), style="bold")
    if detail.question is None:
        text.append("  (no longer in the banks)", style="dim")
    text.append("\n")
    if detail.question is not None:
        text.append(clean(detail.question.prompt, keep_newlines=True))
        text.append("\n")
    text.append("\n")
    text.append(f"Predicted recall now: {detail.recall:.0%}   Status: {detail.status}")
    if detail.due is not None:
        text.append(f"   Due: {detail.due:%Y-%m-%d %H:%M} UTC")
    text.append("\n\n")
    if not detail.answers:
        text.append("Not answered yet.", style="dim")
        return text
    text.append(f"{len(detail.answers)} answers, oldest first\n", style="bold")
    for entry in detail.answers:
        text.append(f"{entry.time:%Y-%m-%d %H:%M}  ")
        text.append("right" if entry.correct else "wrong", style="green" if entry.correct else "red")
        text.append(f"  {_RATINGS.get(entry.rating, str(entry.rating)):<5}  ")
        if entry.elapsed is not None:
            text.append(f"{entry.elapsed:5.1f}s  ", style="dim")
        text.append(clean(response_text(entry.response)) or "(nothing)")
        extras = [clean(entry.mode)]
        if entry.hinted:
            extras.append("hint")
        if entry.typo_forgiven:
            extras.append("typo forgiven")
        text.append(f"  ({', '.join(extras)})\n", style="dim")
    return text


def _cell(text: str, justify: str = "left") -> Text:
    """A table cell: literal text on one line (control characters made visible)."""
    return Text(clean(text), justify="right" if justify == "right" else "left")


class HistoryScreen(Screen[None]):
    """History of one learner; U unsuspends the highlighted question; Escape or q goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back"),
        Binding("U", "unsuspend", "Unsuspend"),
    ]

    DEFAULT_CSS = """
    HistoryScreen #history-summary { padding: 0 1; height: auto; }
    HistoryScreen .history-title { text-style: bold; margin-top: 1; }
    HistoryScreen #heatmap { height: auto; }
    HistoryScreen .caption { color: $text-muted; }
    HistoryScreen #history-tabs { height: 1fr; }
    HistoryScreen DataTable { height: 1fr; }
    HistoryScreen #questions-table { width: 3fr; }
    HistoryScreen #question-detail-scroll { width: 2fr; padding: 0 1; }
    """

    def __init__(self, history: LearnerHistory, stats: ReviewStats | None = None, *, read_only: bool = False) -> None:
        super().__init__()
        self.history = history
        self.read_only = read_only
        """Another learner's history (the class screen): nothing may be written, so no Unsuspend."""
        self.stats = stats
        """True retention and calibration (`quiz.core.retention`), shown in their own tab."""
        self.suspended = {q.key for q in history.questions if q.suspended}
        """Suspended questions, kept up to date as the learner unsuspends them here."""
        self.highlighted: str | None = None

    def compose(self) -> ComposeResult:
        history = self.history
        yield Header()
        yield Static(self._summary(), id="history-summary")
        with TabbedContent(id="history-tabs"):
            with TabPane("Overview", id="overview"), VerticalScroll():
                if not history.answers:
                    yield Static(
                        Text("No answers yet. Answer a few questions and come back.", "bold"),
                        id="empty",
                    )
                yield Static(
                    Text(f"Answers per day, last {len(whole_weeks(history.days))} days (your local days)"),
                    classes="history-title",
                )
                yield Static(heatmap_text(history.days), id="heatmap")
                yield Static(Text("Accuracy per ISO week"), classes="history-title")
                yield Static(self._accuracy_chart(), id="accuracy-chart")
                if history.weeks:
                    yield Static(self._accuracy_caption(), classes="caption")
                yield Static(
                    Text(f"Due in the next {len(history.forecast)} days"),
                    classes="history-title",
                )
                yield Static(self._forecast_chart(), id="forecast-chart")
                yield Static(self._forecast_caption(), classes="caption", id="forecast-caption")
            with TabPane("Decks & tags", id="groups"):
                yield DataTable(id="groups-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Sessions", id="sessions"):
                if history.sessions:
                    yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
                else:
                    yield Static(Text("No sessions yet."))
            if self.stats is not None:
                with TabPane("Retention", id="retention"), VerticalScroll():
                    yield Static(
                        Text("True retention: reviews of learned questions passed (young: interval under 21 days)"),
                        classes="history-title",
                    )
                    yield Static(Text(retention_table(self.stats)), id="retention-table")
                    yield Static(
                        Text("Calibration: predicted recall at each review against the share passed"),
                        classes="history-title",
                    )
                    yield Static(Text(calibration_chart(self.stats, width=16)), id="calibration")
            with TabPane("Questions", id="questions"):
                if history.questions:
                    with Horizontal():
                        yield DataTable(id="questions-table", cursor_type="row")
                        with VerticalScroll(id="question-detail-scroll"):
                            yield Static(Text(""), id="question-detail")
                else:
                    yield Static(Text("No answers yet."))
        yield Footer()

    def _summary(self) -> Text:
        history = self.history
        text = Text()
        text.append(clean(history.learner) or "History", style="bold")
        text.append(
            f"   {history.answers} answers, {history.accuracy:.0%} right   "
            f"mastery {history.mastery:.0%} (predicted recall at least "
            f"{history.desired_retention:.0%})"
        )
        if history.unknown.answers:
            text.append("\n" + history.unknown.message(), style="dim")
        for warning in history.warnings[:3]:
            text.append("\n" + clean(warning), style="yellow")
        if len(history.warnings) > 3:
            text.append(f"\n…and {len(history.warnings) - 3} more warnings", style="yellow")
        return text

    def _accuracy_chart(self) -> Text:
        """The last `CHART_WEEKS` ISO weeks, oldest first; a week without answers is blank."""
        history = self.history
        starts = self._chart_weeks()
        by_start = {week.start: week for week in history.weeks}
        values = [by_start[s].accuracy * 100 if s in by_start else None for s in starts]
        labels = [f"{s.isocalendar()[1]:02d}" for s in starts]
        return column_chart(values, 100.0, [labels], width=3, axis=("100%", "0%"))

    def _forecast_chart(self) -> Text:
        """Questions due per day; counts and dates under the bars."""
        forecast = self.history.forecast
        top = float(max((day.count for day in forecast), default=0))
        counts = [str(day.count) for day in forecast]
        dates = [f"{day.day:%d}" for day in forecast]
        weekdays = [f"{day.day:%a}"[:2] for day in forecast]
        return column_chart(
            [float(day.count) for day in forecast],
            top,
            [counts, weekdays, dates],
            width=3,
            axis=(str(int(top)), ""),
        )

    def _chart_weeks(self) -> list[date]:
        """Mondays of the last `CHART_WEEKS` ISO weeks, oldest first."""
        now = self.history.now
        monday = now.date() - timedelta(days=now.weekday())
        return [monday - timedelta(weeks=n) for n in range(CHART_WEEKS - 1, -1, -1)]

    def _accuracy_caption(self) -> Text:
        first = self._chart_weeks()[0]
        weeks = [week for week in self.history.weeks if week.start >= first]
        if not weeks:
            return Text(f"No answers in the last {CHART_WEEKS} weeks.")
        latest = weeks[-1]
        low = min(w.accuracy for w in weeks)
        high = max(w.accuracy for w in weeks)
        return Text(
            f"{len(weeks)} of the last {CHART_WEEKS} weeks with answers, "
            f"from {low:.0%} to {high:.0%} right. Latest, {latest.label}: "
            f"{latest.accuracy:.0%} of {latest.answers} answers."
        )

    def _forecast_caption(self) -> Text:
        forecast = self.history.forecast
        if not forecast:
            return Text("")
        busiest = max(forecast, key=lambda d: d.count)
        week = sum(d.count for d in forecast[:7])
        total = sum(d.count for d in forecast)
        text = f"Today {forecast[0].count} (overdue included), next 7 days {week}, "
        text += f"next {len(forecast)} days {total}"
        if busiest.count:
            text += f"; busiest {busiest.day:%a %d %b}: {busiest.count}"
        return Text(text + ".")

    def on_mount(self) -> None:
        history = self.history
        # The moment goes in the header, so the summary line fits in 100 columns.
        self.title = "History"
        self.sub_title = f"{clean(history.learner)}, as of {history.now:%Y-%m-%d %H:%M} UTC"
        groups = self.query_one("#groups-table", DataTable)
        groups.add_columns("Kind", "Name", "Questions", "Mastery", "New", "Learning", "Mature")
        for group in history.groups:
            groups.add_row(
                _cell(group.kind),
                _cell(clip(group.title if group.kind == "deck" else group.name, NAME_WIDTH)),
                _cell(str(group.total), "right"),
                _cell(f"{group.mastery:.0%}", "right"),
                _cell(str(group.new), "right"),
                _cell(str(group.learning), "right"),
                _cell(str(group.mature), "right"),
            )
        if history.sessions:
            sessions = self.query_one("#sessions-table", DataTable)
            sessions.add_columns("Start (UTC)", "End", "Mode", "Answers", "Right", "Accuracy", "Session")
            for s in reversed(history.sessions):
                sessions.add_row(
                    _cell(f"{s.start:%Y-%m-%d %H:%M}"),
                    _cell(f"{s.end:%H:%M}" if s.end.date() == s.start.date() else f"{s.end:%Y-%m-%d %H:%M}"),
                    _cell(s.mode),
                    _cell(str(s.answers), "right"),
                    _cell(str(s.right), "right"),
                    _cell(f"{s.right / s.answers:.0%}", "right"),
                    _cell(s.session[:8]),
                )
        if history.questions:
            table = self.query_one("#questions-table", DataTable)
            columns = table.add_columns("Question", "Prompt", "Answers", "Right", "Recall", "Status")
            self._status_column = columns[-1]
            for q in history.questions:
                table.add_row(
                    _cell(q.key),
                    _cell(clip(q.prompt, 40) if q.prompt is not None else "(no longer in banks)"),
                    _cell(str(q.answers), "right"),
                    _cell(str(q.right), "right"),
                    _cell(f"{q.recall:.0%}", "right"),
                    _cell(self._status(q.key, q.status, q.leech)),
                    key=q.key,
                )
            self.show_question(history.questions[0].key)

    def _status(self, key: str, status: str, leech: bool) -> str:
        """The status cell: FSRS status, then leech and suspended flags."""
        words = [status] + (["leech"] if leech else []) + (["suspended"] if key in self.suspended else [])
        return ", ".join(words)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unsuspend":
            if self.read_only:
                return False
            return True if self.highlighted in self.suspended else None
        return True

    def action_unsuspend(self) -> None:
        """Bring the highlighted suspended question back into sessions (an `unsuspend` record)."""
        from quiz.tui.app import QuizApp

        key = self.highlighted
        if self.read_only or key is None or key not in self.suspended or not isinstance(self.app, QuizApp):
            return
        problem = self.app.unsuspend(key)
        if problem is not None:
            self.notify(problem, title="Could not unsuspend", severity="error", markup=False)
            return
        self.suspended.discard(key)
        summary = next(q for q in self.history.questions if q.key == key)
        table = self.query_one("#questions-table", DataTable)
        table.update_cell(key, self._status_column, _cell(self._status(key, summary.status, summary.leech)))
        self.notify(f"{clean(key)} is back in your sessions.", markup=False)
        self.refresh_bindings()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Selecting a question shows its answers."""
        if event.data_table.id == "questions-table" and event.row_key.value is not None:
            self.highlighted = event.row_key.value
            self.show_question(event.row_key.value)
            self.refresh_bindings()

    def show_question(self, key: str) -> None:
        """Fill the detail pane with one question's history."""
        detail = self.query_one("#question-detail", Static)
        detail.update(question_text(self.history.question_history(key)))

    def action_back(self) -> None:
        """Back to where the screen was opened from."""
        self.dismiss(None)
