"""Switching learner in the TUI switches the FSRS parameters too: each learner's own kept
fit, else the bank's shipped `scheduling.parameters`, else the defaults."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import fsrs
import pytest
from textual.pilot import Pilot

from quiz.core.optimizer import Fit, parameters_for, parameters_path, save_parameters
from quiz.core.scheduling import Settings
from quiz.tui.screens.drill import DrillScreen
from quiz.tui.screens.home import HomeScreen
from tests.tui.banks import NOW, TRUE_OR_FALSE, write_bank
from tests.tui.conftest import AppFactory

SIZE = (100, 32)
DEFAULTS = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)
ANAS = tuple(value * 0.9 if index < 4 else value for index, value in enumerate(DEFAULTS))
"""Ana's own fit: first stabilities 10% lower."""
BANKS = tuple(value * 1.1 if index < 4 else value for index, value in enumerate(DEFAULTS))
"""The teacher's class fit, shipped in the bank's header."""


def _bank(tmp_path: Path, shipped: bool) -> Path:
    header = "scheduling:\n  parameters: [" + ", ".join(repr(v) for v in BANKS) + "]\n" if shipped else ""
    return write_bank(tmp_path / "tf-banks", "tf", TRUE_OR_FALSE.replace("questions:\n", header + "questions:\n", 1))


async def _switch(pilot: Pilot[int], name: str) -> None:
    """The home screen's `l`, the name typed over the current one, Enter."""
    await pilot.press("l")
    await pilot.pause()
    await pilot.press("ctrl+u", *name, "enter")
    await pilot.pause()


@pytest.mark.parametrize("shipped", [True, False])
async def test_switching_learner_uses_that_learners_parameters(
    tmp_path: Path, make_app: AppFactory, shipped: bool
) -> None:
    folder = _bank(tmp_path, shipped)
    app = make_app(folder)
    scores = app.options.scores_dir
    fit = Fit(ANAS, 900, {"default": 0.5, "fitted": 0.4}, {"default": 0.1, "fitted": 0.05}, True, 700, 200)
    save_parameters(parameters_path(scores, "ana"), fit, NOW)
    # As `quiz` starts the app for ana: her own kept parameters.
    app.settings = replace(Settings(), parameters=parameters_for(scores, "ana", app.library.banks))
    assert app.settings.parameters == pytest.approx(ANAS)
    others = BANKS if shipped else None
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _switch(pilot, "boris")
        assert isinstance(app.screen, HomeScreen) and app.learner == "boris"
        # Boris has no fit of his own: the bank's, or the defaults; never ana's.
        if others is None:
            assert app.settings.parameters is None
        else:
            assert app.settings.parameters == pytest.approx(others)
        # Back to ana: her own fit again.
        await _switch(pilot, "ana")
        assert app.learner == "ana" and app.settings.parameters == pytest.approx(ANAS)
        # And boris's drill is scheduled with his parameters.
        await _switch(pilot, "boris")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        used = app.screen.session.scheduler.settings.parameters
        assert used == (None if others is None else pytest.approx(others))
