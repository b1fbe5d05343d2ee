"""`quiz optimize`: a synthetic learner with known, non-default FSRS parameters is fitted
better than the defaults on held-out reviews; too few or unusable reviews are a clear message."""

from __future__ import annotations

import io
import json
import random
import sys
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fsrs
import pytest

from quiz.cli import main
from quiz.core.bank import load_text
from quiz.core.days import Days
from quiz.core.optimizer import (
    MIN_REVIEWS,
    Fit,
    OptimizeError,
    TooFewReviews,
    histories,
    load_parameters,
    optimize,
    parameters_for,
    parameters_path,
    save_parameters,
)
from quiz.core.scheduling import Scheduler, Settings

START = datetime(2026, 1, 1, 9, tzinfo=UTC)

TRUE_PARAMETERS = list(fsrs.scheduler.DEFAULT_PARAMETERS)
# A forgetful learner: first memories a quarter to a half as stable, slower growth.
TRUE_PARAMETERS[0] *= 0.25
TRUE_PARAMETERS[1] *= 0.3
TRUE_PARAMETERS[2] *= 0.5
TRUE_PARAMETERS[3] *= 0.5
TRUE_PARAMETERS[8] = 1.0


def synthetic_learner(cards: int = 300, seed: int = 1, learner: str = "ana") -> list[dict[str, Any]]:
    """Log records of a learner scheduled by the defaults (as the app did) whose recall
    follows `TRUE_PARAMETERS`: each review passes with the true model's retrievability."""
    rng = random.Random(seed)
    truth = fsrs.Scheduler(parameters=TRUE_PARAMETERS, enable_fuzzing=False, learning_steps=(), relearning_steps=())
    app = fsrs.Scheduler(enable_fuzzing=False, learning_steps=(), relearning_steps=())
    records: list[dict[str, Any]] = []
    for c in range(cards):
        when = START + timedelta(days=c // 10, minutes=c % 10)
        card = true_card = fsrs.Card(card_id=c + 1, due=when)
        first = True
        while when < START + timedelta(days=200):
            recall = 0.6 if first else truth.get_card_retrievability(true_card, when)
            first = False
            rating = fsrs.Rating.Good if rng.random() < recall else fsrs.Rating.Again
            records.append(
                {"v": 1, "kind": "answer", "id": uuid.uuid4().hex, "time": when.isoformat(), "learner": learner,
                 "key": f"d/q{c}", "rating": int(rating), "correct": rating > 1, "mode": "drill"}
            )  # fmt: skip
            true_card, _ = truth.review_card(true_card, rating, when)
            card, _ = app.review_card(card, rating, when)
            when = max(card.due, when + timedelta(days=1))
    return records


def write_log(folder: Path, records: list[dict[str, Any]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reviews.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_fitted_parameters_beat_the_defaults_on_held_out_reviews() -> None:
    items = histories([synthetic_learner()], Days(4, UTC))
    fit = optimize(items)
    assert fit.kept
    assert fit.log_loss["fitted"] < fit.log_loss["default"]
    assert fit.rmse_bins["fitted"] < fit.rmse_bins["default"]
    # The fit moved toward the truth: first-day stability for Good is well under the default.
    assert fit.parameters[2] < fsrs.scheduler.DEFAULT_PARAMETERS[2]
    # The held-out items are the newest: a forecast, not a shuffle.
    assert fit.train_items + fit.test_items <= fit.reviews
    # Usable by the app's scheduler as they are.
    Scheduler(Settings(parameters=fit.parameters))


def test_kept_only_when_both_figures_are_lower(monkeypatch: pytest.MonkeyPatch) -> None:
    # A learner who follows the default model exactly: whatever the fit gives, it is kept
    # only if it beats the defaults on both log loss and RMSE (bins).
    monkeypatch.setattr(sys.modules[__name__], "TRUE_PARAMETERS", list(fsrs.scheduler.DEFAULT_PARAMETERS))
    items = histories([synthetic_learner(cards=120, seed=5)], Days(4, UTC))
    fit = optimize(items)
    both_lower = fit.log_loss["fitted"] < fit.log_loss["default"] and fit.rmse_bins["fitted"] < fit.rmse_bins["default"]
    assert fit.kept == both_lower


def test_too_few_reviews_says_how_many_more() -> None:
    items = histories([synthetic_learner(cards=10)], Days(4, UTC))
    with pytest.raises(TooFewReviews) as caught:
        optimize(items)
    assert caught.value.needed == MIN_REVIEWS - len(items)
    assert f"{caught.value.needed} more needed" in str(caught.value)


def test_reviews_within_one_day_only_are_refused_clearly() -> None:
    records = []
    for c in range(600):
        for minute in (0, 10):
            records.append(
                {"v": 1, "kind": "answer", "id": uuid.uuid4().hex,
                 "time": (START + timedelta(minutes=minute)).isoformat(), "key": f"d/q{c}", "rating": 3,
                 "correct": True}
            )  # fmt: skip
    items = histories([records], Days(4, UTC))
    with pytest.raises(OptimizeError):
        optimize(items)


def test_cram_undone_and_rerated_answers_are_handled() -> None:
    base = synthetic_learner(cards=3)
    answer = base[0]
    extra = [
        {**answer, "id": "cram1", "mode": "cram", "time": (START + timedelta(hours=1)).isoformat()},
        {**answer, "id": "gone", "time": (START + timedelta(hours=2)).isoformat()},
        {"v": 1, "kind": "undo", "id": "u", "ref": "gone", "time": START.isoformat(), "key": answer["key"]},
        {
            "v": 1,
            "kind": "rerate",
            "id": "r",
            "ref": answer["id"],
            "time": START.isoformat(),
            "key": answer["key"],
            "rating": 4,
        },
    ]
    from quiz.core.optimizer import effective_answers

    reviews = effective_answers(base + extra)[answer["key"]]
    assert len(reviews) == sum(1 for r in base if r["key"] == answer["key"])
    assert reviews[0][1] == 4


def test_cli_json_and_kept_parameters_are_used(tmp_path: Path) -> None:
    write_log(tmp_path / "ana", synthetic_learner())
    code, out, err = run("optimize", "--json", "--scores", str(tmp_path), "--learner", "ana")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"parameters", "reviews", "log_loss", "rmse_bins", "kept"}
    assert set(data["log_loss"]) == {"default", "fitted"} and set(data["rmse_bins"]) == {"default", "fitted"}
    assert data["kept"] is True and len(data["parameters"]) == 21
    kept = load_parameters(parameters_path(tmp_path, "ana"))
    assert kept == tuple(data["parameters"])
    assert parameters_for(tmp_path, "ana", ()) == kept


def test_cli_too_few_reviews_exits_1_with_the_count(tmp_path: Path) -> None:
    write_log(tmp_path / "bo", synthetic_learner(cards=5, learner="bo"))
    code, out, err = run("optimize", "--scores", str(tmp_path), "--learner", "bo")
    assert code == 1 and out == ""
    assert "more needed" in err and "Traceback" not in err
    assert not parameters_path(tmp_path, "bo").exists()


def test_class_fit_pools_learners_and_prints_a_bank_header(tmp_path: Path) -> None:
    for index, name in enumerate(("ana", "bo", "cy")):
        write_log(tmp_path / name, synthetic_learner(cards=120, seed=index, learner=name))
    code, out, err = run("optimize", "--class", str(tmp_path))
    assert code == 0, err
    assert "3 learners, pooled" in out
    if "scheduling:" in out:
        header = out[out.index("scheduling:") :]
        bank, problems = load_text(
            header + "questions:\n  - id: q\n    type: short\n    prompt: P?\n    answer: A\n", "b.yaml"
        )
        assert problems == [] and bank is not None and bank.parameters is not None
    assert not any(parameters_path(tmp_path, name).exists() for name in ("ana", "bo", "cy"))


def test_bank_header_parameters_are_checked_and_used_without_own_fit(tmp_path: Path) -> None:
    values = ", ".join(str(v) for v in TRUE_PARAMETERS)
    text = f"scheduling:\n  parameters: [{values}]\nquestions:\n  - id: q\n    type: short\n    prompt: P?\n    answer: A\n"
    bank, problems = load_text(text, "b.yaml")
    assert problems == [] and bank is not None
    assert bank.parameters == pytest.approx(tuple(TRUE_PARAMETERS))
    assert parameters_for(tmp_path, "nobody", [bank]) == bank.parameters
    bad = text.replace(f"[{values}]", "[1, 2, 3]")
    _, problems = load_text(bad, "b.yaml")
    assert any("needs 21 numbers" in p.message for p in problems)
    out_of_range = text.replace(str(TRUE_PARAMETERS[0]), "500", 1)
    _, problems = load_text(out_of_range, "b.yaml")
    assert any("scheduling.parameters[0]" in p.message for p in problems)


def test_the_replay_cache_key_includes_the_parameters() -> None:
    from quiz.core.replay_cache import settings_key

    fitted = replace(Settings(), parameters=tuple(TRUE_PARAMETERS))
    assert settings_key(Scheduler(fitted)) != settings_key(Scheduler(Settings()))


def _fit(parameters: list[float], reviews: int) -> Fit:
    return Fit(
        tuple(parameters), reviews, {"default": 0.5, "fitted": 0.4}, {"default": 0.1, "fitted": 0.05}, True, 1, 1
    )


def test_each_device_keeps_its_own_file_and_the_fit_over_most_reviews_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop = list(TRUE_PARAMETERS)
    phone = [value * 1.01 for value in TRUE_PARAMETERS]
    monkeypatch.setenv("QUIZ_DEVICE", "laptop-1a2b")
    save_parameters(parameters_path(tmp_path, "ana"), _fit(laptop, 900), START)
    monkeypatch.setenv("QUIZ_DEVICE", "phone-9f3c")
    save_parameters(parameters_path(tmp_path, "ana"), _fit(phone, 500), START + timedelta(days=3))
    # Two files, one writer each: syncing the folder from both devices never conflicts.
    assert sorted(p.name for p in (tmp_path / "ana").iterdir()) == [
        "parameters.laptop-1a2b.json",
        "parameters.phone-9f3c.json",
    ]
    # Both devices use the fit made on more reviews, whichever device they are.
    for device in ("laptop-1a2b", "phone-9f3c", "tablet-0000"):
        monkeypatch.setenv("QUIZ_DEVICE", device)
        assert parameters_for(tmp_path, "ana", ()) == pytest.approx(tuple(laptop))
    # The phone refits after syncing the laptop's answers: more reviews, so its fit wins now.
    save_parameters(parameters_path(tmp_path, "ana"), _fit(phone, 1200), START + timedelta(days=9))
    assert parameters_for(tmp_path, "ana", ()) == pytest.approx(tuple(phone))
    # On a tie the newest fit wins; an unusable file (torn, edited) is passed over.
    monkeypatch.setenv("QUIZ_DEVICE", "laptop-1a2b")
    save_parameters(parameters_path(tmp_path, "ana"), _fit(laptop, 1200), START + timedelta(days=10))
    assert parameters_for(tmp_path, "ana", ()) == pytest.approx(tuple(laptop))
    parameters_path(tmp_path, "ana").write_text('{"parameters": [1, 2', encoding="utf-8")
    assert parameters_for(tmp_path, "ana", ()) == pytest.approx(tuple(phone))


def test_the_parameters_file_of_earlier_versions_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "ana").mkdir()
    save_parameters(tmp_path / "ana" / "parameters.json", _fit(list(TRUE_PARAMETERS), 450), START)
    assert parameters_for(tmp_path, "ana", ()) == pytest.approx(tuple(TRUE_PARAMETERS))


def test_two_devices_syncing_through_git_never_conflict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")

    def git(cwd: Path, *args: str) -> str:
        done = subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    bare = tmp_path / "class.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(bare), str(seed))
    (seed / "README").write_text("ana's scores\n", encoding="utf-8")
    git(seed, "add", "README")
    git(seed, "commit", "-q", "-m", "start")
    git(seed, "push", "-q", "origin", "HEAD")
    clones = {}
    for device in ("laptop-1a2b", "phone-9f3c"):
        clone = tmp_path / device
        git(tmp_path, "clone", "-q", str(bare), str(clone))
        clones[device] = clone
    # Each device fits (on different reviews) and commits the learner's whole folder.
    for n, (device, clone) in enumerate(clones.items()):
        monkeypatch.setenv("QUIZ_DEVICE", device)
        values = [value * (1 + n / 100) for value in TRUE_PARAMETERS]
        save_parameters(parameters_path(clone, "ana"), _fit(values, 500 + 100 * n), START + timedelta(days=n))
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", f"fit on {device}")
    git(clones["laptop-1a2b"], "push", "-q", "origin", "HEAD")
    git(clones["phone-9f3c"], "pull", "-q", "--no-rebase", "origin", "HEAD")  # a merge: no conflict
    assert git(clones["phone-9f3c"], "status", "--porcelain") == ""
    # Both fits are there; the phone's (600 reviews) is used.
    expected = tuple(value * 1.01 for value in TRUE_PARAMETERS)
    assert parameters_for(clones["phone-9f3c"], "ana", ()) == pytest.approx(expected)
