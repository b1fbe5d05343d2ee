"""`quiz where`: where the banks, scores, log, preferences and caches are, and why.

Also the one-time notice for a learner whose old `./scores` (the default before
scores had one home) still holds a log: nothing is moved, the learner is told how
to use it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from quiz.cli.common import EXIT_OK, AddCommand, Context
from quiz.core import paths
from quiz.core.config import Located, locate_questions, locate_scores
from quiz.core.text import clean

NOTICES = "notices.json"
"""In the config folder: the old scores folders the learner has been told about."""


def register(add: AddCommand) -> None:
    """Add `where` to the command line."""
    where = add("where", "print where the banks, scores, preferences and caches are, and which rule chose each")
    where.add_argument("--json", action="store_true", help="print JSON")
    where.set_defaults(run=run_where)


def _rule(located: Located) -> str:
    return f"{located.rule} ({located.detail})" if located.detail else located.rule


def locations(args: argparse.Namespace, ctx: Context) -> list[tuple[str, Path | None, str]]:
    """(what, path, rule) for each place, in the order `quiz where` prints them."""
    from quiz.core.device import DeviceError, device_name

    scores = locate_scores(args.scores)
    questions = locate_questions(args.questions)
    config_rule = "environment (QUIZ_CONFIG)" if os.environ.get("QUIZ_CONFIG", "").strip() else "platform default"
    cache_value = os.environ.get("QUIZ_CACHE", "").strip()
    cache = paths.cache_dir()
    cache_rule = "environment (QUIZ_CACHE)" if cache_value else "platform default"
    try:
        device = device_name()
    except DeviceError as error:
        device = f"(unusable QUIZ_DEVICE: {error})"
    rows: list[tuple[str, Path | None, str]] = []
    for index, path in enumerate(ctx.question_paths):
        rows.append(("banks", path, _rule(questions) if index == 0 else questions.rule))
    rows += [
        ("scores", ctx.scores_dir, _rule(scores)),
        ("log", ctx.scores_dir / ctx.learner / f"{device}.jsonl", f"learner {ctx.learner}, device {device}"),
        # `quiz optimize` keeps this device's fit here; drills use the fit over most reviews of every device's file.
        ("parameters", ctx.scores_dir / ctx.learner / f"parameters.{device}.json", f"quiz optimize, device {device}"),
        ("settings", paths.config_dir() / "settings.toml", config_rule),
        ("preferences", paths.config_dir() / "prefs.json", config_rule),
        ("config", paths.config_dir(), config_rule),
        ("cache", cache, "off (QUIZ_CACHE)" if cache is None else cache_rule),
    ]
    return rows


def run_where(args: argparse.Namespace, ctx: Context) -> int:
    """Print one line per place: what, path, rule."""
    rows = locations(args, ctx)
    if args.json:
        data: dict[str, Any] = {"banks": []}
        for what, path, rule in rows:
            entry = {"path": None if path is None else str(path), "rule": rule}
            if what == "banks":
                data["banks"].append(entry)
            else:
                data[what] = entry
        data["learner"] = ctx.learner
        json.dump(data, ctx.stdout, indent=2, ensure_ascii=True)
        ctx.stdout.write("\n")
        return EXIT_OK
    width = max(len(what) for what, _, _ in rows)
    for what, path, rule in rows:
        shown = "(none)" if path is None else clean(str(path))
        ctx.stdout.write(f"{what:<{width}}  {shown}  [{clean(rule)}]\n")
    return EXIT_OK


def old_scores_notice(ctx: Context, rule: str) -> str | None:
    """A one-time message when `./scores` holds this learner's log but is not in use.

    Returns the message the first time for a given folder (and remembers that it
    was shown, in the config folder), else None. Never moves anything.
    """
    from quiz.core.prefs import load_prefs, save_prefs

    if rule in ("flag", "environment"):
        return None
    local = Path("scores")
    try:
        if not (local / ctx.learner).is_dir() or not any((local / ctx.learner).glob("*.jsonl")):
            return None
        here = local.resolve()
        if here == ctx.scores_dir.resolve():
            return None
    except (OSError, RuntimeError):
        return None
    notices = paths.config_dir() / NOTICES
    seen = load_prefs(notices)
    told = seen.get("old_scores", [])
    if not isinstance(told, list):
        told = []
    if str(here) in told:
        return None
    with contextlib.suppress(OSError):  # if it fails, the learner is told again next time
        save_prefs(notices, {**seen, "old_scores": [*told, str(here)]})
    return (
        f"note: {clean(str(here))} holds answers of {clean(ctx.learner)}, but your scores now live in "
        f"{clean(str(ctx.scores_dir))}. To keep using the old folder: quiz --scores {clean(str(here))}  "
        f"(or set QUIZ_SCORES). Nothing was moved. This note is shown once."
    )
