"""`quiz optimize`: fit FSRS parameters to a learner's own reviews, and keep them only if better.

The fitting is `fsrs-rs-python` (the Rust optimizer Anki uses, no PyTorch). This
module only prepares its input and judges its output:

1. The effective answers of the log(s) (rerates applied, undos dropped, cram
   skipped: cram never moves the schedule, so it is no evidence about it), per
   question in time order, become review histories with the number of learner
   days (`quiz.core.days`) between reviews, as FSRS counts them.
2. Every review after the first is one training item: the history up to it, whose
   last rating is the outcome to predict. Items whose history has no review on a
   later day are only short-term and are left out (the optimizer cannot use them).
3. A time-ordered split: the items are sorted by the time of their last review;
   the first `TRAIN_SHARE` fit, the rest test. No item of the test set is older
   than the newest of the training set, so the test is a forecast, as a real
   schedule is.
4. The default and the fitted parameters are both scored on the test items:
   log loss and RMSE over bins, the figures the FSRS benchmark uses. The fitted
   ones are kept only when both are lower.

Too few reviews (`MIN_REVIEWS`) is a clear "n more needed"; anything the optimizer
refuses (it raises on histories it cannot use) becomes an `OptimizeError` with its
message, never a traceback.

Kept parameters live beside the learner's logs, one file per device
(`parameters.<device>.json`), for the reason the logs are one file per device: a
scores folder synced through git or a file-sync tool from two devices then never
has two writers of one file, so never a conflict. Every device reads all of them
(and the `parameters.json` of earlier versions) and uses the fit made on the most
reviews, the newest on a tie: a device that has seen more of the merged log made
the better-informed fit. (Keeping them outside the synced folder would also avoid
conflicts, but each device would then fit alone, and a new device would start on
the defaults.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quiz.core import atomic
from quiz.core.days import Days

__all__ = [
    "MIN_REVIEWS",
    "PARAMETERS_NAME",
    "Fit",
    "OptimizeError",
    "TooFewReviews",
    "histories",
    "kept_parameters",
    "load_parameters",
    "optimize",
    "parameters_for",
    "parameters_path",
    "save_parameters",
]

MIN_REVIEWS = 400
"""Reviews on a later day than the question's first answer needed before fitting is
worth it (Anki asks for about as many): fewer, and the defaults predict better."""
TRAIN_SHARE = 0.8
PARAMETERS_NAME = "parameters.json"
"""Where versions before per-device files kept a learner's parameters (still read)."""
PARAMETERS_GLOB = "parameters.*.json"
"""Beside the learner's logs: each device's kept parameters and how they were judged."""


class OptimizeError(ValueError):
    """The reviews cannot be fitted; `str()` says why, for the learner."""


class TooFewReviews(OptimizeError):
    """Not enough reviews yet; `needed` says how many more."""

    def __init__(self, have: int, needed: int) -> None:
        super().__init__(
            f"{have} reviews on a later day than a question's first answer; fitting needs {MIN_REVIEWS}: "
            f"{needed} more needed. Until then the default parameters (or your bank's) are used."
        )
        self.have = have
        self.needed = needed


@dataclass(frozen=True)
class Fit:
    """What an optimization gave: the parameters, the evidence, and whether they were kept."""

    parameters: tuple[float, ...]
    reviews: int
    """Reviews used (training and test items together)."""
    log_loss: dict[str, float]
    """{"default": x, "fitted": y} on the test items."""
    rmse_bins: dict[str, float]
    kept: bool
    train_items: int
    test_items: int

    def to_json(self) -> dict[str, Any]:
        """The `--json` output."""
        return {
            "parameters": list(self.parameters),
            "reviews": self.reviews,
            "log_loss": dict(self.log_loss),
            "rmse_bins": dict(self.rmse_bins),
            "kept": self.kept,
        }


Review = tuple[datetime, int]
"""(time, rating) of one effective answer."""


def effective_answers(records: Iterable[dict[str, Any]]) -> dict[str, list[Review]]:
    """Per question key, its effective non-cram answers (rerates applied, undos dropped), in time order."""
    answers: dict[str, tuple[str, datetime, int]] = {}
    for record in records:
        kind = record["kind"]
        if kind == "answer":
            if record.get("mode") == "cram":
                continue
            moment = datetime.fromisoformat(record["time"])
            answers[record["id"]] = (record["key"], moment, record["rating"])
        elif kind == "rerate":
            found = answers.get(record["ref"])
            if found is not None:
                answers[record["ref"]] = (found[0], found[1], record["rating"])
        elif kind == "undo":
            answers.pop(record["ref"], None)
    by_key: dict[str, list[Review]] = {}
    for key, moment, rating in answers.values():
        by_key.setdefault(key, []).append((moment, rating))
    for reviews in by_key.values():
        reviews.sort(key=lambda review: review[0])
    return by_key


def histories(logs: Sequence[Iterable[dict[str, Any]]], days: Days) -> list[tuple[datetime, list[tuple[int, int]]]]:
    """Training items from one or more logs: (time of the last review, [(rating, days since previous)]).

    Each log is a learner (pooled for a class): a question's histories never mix learners.
    """
    items: list[tuple[datetime, list[tuple[int, int]]]] = []
    for records in logs:
        for reviews in effective_answers(records).values():
            sequence: list[tuple[int, int]] = []
            previous_day = None
            for moment, rating in reviews:
                day = days.day_of(moment)
                delta = 0 if previous_day is None else (day - previous_day).days
                previous_day = day
                sequence.append((rating, delta))
                if len(sequence) > 1 and any(step > 0 for _, step in sequence[1:]):
                    items.append((moment, list(sequence)))
    items.sort(key=lambda item: item[0])
    return items


