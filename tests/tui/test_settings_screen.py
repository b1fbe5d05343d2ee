"""The Settings screen: reached with `c` from home, values checked, saved to the learner's file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from textual.widgets import Input, Static

from quiz.core.settings import load_settings
from quiz.tui.screens.drill import DrillScreen
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


async def test_exam_date_is_set_on_the_settings_screen_and_the_drill_says_it_follows_the_plan(
    make_app: AppFactory, _private_config: Path
) -> None:
    app = make_app()  # the clock says 2026-01-05
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        field = screen.query_one("#set-exam_date", Input)
        assert field.value == "none"
        field.focus()
        field.value = "2025-12-01"
        await pilot.press("enter")
        await pilot.pause()
        error = str(screen.query_one("#settings-error", Static).render())
        assert "exam_date: 2025-12-01 is in the past (today is 2026-01-05)" in error
        assert app.settings.exam_date is None and not (_private_config / "settings.toml").exists()
        field.value = "2026-01-20"
        await pilot.press("enter")
        await pilot.pause()
        assert app.settings.exam_date == date(2026, 1, 20)
        assert load_settings(_private_config / "settings.toml").exam_date == date(2026, 1, 20)
        # Emptied, the field clears the date (the key leaves the file); typed again, it is back.
        field.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.settings.exam_date is None and field.value == "none"
        assert "exam_date" not in (_private_config / "settings.toml").read_text()
        field.value = "2026-01-20"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("d")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert drill.session.exam_plan == date(2026, 1, 20)
        assert drill.sub_title == "ana · exam plan for 2026-01-20"


async def test_a_drill_after_the_exam_date_is_ordinary_and_says_so(make_app: AppFactory) -> None:
    app = make_app()  # the clock says 2026-01-05
    app.settings = replace(app.settings, exam_date=date(2026, 1, 2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        drill = app.screen
        assert isinstance(drill, DrillScreen)
        assert drill.session.exam_plan is None and drill.sub_title == "ana"
        messages = [str(n.message) for n in app._notifications]
        assert any("Your exam date 2026-01-02 has come, so this is an ordinary drill." in m for m in messages)
