"""`widget_for`: the widget that asks a presented question, by question type.

Kept apart from the package's `__init__` so that importing one widget module (the home
screen needs `base`) does not import them all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from quiz.core.model import Question
from quiz.tui.widgets.base import QuestionWidget
from quiz.tui.widgets.card import CardWidget
from quiz.tui.widgets.choice import ChoiceWidget
from quiz.tui.widgets.cloze import ClozeWidget
from quiz.tui.widgets.match import MatchWidget
from quiz.tui.widgets.multi import MultiWidget
from quiz.tui.widgets.number import NumberWidget
from quiz.tui.widgets.order import OrderWidget
from quiz.tui.widgets.short import ShortWidget
from quiz.tui.widgets.truefalse import TrueFalseWidget


class PresentedLike(Protocol):
    """What a widget needs of `quiz.core.session.Presented`."""

    @property
    def question(self) -> Question: ...
    @property
    def choices(self) -> Sequence[str]: ...
    @property
    def items(self) -> Sequence[str]: ...
    @property
    def rights(self) -> Sequence[str]: ...


def widget_for(presented: PresentedLike) -> QuestionWidget:
    """The widget that asks this question, in the order the session chose."""
    question = presented.question
    match question.type:
        case "choice":
            return ChoiceWidget(question, choices=presented.choices or question.choices)
        case "multi":
            return MultiWidget(question, choices=presented.choices or question.choices)
        case "truefalse":
            return TrueFalseWidget(question)
        case "short":
            return ShortWidget(question)
        case "number":
            return NumberWidget(question)
        case "cloze":
            return ClozeWidget(question)
        case "order":
            return OrderWidget(question, items=presented.items or question.items)
        case "match":
            return MatchWidget(question, rights=presented.rights)
        case "card":
            return CardWidget(question)
    raise ValueError(f"no widget for question type {question.type!r}")
