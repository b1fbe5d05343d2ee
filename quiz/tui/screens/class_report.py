"""The class report in the terminal (`quiz report PATH... --tui`): who missed what.

Four tabs over one `quiz.core.class_report.ClassReport`: the learner x question
grid of first attempts (the cursor's cell is explained under it: learner,
question, what they answered first and how the class did), the questions, the
learners, and the legend. The screen reads no file; every string from a bank or
a log goes in as a `rich.text.Text`, so nothing is read as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from quiz.cli.report_render import MARKS, discrimination_text, legend
from quiz.cli.reports import clip, count, percent, when
from quiz.core.class_report import Cell, ClassReport, LearnerReport, QuestionReport
from quiz.core.history import LearnerHistory
from quiz.core.text import clean
from quiz.tui.screens.history import HistoryScreen
from quiz.tui.screens.message import MessageScreen

HistoryOpener = Callable[[LearnerReport], LearnerHistory]
"""Builds a learner's history (read only) from their logs, for Enter on a learner."""

__all__ = ["ClassReportApp", "ClassReportScreen", "cell_text"]

_STYLES: dict[Cell, str] = {"right": "bold green", "wrong": "bold red", "overridden": "bold yellow", "unseen": "dim"}
_WORDS: dict[Cell, str] = {
    "right": "right at the first attempt",
    "wrong": "wrong at the first attempt",
    "overridden": "graded wrong at the first attempt, then declared right by the learner",
    "unseen": "not seen",
}


def sort_value(cell: object) -> tuple[int, float, str]:
    """How a table cell sorts: by its leading number when it has one ("12 (40%)",
    "75%", "2026-03-01" sorts as text), else by its text; empty and "n/a" last."""
    text = cell.plain if isinstance(cell, Text) else str(cell)
    stripped = text.strip().lstrip("Q+")
    number = ""
    for char in stripped:
        if char.isdigit() or (char in ".-" and not number.endswith((".", "-"))):
            number += char
        else:
            break
    if number and stripped[len(number) : len(number) + 1] not in ("-",):
        try:
            return (0, float(number), "")
        except ValueError:
            pass
    if not text.strip() or text.strip() in ("n/a", "-", "never"):
        return (2, 0.0, "")
    return (1, 0.0, text.casefold())


def most_chosen_distractor(question: QuestionReport) -> str:
    """The wrong choice (or wrong response) most learners picked first, with its count."""
    wrong = [c for c in question.choices if not c.correct and c.kind in ("choice", "response") and c.learners]
    if not wrong:
        return ""
    top = max(wrong, key=lambda c: c.learners)
    return f"{clip(clean(top.text), 28)} ({top.learners})"


def choices_text(question: QuestionReport) -> str:
    """Every choice of a question with the learners who picked it at their first attempt."""
    lines = [f"Q{question.number} {question.key}", clean(question.prompt), ""]
    if not question.choices:
        lines.append("No first attempts in the filters.")
    for choice in question.choices:
        mark = "right" if choice.correct else "wrong"
        flags = f"  [{', '.join(choice.flags)}]" if choice.flags else ""
        lines.append(f"{choice.learners:>3} ({percent(choice.share):>4})  {mark:<5}  {clean(choice.text)}{flags}")
    return "\n".join(lines)


def cell_text(cell: Cell) -> Text:
    """A grid mark, coloured (a card's grade in the default colour)."""
    return Text(MARKS[cell], style=_STYLES.get(cell, ""), justify="center")


