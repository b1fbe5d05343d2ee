"""Test banks and helpers shared by the TUI tests (fixtures are in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.widget import Widget

from quiz.core.store import Store
from quiz.tui.app import QuizApp

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

BANK_HEADER = """\
deck: every
title: Every question type
description: One question of each kind, for the tests.
tags: [test]
sources:
  memo: Memorandum of telephone conversation, 1 January 2000 (National Security Archive)
"""

QUESTIONS: dict[str, str] = {
    "pick": """\
  - id: pick
    type: choice
    prompt: Which city is the capital of Russia?
    choices: [Saint Petersburg, Moscow, Kazan]
    answer: Moscow
    shuffle: false
    feedback:
      Saint Petersburg: It was the capital until 1918.
      Moscow: The capital since 1918.
    explanation: Moscow has been the capital since 1918.
    source: memo
    hint: The Kremlin is there.
""",
    "several": """\
  - id: several
    type: multi
    prompt: Which of these are prime?
    choices: ["2", "4", "5", "9"]
    answers: ["2", "5"]
    shuffle: false
    explanation: 4 and 9 are squares.
""",
    "fact": """\
  - id: fact
    type: truefalse
    prompt: Yeltsin resigned on 31 December 1999.
    answer: true
    explanation: He resigned on New Year's Eve.
""",
    "who": """\
  - id: who
    type: short
    prompt: Who spoke with Clinton on 1 January 2000?
    answer: [Vladimir Putin, Putin]
    hint: The acting president.
    explanation: Putin was acting president.
""",
    "year": """\
  - id: year
    type: number
    prompt: In which year did the call take place?
    answer: 2000
    tolerance: 0
    unit: AD
    explanation: The day after Yeltsin resigned.
""",
    "gaps": """\
  - id: gaps
    type: cloze
    prompt: Fill the gaps.
    text: "{{Clinton}} phoned {{Putin}} on New Year's Day."
    explanation: The memorandum records the call.
""",
    "sequence": """\
  - id: sequence
    type: order
    prompt: Put these in order, earliest first.
    items: [Yeltsin resigns, Clinton phones Putin, Putin is elected]
    explanation: December 1999, January 2000, March 2000.
""",
    "pairs": """\
  - id: pairs
    type: match
    prompt: Match each person to their office.
    pairs:
      Clinton: US President
      Putin: Acting President of Russia
      Talbott: Deputy Secretary of State
    shuffle: false
    explanation: Their offices on 1 January 2000.
""",
    "flash": """\
  - id: flash
    type: card
    prompt: What did Clinton congratulate Putin on?
    answer: Becoming acting president.
    explanation: Said at the start of the call.
""",
}
"""One YAML block per question id, all in the deck `every`."""

EVERY_TYPE = BANK_HEADER + "questions:\n" + "".join(QUESTIONS.values())

MARKUP = """\
deck: markup
title: "[bold]Loud[/] deck [@click=app.quit]x[/]"
description: "[red]red[/red] description"
sources:
  src: "[link=https://example.com]A source[/link] [/]"
questions:
  - id: m1
    type: choice
    prompt: "Is [bold]this[/] bold? [@click=app.quit]quit[/]"
    choices: ["[bold]Yes[/]", "[/]No", "[@click=app.quit]Maybe[/]"]
    answer: "[/]No"
    shuffle: false
    explanation: "[i]Nothing[/i] here is markup."
    source: src
    hint: "[b]Look[/b] closely"
"""


TRUE_OR_FALSE = """\
deck: tf
title: True or false
questions:
  - id: one
    type: truefalse
    prompt: The call took place on 1 January 2000.
    answer: true
  - id: two
    type: truefalse
    prompt: Clinton called from Moscow.
    answer: false
  - id: three
    type: truefalse
    prompt: Putin was acting president at the time.
    answer: true
"""


def write_bank(folder: Path, name: str, text: str) -> Path:
    """Write one bank file into `folder` (created) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def one_question_bank(folder: Path, question_id: str) -> Path:
    """A folder holding a copy of the `every` deck with only that question."""
    return write_bank(folder, "every", BANK_HEADER + "questions:\n" + QUESTIONS[question_id])


def log_records(app: QuizApp) -> list[dict[str, Any]]:
    """The records the app wrote to the learner's log."""
    return Store(app.options.scores_dir, app.learner).read().records


def answers(app: QuizApp) -> list[dict[str, Any]]:
    """Only the `answer` records."""
    return [r for r in log_records(app) if r["kind"] == "answer"]


def text(widget: Widget) -> str:
    """The plain text a widget shows (its render, markup-free)."""
    return str(widget.render())


def screen_texts(app: QuizApp) -> str:
    """The plain text of every `Static` on the active screen, one per line."""
    from textual.widgets import Static

    return "\n".join(text(w) for w in app.screen.query(Static) if w.display)