def optimize(items: Sequence[tuple[datetime, list[tuple[int, int]]]], *, epochs: int = 5) -> Fit:
    """Fit on the older items, judge on the newer (see the module); OptimizeError if impossible."""
    import fsrs_rs_python as rs

    reviews = len(items)
    if reviews < MIN_REVIEWS:
        raise TooFewReviews(reviews, MIN_REVIEWS - reviews)
    split = int(len(items) * TRAIN_SHARE)
    train = [rs.FSRSItem([rs.FSRSReview(rating, delta) for rating, delta in history]) for _, history in items[:split]]
    test = [rs.FSRSItem([rs.FSRSReview(rating, delta) for rating, delta in history]) for _, history in items[split:]]
    train = [item for item in train if item.long_term_review_cnt() > 0]
    test = [item for item in test if item.long_term_review_cnt() > 0]
    if not train or not test:
        raise OptimizeError("the reviews have no history across days to learn from yet; keep reviewing")
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    default = tuple(float(value) for value in rs.DEFAULT_PARAMETERS)
    try:
        raw = rs.FSRS(list(default)).compute_parameters(train, training_config=rs.TrainingConfig(num_epochs=epochs))
        # Within the bounds the `fsrs` scheduler accepts, so what is kept can always be used.
        fitted = tuple(
            min(max(float(value), low), high)
            for value, low, high in zip(raw, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=False)
        )
        before = rs.FSRS(list(default)).evaluate(test)
        after = rs.FSRS(list(fitted)).evaluate(test)
    except Exception as error:  # the optimizer raises its own errors on histories it rejects
        raise OptimizeError(f"the optimizer could not use these reviews: {error}") from None
    scores = (before.log_loss, after.log_loss, before.rmse_bins, after.rmse_bins)
    if len(fitted) != len(default) or not all(math.isfinite(value) for value in (*fitted, *scores)):
        raise OptimizeError("the optimizer gave no usable parameters for these reviews")
    kept = after.log_loss < before.log_loss and after.rmse_bins < before.rmse_bins
    return Fit(
        parameters=fitted,
        reviews=reviews,
        log_loss={"default": before.log_loss, "fitted": after.log_loss},
        rmse_bins={"default": before.rmse_bins, "fitted": after.rmse_bins},
        kept=kept,
        train_items=len(train),
        test_items=len(test),
    )


def parameters_path(scores_dir: Path, learner: str, device: str | None = None) -> Path:
    """Where this device (`quiz.core.device`, `QUIZ_DEVICE`) keeps the learner's fitted parameters."""
    from quiz.core.device import device_name, validate_device

    name = device_name() if device is None else validate_device(device)
    return Path(scores_dir) / learner / f"parameters.{name}.json"


def save_parameters(path: Path, fit: Fit, when: datetime) -> None:
    """Write the kept parameters atomically (with the evidence, for `quiz optimize` to show later)."""
    data = json.dumps({**fit.to_json(), "fitted_at": when.isoformat()}, indent=2) + "\n"
    atomic.write_text(path, data, prefix=".parameters-")


def load_parameters(path: Path) -> tuple[float, ...] | None:
    """The parameters kept in one file, or None (no file, or one that is not usable: then the defaults)."""
    found = _read_fit(path)
    return None if found is None else found[2]


_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _read_fit(path: Path) -> tuple[int, datetime, tuple[float, ...]] | None:
    """(reviews, fitted_at, parameters) of one kept fit, or None when the file is missing or unusable."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        values = data["parameters"]
        if not (isinstance(values, list) and len(values) == len(LOWER_BOUNDS_PARAMETERS)):
            return None
        numbers = tuple(float(value) for value in values)
        reviews = data.get("reviews", 0)
        when = data.get("fitted_at", "")
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    for number, low, high in zip(numbers, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True):
        if not low <= number <= high:
            return None
    reviews = reviews if isinstance(reviews, int) and not isinstance(reviews, bool) else 0
    try:
        moment = datetime.fromisoformat(when) if isinstance(when, str) else _NEVER
    except ValueError:
        moment = _NEVER
    if moment.tzinfo is None:
        moment = _NEVER  # a time without a zone cannot be ordered against the others
    return reviews, moment, numbers


def kept_parameters(scores_dir: Path, learner: str) -> tuple[float, ...] | None:
    """The learner's parameters among every device's file: the fit over the most reviews,
    the newest on a tie (see the module); None when no device kept a usable fit."""
    folder = Path(scores_dir) / learner
    try:
        files = sorted([*folder.glob(PARAMETERS_GLOB), folder / PARAMETERS_NAME])
    except OSError:
        return None
    fits = [fit for fit in map(_read_fit, files) if fit is not None]
    if not fits:
        return None
    return max(fits, key=lambda fit: (fit[0], fit[1]))[2]


def parameters_for(scores_dir: Path, learner: str, banks: Iterable[Any]) -> tuple[float, ...] | None:
    """The FSRS parameters a learner's sessions use: their own kept ones, else the first
    bank's `scheduling.parameters` (a teacher's fit on the class), else None (the defaults)."""
    own = kept_parameters(scores_dir, learner)
    if own is not None:
        return own
    for bank in banks:
        if getattr(bank, "parameters", None) is not None:
            return tuple(bank.parameters)
    return None