class ClassReportScreen(Screen[None]):
    """The grid, questions, learners and legend of a class report."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back")]
    """Enter on a learner opens their history; on a question, its choices; a click on a
    column header sorts by it (again: the other way)."""

    DEFAULT_CSS = """
    ClassReportScreen #class-summary { padding: 0 1; height: auto; }
    ClassReportScreen #class-tabs { height: 1fr; }
    ClassReportScreen DataTable { height: 1fr; }
    ClassReportScreen #grid-marks { height: 1; padding: 0 1; }
    ClassReportScreen #cell-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, report: ClassReport, open_history: HistoryOpener | None = None) -> None:
        super().__init__()
        self.report = report
        self.open_history = open_history
        self._sorted: dict[tuple[str, str], bool] = {}

    def compose(self) -> ComposeResult:
        report = self.report
        yield Header()
        summary = Text(
            f"{when(report.now)} UTC: {count(len(report.learners), 'learner')}, "
            f"{count(len(report.questions), 'question')} answered"
        )
        filters = report.filters.describe()
        if filters:
            summary.append(f"  Filters: {clean(filters)}", style="dim")
        yield Static(summary, id="class-summary")
        with TabbedContent(id="class-tabs"):
            with TabPane("Grid", id="grid"):
                yield Static(self._marks(), id="grid-marks")
                yield DataTable(id="grid-table", cursor_type="cell", zebra_stripes=True)
                yield Static(id="cell-detail")
            with TabPane("Questions", id="questions"):
                yield DataTable(id="questions-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Learners", id="learners"):
                yield DataTable(id="learners-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Legend", id="legend"), VerticalScroll():
                yield Static(self._legend(), id="legend-text")
        yield Footer()

    def on_mount(self) -> None:
        report = self.report
        grid = self.query_one("#grid-table", DataTable)
        grid.add_column("Learner", key="learner")
        for q in report.questions:
            grid.add_column(f"Q{q.number}", key=q.key)
        for learner, row in report.grid_rows:
            grid.add_row(Text(clip(clean(learner.name), 24)), *(cell_text(cell) for cell in row))
        if report.questions:
            grid.move_cursor(row=0, column=1)
        grid.focus()

        questions = self.query_one("#questions-table", DataTable)
        questions.add_columns(
            "#", "Question", "Learners", "Facility", "Overridden", "D [95% CI]", "Distractor most chosen", "Flags"
        )
        for index, q in enumerate(report.questions):
            questions.add_row(
                f"Q{q.number}",
                Text(clip(clean(q.prompt), 50)),
                str(q.learners),
                f"{percent(q.first_right_share)} ({q.first_right})",
                str(q.overridden),
                discrimination_text(q.discrimination, q.discrimination_note),
                Text(most_chosen_distractor(q)),
                Text(", ".join(q.flags), style="red"),
                key=str(index),
            )
        learners = self.query_one("#learners-table", DataTable)
        learners.add_columns("Learner", "Answers", "Accuracy", "Mastery", "Seen", "1st right (score)", "Last activity")
        for index, learner in enumerate(report.learners):
            learners.add_row(
                Text(clean(learner.name)),
                str(learner.answers),
                percent(learner.accuracy),
                percent(learner.mastery) if learner.error is None else "unreadable",
                str(learner.seen),
                f"{learner.first_right} ({percent(learner.score)})",
                when(learner.last) if learner.last is not None else "never",
                key=str(index),
            )
        self._explain(grid.cursor_coordinate)

    @staticmethod
    def _marks() -> Text:
        text = Text("First attempts: ", style="dim")
        marks: tuple[tuple[Cell, str], ...] = (
            ("right", "right"),
            ("wrong", "wrong"),
            ("overridden", "overridden"),
            ("unseen", "not seen"),
        )
        for cell, word in marks:
            text.append(MARKS[cell], style=_STYLES[cell])
            text.append(f" {word}  ", style="dim")
        text.append("1-4 a card's self-grade", style="dim")
        return text

    def _legend(self) -> Text:
        text = Text()
        for term, definition in legend(self.report):
            text.append(f"{term}: ", style="bold")
            text.append(definition + "\n\n")
        return text

    def _explain(self, where: Coordinate) -> None:
        """Say under the grid what the cell under the cursor means."""
        detail = self.query_one("#cell-detail", Static)
        report = self.report
        row, column = where.row, where.column - 1
        rows = report.grid_rows
        if not (0 <= row < len(rows) and 0 <= column < len(report.questions)):
            detail.update(Text("Move onto a cell to see the learner and the question.", style="dim"))
            return
        learner, q = rows[row][0], report.questions[column]
        cell = rows[row][1][column]
        text = Text()
        text.append(clean(learner.name), style="bold")
        text.append(f" on Q{q.number} ")
        text.append(clean(q.key), style="dim")
        text.append(": ")
        text.append(_WORDS.get(cell, f"self-grade {cell}"), style=_STYLES.get(cell, ""))
        text.append("\n" + clean(q.prompt) + "\n", style="italic")
        text.append(
            f"Class: {q.first_right} of {q.learners} right first ({percent(q.first_right_share)}); "
            f"D {discrimination_text(q.discrimination, q.discrimination_note)}"
        )
        detail.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "grid-table":
            self._explain(event.coordinate)

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        """Sort a table by the clicked column; a second click sorts the other way."""
        table = event.data_table
        if table.id == "grid-table":
            return
        where = (table.id or "", str(event.column_key.value))
        reverse = not self._sorted.get(where, True)
        self._sorted[where] = reverse
        table.sort(event.column_key, key=sort_value, reverse=reverse)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a learner: their history, read only; on a question: its choices."""
        table = event.data_table
        index = int(str(event.row_key.value))
        if table.id == "learners-table":
            learner = self.report.learners[index]
            if learner.error is not None:
                self.app.push_screen(MessageScreen(learner.name, f"This log could not be read: {learner.error}"))
            elif self.open_history is None:
                self.notify("No history here: the logs are not at hand.", markup=False)
            else:
                self.app.push_screen(HistoryScreen(self.open_history(learner), read_only=True))
        elif table.id == "questions-table":
            question = self.report.questions[index]
            self.app.push_screen(MessageScreen(f"Q{question.number}: first attempts", choices_text(question)))

    def action_back(self) -> None:
        """Leave the report (the app ends when it was the only screen)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit(0)


class ClassReportApp(App[int]):
    """The smallest app that shows a class report; `quiz report --tui` runs it."""

    TITLE = "quiz report"
    CSS_PATH = str(Path(__file__).resolve().parent.parent / "quiz.tcss")

    def __init__(self, report: ClassReport, open_history: HistoryOpener | None = None) -> None:
        super().__init__()
        self.report = report
        self.open_history = open_history

    def on_mount(self) -> None:
        self.push_screen(ClassReportScreen(self.report, self.open_history))
