"""`quiz practice --plain --cram` and `quiz drill --plain --exam DATE`: the TUI's meanings, in lines.

Real `python -m quiz` runs with answers piped in; the schedule is checked by
replaying the log afterwards, as the next session would.
"""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.core.bank import load_paths
from quiz.core.scheduling import Settings, utc_now
from quiz.core.session import Session
from quiz.core.store import Store
from tests.plain.helpers import answers, child_env, quiz_command, records, run_piped
from tests.tui.banks import TRUE_OR_FALSE, write_bank


def _log(store: Store, key: str, rating: int, when: datetime) -> None:
    """An answer of an earlier session, written straight into the log."""
    record = dict(
        v=1, kind="answer", id=uuid.uuid4().hex, time=when.isoformat(timespec="microseconds"),
        learner=store.learner, key=key, type="truefalse", response=True, correct=True, rating=rating,
        hinted=False, typo_forgiven=False, elapsed=2.0, session=uuid.uuid4().hex, mode="drill",
    )  # fmt: skip
    store.append(record)


def _dues(banks: Path, scores: Path) -> dict[str, datetime | None]:
    """Each question's due date as the next session replays it (None: never scheduled)."""
    library, problems = load_paths([banks])
    assert not problems
    states = Session(library, Store(scores, "ana"), mode="practice", decks=["tf"]).states
    return {key: (states[key].card.due if key in states else None) for key in ("tf/one", "tf/two", "tf/three")}


def _history(scores: Path) -> None:
    """`tf/one` learned a month ago (due again by now), `tf/two` learned yesterday (not due), `tf/three` new."""
    store = Store(scores, "ana")
    now = utc_now()
    _log(store, "tf/one", 4, now - timedelta(days=30))
    _log(store, "tf/two", 4, now - timedelta(days=1))


