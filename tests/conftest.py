"""Shared test set-up: no test writes to the real user's cache folder, and local
time is UTC so that due dates shown on screen never depend on the machine."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point the caches and the config folder (preferences) at temporary folders for the whole run."""
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_CACHE", str(folder))
        patch.setenv("QUIZ_CONFIG", str(tmp_path_factory.mktemp("config")))
        # The device's log keeps the name of the single log of earlier versions, so
        # tests written against `reviews.jsonl` still read and write that file; the
        # per-device names are tested in tests/core/test_devices.py.
        patch.setenv("QUIZ_DEVICE", "reviews")
        yield folder


@pytest.fixture(autouse=True)
def _private_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets an empty config folder: the learner's settings file never leaks in or out."""
    folder = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("QUIZ_CONFIG", str(folder))
    return folder


@pytest.fixture(autouse=True)
def utc_timezone() -> Iterator[None]:
    """Local time is UTC for every test; the machine's zone is restored after."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()
