"""Screenshots for the README: the drill screen, feedback, and the history screen.

Run from the repository root:

    /work/venv/bin/python tests/tui/make_screenshots.py            # writes docs/screenshot-*.png
    /work/venv/bin/python tests/tui/make_screenshots.py --svg-only  # keeps the SVGs, no PNG

The app runs headless (`App.run_test`, 100x30) on the bundled banks, with a fixed
clock, `TZ=UTC`, seeded random sources and a temporary scores folder, so the pictures
only change when the screens do. The history is seeded through `quiz.core.session`
(a few drill sessions on earlier days), exactly as answering in the app would write it.
PNGs are rendered from Textual's SVG with `rsvg-convert` (Debian: librsvg2-bin).

Not a test: the name has no `test_` prefix, so pytest never collects it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ["TZ"] = "UTC"  # due dates on screen are shown in local time
time.tzset()

from quiz.core.bank import bundled_questions_dir, load_paths  # noqa: E402
from quiz.core.config import Options  # noqa: E402
from quiz.core.grading import Response  # noqa: E402
from quiz.core.model import (  # noqa: E402
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    Library,
    MatchQuestion,
    MultiQuestion,
    NumberQuestion,
    OrderQuestion,
    ShortQuestion,
    TrueFalseQuestion,
)
from quiz.core.scheduling import Settings  # noqa: E402
from quiz.core.session import Presented, Session  # noqa: E402
from quiz.core.store import Store  # noqa: E402
from quiz.tui.app import QuizApp  # noqa: E402
from quiz.tui.screens.drill import DrillScreen  # noqa: E402
from quiz.tui.screens.history import HistoryScreen  # noqa: E402

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
"""A Tuesday morning; every screenshot is taken at this moment."""
SIZE = (100, 30)
DECK = "clinton-putin-call"
ROOT = Path(__file__).resolve().parents[2]


def response_for(presented: Presented, right: bool) -> Response:
    """A response to the question on screen: the expected one, or a plausible mistake."""
    question = presented.question
    if isinstance(question, ChoiceQuestion):
        return question.answer if right else next(c for c in presented.choices if c != question.answer)
    if isinstance(question, MultiQuestion):
        return question.answers if right else frozenset(presented.choices[:1])
    if isinstance(question, TrueFalseQuestion):
        return question.answer if right else not question.answer
    if isinstance(question, ShortQuestion):
        return question.answers[0] if right else "I do not remember"
    if isinstance(question, NumberQuestion):
        return f"{question.answer:g}" if right else f"{question.answer + 100:g}"
    if isinstance(question, ClozeQuestion):
        gaps = [part for part in question.parts if isinstance(part, Gap)]
        return tuple(gap.answers[0] if right else "?" for gap in gaps)
    if isinstance(question, OrderQuestion):
        return question.items if right else presented.items
    if isinstance(question, MatchQuestion):
        if right:
            return dict(question.pairs)
        lefts = [left for left, _ in question.pairs]
        rights = list(presented.rights)
        return dict(zip(lefts, rights[1:] + rights[:1], strict=True))
    if isinstance(question, CardQuestion):
        return 3 if right else 1
    raise TypeError(f"no response for {question.type}")


def stepping_clock(start: datetime, step: timedelta) -> Callable[[], datetime]:
    """A clock that moves on by `step` each time it is read (answers take time)."""
    moment = [start]

    def now() -> datetime:
        moment[0] += step
        return moment[0]

    return now


def seed_history(library: Library, scores: Path, learner: str) -> None:
    """Drill sessions on earlier days: a few answers each, most of them right."""
    rng = random.Random(7)
    for days_ago in (26, 22, 19, 15, 12, 9, 8, 6, 4, 2, 1):
        start = NOW - timedelta(days=days_ago, hours=rng.randint(0, 6))
        session = Session(
            library,
            Store(scores, learner),
            Settings(),
            mode="drill",
            clock=stepping_clock(start, timedelta(seconds=9)),
            rng=random.Random(days_ago),
        )
        for _ in range(rng.randint(4, 14)):
            presented = session.current
            if presented is None:
                break
            right = rng.random() < 0.8
            session.answer(response_for(presented, right), elapsed=round(rng.uniform(3, 25), 1))
            session.next()


def make_app(library: Library, scores: Path, learner: str, command: str, decks: tuple[str, ...] = ()) -> QuizApp:
    """The app at `NOW`, replaying in the foreground (one step at a time)."""
    options = Options(
        learner=learner,
        scores_dir=scores,
        question_paths=(bundled_questions_dir(),),
        command=command,  # type: ignore[arg-type]
        decks=decks,
    )
    return QuizApp(
        options,
        library,
        clock=lambda: NOW,
        rng=random.Random(3),
        prefs_file=scores / "prefs.json",
        background=False,
    )


async def take(library: Library, scores: Path, out: Path) -> list[Path]:
    """Drive the app and save the three SVGs; returns their paths."""
    saved: list[Path] = []

    def save(app: QuizApp, name: str) -> None:
        app.save_screenshot(f"{name}.svg", str(out))
        saved.append(out / f"{name}.svg")

    app = make_app(library, scores, "pat", "drill", (DECK,))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen) and screen.presented is not None
        presented = screen.presented
        assert isinstance(presented.question, ChoiceQuestion), presented.question.type
        await pilot.press(str(presented.choices.index(presented.question.answer) + 1))
        await pilot.pause()
        save(app, "screenshot-drill")
        await pilot.press("enter")
        await pilot.pause()
        save(app, "screenshot-feedback")

    seed_history(library, scores, "ana")
    app = make_app(library, scores, "ana", "home")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("H")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        save(app, "screenshot-history")
    return saved


def to_png(svg: Path, png: Path) -> None:
    """Render with rsvg-convert; Textual's non-breaking spaces become plain, preserved ones
    (librsvg otherwise draws a row's leading spaces with no width)."""
    text = svg.read_text(encoding="utf-8").replace("&#160;", " ")
    text = re.sub(r"<svg ", '<svg xml:space="preserve" ', text, count=1)
    fixed = svg.with_suffix(".fixed.svg")
    fixed.write_text(text, encoding="utf-8")
    subprocess.run(["rsvg-convert", str(fixed), "-o", str(png)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go (default: docs/)")
    parser.add_argument("--svg-only", action="store_true", help="keep the SVGs next to the PNGs' place, no PNG")
    args = parser.parse_args()
    if not args.svg_only and shutil.which("rsvg-convert") is None:
        print("rsvg-convert not found: apt-get install -y librsvg2-bin (or use --svg-only)", file=sys.stderr)
        return 1
    library, problems = load_paths([bundled_questions_dir()])
    if problems:
        print(f"the bundled banks have {len(problems)} problems; run quiz check", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="quiz-screenshots-") as temp:
        work = Path(temp)
        svgs = asyncio.run(take(library, work / "scores", work))
        for svg in svgs:
            if args.svg_only:
                shutil.copy(svg, args.out / svg.name)
                print(args.out / svg.name)
                continue
            png = args.out / svg.with_suffix(".png").name
            to_png(svg, png)
            print(f"{png}  {png.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
