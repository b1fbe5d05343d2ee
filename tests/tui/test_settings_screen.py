"""The Settings screen: reached with `c` from home, values checked, saved to the learner's file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from quiz.core.settings import load_settings
from quiz.tui.screens.home import HomeScreen
from quiz.tui.screens.settings import SettingsScreen
from tests.tui.conftest import AppFactory

SIZE = (100, 40)


async def test_settings_screen_saves_a_good_value_and_refuses_a_bad_one(
    make_app: AppFactory, _private_config: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        retention = screen.query_one("#set-desired_retention", Input)
        assert retention.value == "0.9"
        workload_before = str(screen.query_one("#workload", Static).render())
        assert "reviews a day" in workload_before

        retention.focus()
        retention.value = "0.99"
        await pilot.press("enter")
        await pilot.pause()
        error = str(screen.query_one("#settings-error", Static).render())
        assert "desired_retention: 0.99 is out of range; use a number from 0.70 to 0.97" in error
        assert not (_private_config / "settings.toml").exists()
        assert app.settings.desired_retention == 0.9

        retention.value = "0.8"
        await pilot.pause()
        # The workload follows what is typed, before it is saved.
        workload_after = str(screen.query_one("#workload", Static).render())
        assert workload_after != workload_before
        await pilot.press("enter")
        await pilot.pause()
        assert str(screen.query_one("#settings-error", Static).render()) == ""
        assert app.settings.desired_retention == 0.8
        assert load_settings(_private_config / "settings.toml").desired_retention == 0.8

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_settings_are_in_the_command_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Settings" in titles