def test_practice_cram_logs_cram_and_leaves_every_due_date_unchanged(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    _history(scores)
    before = _dues(banks, scores)
    assert before["tf/one"] is not None and before["tf/one"] < utc_now() < before["tf/two"]  # type: ignore[operator]
    result = run_piped(banks, scores, ["t", "t", "t"], "practice", "--plain", "--cram", "--deck", "tf", tmp=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "Cram: answers are saved and counted, but your schedule does not move for any of them." in out
    assert "Cram: your schedule is unchanged" in out and "Cram: 3 answers left your schedule where it was." in out
    # Logged as cram (counted in history), and the schedule is exactly as before, the new question still new.
    crammed = answers(scores)[2:]
    assert [(r["key"], r["mode"]) for r in crammed] == [("tf/one", "cram"), ("tf/two", "cram"), ("tf/three", "cram")]
    assert _dues(banks, scores) == before
    assert before["tf/three"] is None


def test_practice_without_cram_crams_only_what_is_not_due(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    _history(scores)
    before = _dues(banks, scores)
    result = run_piped(banks, scores, ["t", "t", "t"], "practice", "--plain", "--deck", "tf", tmp=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "your schedule does not move for questions not yet due" in result.stdout.decode()
    modes = [(r["key"], r["mode"]) for r in answers(scores)[2:]]
    assert modes == [("tf/one", "practice"), ("tf/two", "cram"), ("tf/three", "practice")]
    after = _dues(banks, scores)
    assert after["tf/two"] == before["tf/two"]  # crammed: untouched
    assert after["tf/one"] != before["tf/one"] and after["tf/three"] is not None  # real reviews moved


THIRTY = "deck: many\ntitle: Many\nquestions:\n" + "".join(
    f"  - id: q{n}\n    type: truefalse\n    prompt: Statement number {n} is true.\n    answer: true\n"
    for n in range(30)
)


def _size(result: subprocess.CompletedProcess[bytes]) -> str:
    """The opening line's "N questions"."""
    first = result.stdout.decode().splitlines()[0]
    assert first.startswith("Drill for ana: "), first
    return first.removeprefix("Drill for ana: ").split(".")[0]


def test_drill_exam_follows_the_plan_and_overrides_the_setting(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "many", "many", THIRTY)
    today = Settings().days.day_of(datetime.now(UTC))
    near, far = today + timedelta(days=3), today + timedelta(days=60)

    def config(*args: str) -> None:
        done = subprocess.run(quiz_command(banks, scores, "config", *args), env=child_env(), capture_output=True)
        assert done.returncode == 0, done.stderr.decode()

    config("new_per_day", "1")
    ordinary = run_piped(banks, scores, ["quit"], "drill", "--plain", tmp=tmp_path)
    assert _size(ordinary) == "1 question" and "Following the plan" not in ordinary.stdout.decode()
    # An exam in 3 days: every new question today, whatever the daily limit.
    flagged = run_piped(banks, scores, ["quit"], "drill", "--plain", "--exam", near.isoformat(), tmp=tmp_path)
    out = flagged.stdout.decode()
    assert _size(flagged) == "30 questions"
    assert f"Following the plan for the exam on {near.isoformat()}" in out
    # The setting does the same without the flag...
    config("exam_date", near.isoformat())
    assert _size(run_piped(banks, scores, ["quit"], "drill", "--plain", tmp=tmp_path)) == "30 questions"
    # ...and the flag wins over it: an exam two months away needs only the daily limit today.
    later = run_piped(banks, scores, ["quit"], "drill", "--plain", "--exam", far.isoformat(), tmp=tmp_path)
    assert _size(later) == "1 question" and f"exam on {far.isoformat()}" in later.stdout.decode()
    # A past --exam is refused clearly; nothing was answered in all this.
    past = run_piped(banks, scores, [], "drill", "--plain", "--exam", "2020-01-01", tmp=tmp_path)
    assert past.returncode == 2 and b"--exam 2020-01-01 is in the past" in past.stderr
    assert b"Traceback" not in past.stderr
    assert answers(scores) == []


def test_a_leech_is_named_in_the_line_mode(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    done = subprocess.run(
        quiz_command(banks, scores, "config", "leech_threshold", "1"), env=child_env(), capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    result = run_piped(banks, scores, ["f", "quit"], "drill", "--plain", "--limit", "1", tmp=tmp_path)
    out = result.stdout.decode()
    assert "Wrong." in out and "Leech: missed again and again" in out


def test_suspend_bury_and_undo_from_the_line_mode(scores: Path, tmp_path: Path) -> None:
    banks = write_bank(tmp_path / "tf", "tf", TRUE_OR_FALSE)
    # one: answered, suspended; two: answered, buried, then both undone; three: answered, buried.
    lines = ["t", "suspend", "f", "bury", "undo", "f", "", "t", "bury"]
    result = run_piped(banks, scores, lines, "drill", "--plain", "--wait", tmp=tmp_path)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    assert "Suspended: left out until `quiz history --unsuspend tf/one`" in out
    assert "Buried until tomorrow" in out and "Your last answer is cancelled" in out
    kinds = [(r["kind"], r["key"]) for r in records(scores)]
    assert kinds == [
        ("answer", "tf/one"),
        ("suspend", "tf/one"),
        ("answer", "tf/two"),
        ("bury", "tf/two"),
        ("undo", "tf/two"),  # the bury...
        ("undo", "tf/two"),  # ...and the answer
        ("answer", "tf/two"),
        ("answer", "tf/three"),
        ("bury", "tf/three"),
    ]
    # A drill once the learning steps are due leaves out the suspended and the buried question.
    library, _ = load_paths([banks])
    later = utc_now() + timedelta(minutes=15)
    drill = Session(library, Store(scores, "ana"), clock=lambda: later)
    assert [q.key for q in drill.questions] == ["tf/two"]
    # Practice leaves out only the suspended one.
    practice = run_piped(banks, scores, ["quit"], "practice", "--plain", "--deck", "tf", tmp=tmp_path)
    assert practice.stdout.decode().startswith("Practice for ana: 2 questions.")
    # Outside feedback the words are refused with the reason.
    refused = run_piped(banks, scores, ["suspend", "quit"], "practice", "--plain", "--deck", "tf", tmp=tmp_path)
    assert "Suspend and bury apply after an answer's feedback, with --wait." in refused.stdout.decode()
