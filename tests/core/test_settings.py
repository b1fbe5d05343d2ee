"""The settings file and `quiz config`: what a learner sees, sets, and is told when a value is bad."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.core.scheduling import Settings
from quiz.core.settings import SettingsError, load_settings, parse_value, save_settings, set_value, settings_path
from quiz.core.workload import estimate


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "settings.toml") == Settings()


def test_path_is_in_the_config_folder(_private_config: Path) -> None:
    code, out, _ = run("config", "--path")
    assert code == 0
    assert out.strip() == str(_private_config / "settings.toml")
    assert settings_path() == _private_config / "settings.toml"


def test_set_then_read_back_every_kind_of_key(_private_config: Path) -> None:
    assert run("config", "desired_retention", "0.85")[0] == 0
    assert run("config", "new_per_day", "5")[0] == 0
    assert run("config", "learning_steps", "30s", "5m", "1h")[0] == 0
    assert run("config", "day_starts_at", "6")[0] == 0
    settings = load_settings()
    assert settings.desired_retention == 0.85
    assert settings.new_per_day == 5
    assert settings.learning_steps == (timedelta(seconds=30), timedelta(minutes=5), timedelta(hours=1))
    assert settings.day_starts_at == 6
    assert settings.reviews_per_day == Settings().reviews_per_day  # untouched
    assert run("config", "learning_steps") == (0, "30s 5m 1h\n", "")
    # The file is plain TOML a learner can read, holding only what was set.
    text = (_private_config / "settings.toml").read_text()
    assert 'learning_steps = ["30s", "5m", "1h"]' in text
    assert "reviews_per_day" not in text


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("desired_retention", "0.99", "desired_retention: 0.99 is out of range; use a number from 0.70 to 0.97"),
        ("desired_retention", "lots", "desired_retention: 'lots' is not a number"),
        ("day_starts_at", "24", "day_starts_at: 24 is out of range; use a whole number from 0 to 23"),
        ("new_per_day", "-1", "new_per_day: -1 is out of range"),
        ("new_per_day", "2.5", "new_per_day: '2.5' is not a whole number"),
        ("learning_steps", "10 minutes", "learning_steps: '10' is not a duration"),
        ("maximum_interval", "0", "maximum_interval: 0 is out of range; use a whole number from 1 to 36500"),
    ],
)
def test_bad_values_are_refused_with_the_key_and_its_range(
    _private_config: Path, key: str, value: str, words: str
) -> None:
    code, _out, err = run("config", key, *value.split())
    assert code == 1
    assert words in err
    assert "Traceback" not in err
    assert not (_private_config / "settings.toml").exists()  # nothing written


def test_unknown_key_is_a_usage_error() -> None:
    code, _, err = run("config", "retention", "0.9")
    assert code == 2
    assert "unknown setting 'retention'" in err and "desired_retention" in err


def test_a_bad_file_lists_every_problem_and_stops_the_drill(_private_config: Path) -> None:
    path = _private_config / "settings.toml"
    path.write_text('desired_retention = 1.5\nnew_per_dya = 10\nlearning_steps = "1m"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "desired_retention: 1.5 is out of range" in message
    assert "unknown setting 'new_per_dya'" in message
    code, _, err = run("history")
    assert code == 2 and "desired_retention: 1.5 is out of range" in err
    code, _, err = run("drill")
    assert code == 2 and "not usable" in err


def test_not_toml_is_a_clear_message(_private_config: Path) -> None:
    (_private_config / "settings.toml").write_text("desired_retention = \n")
    code, _, err = run("config")
    assert code == 1 and "is not valid TOML" in err


def test_reset_gives_the_default_back(_private_config: Path) -> None:
    run("config", "new_per_day", "3")
    assert run("config", "new_per_day", "--reset")[1] == "new_per_day = 20 (default)\n"
    assert load_settings().new_per_day == 20


def test_listing_shows_values_ranges_and_workload(_private_config: Path) -> None:
    run("config", "desired_retention", "0.8")
    code, out, _ = run("config")
    assert code == 0
    assert "desired_retention  0.8\n" in out
    assert "new_per_day        20  (default)" in out
    assert "a number from 0.70 to 0.97" in out
    assert "workload at retention 0.80: about" in out


def test_save_is_atomic_and_readable(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.toml"
    settings = Settings(desired_retention=0.93, relearning_steps=(timedelta(minutes=5), timedelta(days=1)))
    save_settings(path, settings)
    assert load_settings(path) == settings
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temporary left


def test_set_value_keeps_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    set_value(path, "new_per_day", parse_value("new_per_day", "7"))
    set_value(path, "leech_threshold", parse_value("leech_threshold", "4"))
    settings = load_settings(path)
    assert (settings.new_per_day, settings.leech_threshold) == (7, 4)


def test_higher_retention_costs_more_reviews() -> None:
    low = estimate(Settings(desired_retention=0.8))
    high = estimate(Settings(desired_retention=0.95))
    assert high.reviews_per_day > 1.5 * low.reviews_per_day
    assert estimate(Settings(new_per_day=10)).reviews_per_day == pytest.approx(
        estimate(Settings(new_per_day=20)).reviews_per_day / 2
    )


def test_exam_date_is_set_shown_cleared_and_checked(_private_config: Path) -> None:
    from datetime import date

    from quiz.core.scheduling import utc_now

    today = Settings().days.day_of(utc_now())
    coming = date(today.year + 1, 1, 20)
    code, out, _ = run("config", "exam_date", coming.isoformat())
    assert code == 0
    assert f"exam_date = {coming.isoformat()}" in out and "Drills now follow the plan" in out
    # Stored as a TOML date, read back as a date.
    assert f"exam_date = {coming.isoformat()}\n" in (_private_config / "settings.toml").read_text()
    assert load_settings().exam_date == coming
    assert run("config", "exam_date") == (0, f"{coming.isoformat()}\n", "")
    # A day in the past, or not a day, is refused with a clear message, and the file keeps its date.
    code, _, err = run("config", "exam_date", "2020-01-01")
    assert code == 1 and "exam_date: 2020-01-01 is in the past (today is" in err and "Traceback" not in err
    code, _, err = run("config", "exam_date", "20 January")
    assert code == 1 and "'20 January' is not a day like 2027-01-20" in err
    assert load_settings().exam_date == coming
    # `none` clears it (the key leaves the file); --reset too.
    code, out, _ = run("config", "exam_date", "none")
    assert code == 0 and "exam_date = none" in out and "No exam date" in out
    assert "exam_date" not in (_private_config / "settings.toml").read_text()
    assert load_settings().exam_date is None
    run("config", "exam_date", coming.isoformat())
    assert run("config", "exam_date", "--reset")[0] == 0 and load_settings().exam_date is None
    # parse_value takes the learner's day: the same date is refused after it.
    assert parse_value("exam_date", "2027-01-20", today=date(2027, 1, 20)) == date(2027, 1, 20)
    with pytest.raises(SettingsError, match="in the past"):
        parse_value("exam_date", "2027-01-20", today=date(2027, 1, 21))


def test_an_exam_date_in_the_file_that_has_passed_still_loads_and_is_reported(_private_config: Path) -> None:
    (_private_config / "settings.toml").write_text('exam_date = "2020-01-01"\nnew_per_day = 5\n')
    from datetime import date

    assert load_settings().exam_date == date(2020, 1, 1)  # the file stays usable after the exam
    code, out, _ = run("config")
    assert code == 0 and "2020-01-01  (passed: drills are ordinary again" in out
    (_private_config / "settings.toml").write_text("exam_date = 2027\n")
    with pytest.raises(SettingsError, match="exam_date: 2027 is not a day"):
        load_settings()
