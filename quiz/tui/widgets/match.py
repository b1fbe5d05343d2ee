"""A matching question: pick a left item (digit), then its partner (letter).

Arrows move within a column, Left/Right switch columns, Enter picks or pairs, and once
every left item has a partner Enter answers. A click on a left row picks it, a click
on a right row pairs it with the picked left item.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button

from quiz.core.model import MatchQuestion, Question
from quiz.tui.widgets.base import LETTERS, Hanging, OptionRow, QuestionWidget, literal


class MatchWidget(QuestionWidget, can_focus=True):
    """Pairs are one-to-one: giving a partner to a second left item takes it from the first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("left", "column('left')", "Left column", show=False),
        Binding("right", "column('right')", "Right column", show=False),
        Binding("enter", "enter", "Pick/Submit"),
    ]

    def __init__(self, question: Question, *, rights: Sequence[str] = (), id: str | None = None) -> None:
        super().__init__(question, rights=rights, id=id)
        pairs = question.pairs if isinstance(question, MatchQuestion) else ()
        self.lefts: tuple[str, ...] = tuple(left for left, _ in pairs)
        if not self.rights:
            self.rights = tuple(right for _, right in pairs)
        self.pairing: dict[int, int] = {}
        """Left index -> right index, as paired so far."""
        self.picked: int | None = 0 if self.lefts else None
        """The left item waiting for a partner."""
        self.column = "left"
        self.cursor = {"left": 0, "right": 0}
        lefts = min(9, len(self.lefts))
        for index in range(lefts):
            self._bindings.bind(
                str(index + 1),
                f"pick({index})",
                "Pick",
                show=index == 0,
                key_display=f"1-{lefts}",
            )
        rights_count = min(len(LETTERS), len(self.rights))
        for index in range(rights_count):
            self._bindings.bind(
                LETTERS[index],
                f"pair({index})",
                "Partner",
                show=index == 0,
                key_display=f"a-{LETTERS[rights_count - 1]}",
            )

    def compose(self) -> ComposeResult:
        with Horizontal(classes="match-columns"):
            with Vertical(classes="match-left"):
                for index in range(len(self.lefts)):
                    yield OptionRow(index, self._left_row(index), group="left")
            with Vertical(classes="match-right"):
                for index in range(len(self.rights)):
                    yield OptionRow(index, self._right_row(index), group="right")
        yield Button("Submit", id="submit", compact=True)

    @property
    def complete(self) -> bool:
        """Every left item has a partner."""
        return len(self.pairing) == len(self.lefts)

    def _left_row(self, index: int) -> Hanging:
        """The item on one line, its partner (or `?`) under it; wrapped text hangs under its own start."""
        cursor = "›" if self.column == "left" and self.cursor["left"] == index else " "
        mark = "▶" if index == self.picked else " "
        head = f"{cursor}{mark}{index + 1}. "
        indent = " " * len(head)
        partner = self.pairing.get(index)
        if partner is None:
            second: tuple[Content, Content] = (Content(f"{indent}→ "), Content("?"))
        else:
            second = (
                Content.assemble(f"{indent}→ ", (f"{LETTERS[partner]}. ", "bold")),
                literal(self.rights[partner]),
            )
        return Hanging([(Content.styled(head, "bold"), literal(self.lefts[index])), second])

    def _right_row(self, index: int) -> Hanging:
        cursor = "›" if self.column == "right" and self.cursor["right"] == index else " "
        return Hanging([(Content.styled(f"{cursor} {LETTERS[index]}. ", "bold"), literal(self.rights[index]))])

    def _redraw(self) -> None:
        for row in self.query(OptionRow):
            if row.group == "left":
                row.update(self._left_row(row.index))
                row.set_class(row.index == self.picked, "-selected")
            else:
                row.update(self._right_row(row.index))
                row.set_class(row.index in self.pairing.values(), "-paired")
            row.set_class(row.group == self.column and row.index == self.cursor[row.group], "-highlight")
        self.refresh_bindings()
        # With five long pairs on a small terminal the next item can be below the edge.
        self.show_row(self.cursor[self.column], self.column)

    def on_mount(self) -> None:
        self._redraw()

    def action_pick(self, index: int) -> None:
        """Choose the left item to pair next (digit keys)."""
        if 0 <= index < len(self.lefts):
            self.picked = index
            self.cursor["left"] = index
            self.column = "right"
            self.cursor["right"] = self.pairing.get(index, self.cursor["right"])
            self._redraw()

    def action_pair(self, index: int) -> None:
        """Give the picked left item this right partner (letter keys)."""
        if not 0 <= index < len(self.rights):
            return
        left = self.picked
        if left is None:
            left = next((i for i in range(len(self.lefts)) if i not in self.pairing), None)
            if left is None:
                left = self.cursor["left"]
        for other, right in list(self.pairing.items()):
            if right == index:
                del self.pairing[other]
        self.pairing[left] = index
        following = [i for i in range(len(self.lefts)) if i not in self.pairing]
        later = [i for i in following if i > left]
        self.picked = later[0] if later else (following[0] if following else None)
        if self.picked is None:
            self.column = "left"
        else:
            self.cursor["left"] = self.picked
        self._redraw()

    def action_move(self, step: int) -> None:
        """Move the cursor within the active column."""
        size = len(self.lefts) if self.column == "left" else len(self.rights)
        self.cursor[self.column] = max(0, min(size - 1, self.cursor[self.column] + step))
        self._redraw()

    def action_column(self, column: str) -> None:
        """Switch between the left and right columns."""
        self.column = column
        self._redraw()

    def action_enter(self) -> None:
        """Submit when complete; otherwise pick (left column) or pair (right column)."""
        if self.complete and self.picked is None:
            self.action_submit()
        elif self.column == "left":
            self.action_pick(self.cursor["left"])
        else:
            self.action_pair(self.cursor["right"])

    def action_submit(self) -> None:
        """Answer with every pair; refused until each left item has a partner."""
        if not self.complete:
            self.notify("Give every item on the left a partner first, or press F3 if you don't know.")
            return
        self.answer({self.lefts[left]: self.rights[right] for left, right in sorted(self.pairing.items())})

    def on_option_row_clicked(self, event: OptionRow.Clicked) -> None:
        event.stop()
        self.focus()
        if event.row.group == "left":
            self.action_pick(event.row.index)
        else:
            self.cursor["right"] = event.row.index
            self.action_pair(event.row.index)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()
