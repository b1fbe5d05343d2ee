"""What every question widget shares: the `Answered` message and literal text.

Bank text is never markup: a prompt containing `[bold]` or `[@click=app.quit]` must show
as typed. Every string that comes from a bank or a score file goes through `literal`,
which builds a `Content` without parsing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.segment import Segment
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Static

from quiz.core.model import Question
from quiz.core.text import clean

if TYPE_CHECKING:
    from quiz.core.grading import Response

__all__ = [
    "LETTERS",
    "Answered",
    "Hanging",
    "OptionRow",
    "QuestionWidget",
    "join_lines",
    "literal",
    "safe",
]

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def safe(text: str) -> str:
    """`text` harmless to a terminal but otherwise as typed, line breaks kept.

    A bank cannot clear the screen, retitle the window or write to the clipboard:
    see `quiz.core.text.clean`, which every printer of bank text shares.
    """
    return clean(text, keep_newlines=True)


def literal(text: str, style: str = "") -> Content:
    """Bank or log text as displayable content: no markup, no control characters."""
    content = Content(safe(text))
    return content.stylize(style) if style else content


def join_lines(lines: Sequence[Content | str]) -> Content:
    """Lines joined with newlines; plain `str` parts are literal too."""
    return Content("\n").join([line if isinstance(line, Content) else Content(line) for line in lines])


class Hanging(Visual):
    """Lines of `prefix` + `body` where a wrapped body hangs under its own first word.

    A plain `Content` wraps to the left edge, so a long choice or a match partner
    would continue under its number. Here each body wraps to the width left after its
    prefix, and continuation lines are indented by the prefix's width. `str()` is the
    plain text, prefixes and bodies joined, one line per pair.
    """

    def __init__(self, lines: Sequence[tuple[Content | str, Content | str]]) -> None:
        self.lines: tuple[tuple[Content, Content], ...] = tuple(
            (
                prefix if isinstance(prefix, Content) else Content(prefix),
                body if isinstance(body, Content) else Content(body),
            )
            for prefix, body in lines
        )

    def __str__(self) -> str:
        return "\n".join(prefix.plain + body.plain for prefix, body in self.lines)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max(
            (prefix.cell_length + body.get_optimal_width(rules, container_width) for prefix, body in self.lines),
            default=0,
        )

    def get_minimal_width(self, rules: RulesMap) -> int:
        return max((prefix.cell_length + body.get_minimal_width(rules) for prefix, body in self.lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return sum(max(1, body.get_height(rules, max(1, width - prefix.cell_length))) for prefix, body in self.lines)

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        """Each body rendered in the room its prefix leaves, the prefix on its first line."""
        if width <= 0:
            return []
        # Selection offsets would not match the shifted bodies: render without them.
        plain = RenderOptions(options.get_style, options.rules)
        rich_style = style.rich_style
        strips: list[Strip] = []
        for prefix, body in self.lines:
            indent = min(prefix.cell_length, max(0, width - 1))
            head = prefix.render_strips(max(1, indent), 1, style, plain) if indent else []
            first = head[0].adjust_cell_length(indent, rich_style) if head else Strip.blank(indent, rich_style)
            body_strips = body.render_strips(width - indent, None, style, plain) or [Strip([Segment("")])]
            for number, line in enumerate(body_strips):
                left = first if number == 0 else Strip.blank(indent, rich_style)
                strips.append(Strip.join([left, line]))
        return strips[:height] if height is not None else strips


class Answered(Message):
    """The learner has given their answer to the question on screen."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response
        """The response in the form `quiz.core.grading.grade` expects."""


class QuestionWidget(Widget):
    """Base of the per-type widgets: remembers the question and its display orders.

    The session decides the display order (shuffled choices, items, right sides); a
    widget only shows it, so that feedback and the score log agree with the screen.
    """

    DEFAULT_CSS = """
    QuestionWidget { height: auto; }
    """

    def __init__(
        self,
        question: Question,
        *,
        choices: Sequence[str] = (),
        items: Sequence[str] = (),
        rights: Sequence[str] = (),
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="question")
        self.question = question
        self.choices: tuple[str, ...] = tuple(choices)
        self.items: tuple[str, ...] = tuple(items)
        self.rights: tuple[str, ...] = tuple(rights)

    def bind_digits(self, action: str, description: str) -> None:
        """Keys 1-9 run `action(index)` on the first nine options, shown once as "1-N"."""
        count = min(9, len(self.choices))
        for index in range(count):
            self._bindings.bind(
                str(index + 1),
                f"{action}({index})",
                description,
                show=index == 0,
                key_display=f"1-{count}",
            )

    def answer(self, response: Response) -> None:
        """Post `Answered` for the screen to grade."""
        self.post_message(Answered(response))

    def focus_first(self) -> None:
        """Put the keyboard focus where the learner starts answering."""
        self.focus()

    def show_row(self, index: int, group: str = "") -> None:
        """After the next refresh, scroll so this row is on screen (long lists, small terminals)."""

        def scroll() -> None:
            for row in self.query(OptionRow):
                if row.index == index and row.group == group:
                    row.scroll_visible(animate=False)

        self.call_after_refresh(scroll)


class OptionRow(Static):
    """One clickable line of a list (a choice, an item, a side of a pair).

    Clicking posts `OptionRow.Clicked`; the owning question widget decides what a
    click means. The row's text is `Content`, so bank text stays literal.
    """

    DEFAULT_CSS = """
    OptionRow { height: auto; padding: 0 1; }
    """

    class Clicked(Message):
        """A row was clicked."""

        def __init__(self, row: OptionRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, index: int, content: Content | Hanging, *, group: str = "") -> None:
        super().__init__(content, classes="option")
        self.index = index
        """Position of the row in its list."""
        self.group = group
        """Which list the row belongs to, when a widget has two (match)."""

    def on_click(self) -> None:
        """Tell the question widget which row was clicked."""
        self.post_message(self.Clicked(self))
