"""The bundled course as a learner starts it: `quiz drill` opens on the context of
1999-2000, and the home screen lists the decks in course order."""

from __future__ import annotations

from quiz.core.bank import bundled_questions_dir
from quiz.tui.screens.drill import DrillScreen
from tests.tui.conftest import AppFactory

SIZE = (100, 32)


async def test_a_first_drill_of_the_bundled_banks_starts_with_the_context_deck(make_app: AppFactory) -> None:
    app = make_app(bundled_questions_dir(), command="drill")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        current = app.screen.session.current
        assert current is not None
        assert current.question.deck == "context-1999-2000"
        first = app.library.bank("context-1999-2000")
        assert first is not None and current.question is first.questions[0]
