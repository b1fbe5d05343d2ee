"""The class report in the terminal (`quiz report PATH... --tui`): who missed what.

Four tabs over one `quiz.core.class_report.ClassReport`: the learner x question
grid of first attempts (the cursor's cell is explained under it: learner,
question, what they answered first and how the class did), the questions, the
learners, and the legend. The screen reads no file; every string from a bank or
a log goes in as a `rich.text.Text`, so nothing is read as markup.
"""

from __future__ import annotations

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
from quiz.core.class_report import Cell, ClassReport
from quiz.core.text import clean

__all__ = ["ClassReportApp", "ClassReportScreen", "cell_text"]

_STYLES: dict[Cell, str] = {"right": "bold green", "wrong": "bold red", "overridden": "bold yellow", "unseen": "dim"}
_WORDS: dict[Cell, str] = {
    "right": "right at the first attempt",
    "wrong": "wrong at the first attempt",
    "overridden": "graded wrong at the first attempt, then declared right by the learner",
    "unseen": "not seen",
}


def cell_text(cell: Cell) -> Text:
    """A grid mark, coloured (a card's grade in the default colour)."""
    return Text(MARKS[cell], style=_STYLES.get(cell, ""), justify="center")


class ClassReportScreen(Screen[None]):
    """The grid, questions, learners and legend of a class report."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "back", "Back")]

    DEFAULT_CSS = """
    ClassReportScreen #class-summary { padding: 0 1; height: auto; }
    ClassReportScreen #class-tabs { height: 1fr; }
    ClassReportScreen DataTable { height: 1fr; }
    ClassReportScreen #grid-marks { height: 1; padding: 0 1; }
    ClassReportScreen #cell-detail { height: auto; max-height: 8; padding: 0 1; border-top: solid $primary; }
    """

    def __init__(self, report: ClassReport) -> None:
        super().__init__()
        self.report = report

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
        questions.add_columns("#", "Question", "Learners", "1st right", "Overridden", "D [95% CI]", "Flags")
        for q in report.questions:
            questions.add_row(
                f"Q{q.number}",
                Text(clip(clean(q.prompt), 50)),
                str(q.learners),
                f"{q.first_right} ({percent(q.first_right_share)})",
                str(q.overridden),
                discrimination_text(q.discrimination, q.discrimination_note),
                Text(", ".join(q.flags), style="red"),
            )
        learners = self.query_one("#learners-table", DataTable)
        learners.add_columns("Learner", "Seen", "1st right (score)", "Answers", "Accuracy", "Mastery")
        for learner in report.learners:
            learners.add_row(
                Text(clean(learner.name)),
                str(learner.seen),
                f"{learner.first_right} ({percent(learner.score)})",
                str(learner.answers),
                percent(learner.accuracy),
                percent(learner.mastery) if learner.error is None else "unreadable",
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

    def action_back(self) -> None:
        """Leave the report (the app ends when it was the only screen)."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.exit(0)


class ClassReportApp(App[int]):
    """The smallest app that shows a class report; `quiz report --tui` runs it."""

    TITLE = "quiz report"

    def __init__(self, report: ClassReport) -> None:
        super().__init__()
        self.report = report

    def on_mount(self) -> None:
        self.push_screen(ClassReportScreen(self.report))
