"""The class report from hand-made class logs: every figure worked out by hand here.

Two classes. A small one (four learners, four questions of four types) holds the
cases a teacher can get wrong: an undone wrong answer, an "I was right"
override, a later right answer that is not a first attempt, a card's self-grade,
a cloze without a prompt, mastery right after a drill. A class of ten on four
choice questions holds the statistics: the point-biserial discrimination, its
interval (checked against `statistics.correlation`, not against our code), and
the distractor flags.
"""

from __future__ import annotations

import json
import math
import statistics
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from quiz.core.class_logs import find_learner_logs
from quiz.core.class_report import ReportFilter, build_class_report
from quiz.core.model import (
    Bank,
    CardQuestion,
    ChoiceQuestion,
    ClozeQuestion,
    Gap,
    Library,
    MultiQuestion,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
T = NOW - timedelta(minutes=30)
SECOND = timedelta(seconds=1)


def answer(
    key: str,
    when: datetime,
    correct: bool,
    response: Any,
    *,
    qtype: str = "choice",
    rating: int | None = None,
    elapsed: float | None = 5.0,
    mode: str = "drill",
    rid: str | None = None,
) -> dict[str, Any]:
    return {
        "v": 1,
        "app": "0.1.0",
        "kind": "answer",
        "id": rid or uuid.uuid4().hex,
        "time": when.isoformat(),
        "learner": "x",
        "key": key,
        "type": qtype,
        "response": response,
        "correct": correct,
        "rating": rating if rating is not None else (3 if correct else 1),
        "hinted": False,
        "typo_forgiven": False,
        "elapsed": elapsed,
        "session": "s1",
        "mode": mode,
    }


def amend(kind: str, ref: str, key: str, when: datetime, **extra: Any) -> dict[str, Any]:
    record = {
        "v": 1,
        "app": "0.1.0",
        "kind": kind,
        "id": uuid.uuid4().hex,
        "ref": ref,
        "time": when.isoformat(),
        "learner": "x",
        "key": key,
        "session": "s1",
    }
    return record | extra


def write_log(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")


# --------------------------------------------------------------------------- the small class


def small_library() -> Library:
    return Library(
        (
            Bank(
                deck="t",
                title="Test",
                questions=(
                    ChoiceQuestion(
                        deck="t",
                        id="q1",
                        prompt="Capital of France?",
                        choices=("Paris", "Lyon", "Nice", "Lille"),
                        answer="Paris",
                        tags=("geo",),
                    ),
                    MultiQuestion(
                        deck="t", id="q2", prompt="Tick a and b", choices=("a", "b", "c"), answers=frozenset({"a", "b"})
                    ),
                    ClozeQuestion(
                        deck="t",
                        id="q3",
                        prompt="",
                        text="The {{Seine}} flows through Paris.",
                        parts=("The ", Gap(("Seine",)), " flows through Paris."),
                        tags=("geo",),
                    ),
                    CardQuestion(deck="t", id="q4", prompt="Say hello in French", answer="Bonjour"),
                    ChoiceQuestion(deck="t", id="q5", prompt="Nobody asked", choices=("x", "y"), answer="x"),
                ),
            ),
        )
    )


def write_small_class(room: Path) -> None:
    """ana undoes a wrong answer and gives the right one; cai says "I was right";
    dan is wrong two days ago and right ten minutes ago."""
    write_log(
        room / "ana" / "reviews.jsonl",
        [
            answer("t/q1", T, False, "Lyon", elapsed=4.0, rid="ana-wrong"),
            amend("undo", "ana-wrong", "t/q1", T + 2 * SECOND),
            answer("t/q1", T + 5 * SECOND, True, "Paris", elapsed=3.0),
            answer("t/q2", T + 60 * SECOND, True, ["a", "b"], qtype="multi"),
            answer("t/q3", T + 90 * SECOND, True, ["Seine"], qtype="cloze"),
            answer("t/q4", T + 120 * SECOND, False, 1, qtype="card", rating=1),
        ],
    )
    write_log(
        room / "ben" / "reviews.jsonl",
        [
            answer("t/q1", T, True, "Paris", elapsed=6.0),
            answer("t/q2", T + 60 * SECOND, False, ["a", "c"], qtype="multi"),
            answer("t/q3", T + 90 * SECOND, False, ["Loire"], qtype="cloze"),
            answer("t/q4", T + 120 * SECOND, True, 3, qtype="card", rating=3),
        ],
    )
    write_log(
        room / "cai" / "reviews.jsonl",
        [
            answer("t/q1", T, False, "Lyon", elapsed=8.0, rid="cai-q1"),
            amend("rerate", "cai-q1", "t/q1", T + 3 * SECOND, rating=3, correct=True, reason="i-was-right"),
            answer("t/q2", T + 60 * SECOND, True, ["b", "a"], qtype="multi"),
            answer("t/q4", T + 120 * SECOND, True, 4, qtype="card", rating=4, mode="exam"),
        ],
    )
    write_log(
        room / "dan" / "reviews.jsonl",
        [
            answer("t/q1", NOW - timedelta(days=2), False, "Nice", elapsed=10.0),
            answer("t/q1", NOW - timedelta(minutes=10), True, "Paris", elapsed=2.0),
            answer("gone/q", T, True, "x"),
        ],
    )


def small_report(tmp_path: Path, filters: ReportFilter | None = None) -> Any:
    write_small_class(tmp_path / "room")
    logs, problems = find_learner_logs([tmp_path / "room"])
    assert problems == []
    return build_class_report(logs, small_library(), now=NOW, filters=filters)


def test_an_undone_wrong_answer_is_still_the_first_attempt(tmp_path: Path) -> None:
    report = small_report(tmp_path)
    q1 = report.questions[0]
    assert q1.key == "t/q1" and q1.learners == 4
    # First attempts: ana Lyon (undone, still first), ben Paris, cai Lyon (overridden), dan Nice.
    assert q1.first_right == 1 and q1.first_right_share == 0.25
    assert q1.overridden == 1
    # Answers that count: ana's Paris (Lyon undone), ben, cai, dan's two: 5.
    assert q1.answers == 5
    # Their times: 3, 6, 8, 10, 2 -> median 6.
    assert q1.median_elapsed == 6.0
    assert [(c.text, c.learners, c.share, c.correct) for c in q1.choices] == [
        ("Paris", 1, 0.25, True),
        ("Lyon", 2, 0.5, False),
        ("Nice", 1, 0.25, False),
        ("Lille", 0, 0.0, False),
    ]
    # Four learners: too few to call a distractor unused, too few for D.
    assert q1.choices[3].flags == ()
    assert q1.discrimination is None and q1.discrimination_note == "fewer than 10 learners"


def test_the_grid_marks_each_first_attempt(tmp_path: Path) -> None:
    report = small_report(tmp_path)
    assert [q.key for q in report.questions] == ["t/q1", "t/q2", "t/q3", "t/q4"]
    assert report.unanswered == 1  # t/q5
    grid = {learner.name: row for learner, row in zip(report.learners, report.grid, strict=True)}
    assert grid == {
        "ana": ("wrong", "right", "right", "1"),
        "ben": ("right", "wrong", "wrong", "3"),
        "cai": ("overridden", "right", "unseen", "4"),
        "dan": ("wrong", "unseen", "unseen", "unseen"),
    }


def test_choices_count_learners_and_a_card_lists_self_grades(tmp_path: Path) -> None:
    report = small_report(tmp_path)
    q2, q3, q4 = report.questions[1:4]
    # ana a+b, ben a+c, cai b+a: a ticked by 3 of 3, b by 2, c by 1.
    assert [(c.text, c.learners, c.correct) for c in q2.choices] == [("a", 3, True), ("b", 2, True), ("c", 1, False)]
    assert q2.choices[1].share == pytest.approx(2 / 3)
    assert q2.first_right == 2
    # A cloze without a prompt is shown by its text; its first responses are listed.
    assert q3.prompt == "The ___ flows through Paris."
    assert sorted((c.text, c.learners, c.correct) for c in q3.choices) == [("Loire", 1, False), ("Seine", 1, True)]
    # A card's grades, none of them "a wrong answer".
    assert [(c.text, c.learners, c.kind) for c in q4.choices] == [
        ("1 Again", 1, "grade"),
        ("2 Hard", 0, "grade"),
        ("3 Good", 1, "grade"),
        ("4 Easy", 1, "grade"),
    ]


def test_learners_scores_accuracy_and_mastery(tmp_path: Path) -> None:
    report = small_report(tmp_path)
    by_name = {learner.name: learner for learner in report.learners}
    ana, ben, cai, dan = (by_name[name] for name in ("ana", "ben", "cai", "dan"))
    # First attempts right: ana q2 q3 of 4; ben q1 q4 of 4; cai q2 q4 of 3; dan none of 1.
    assert (ana.seen, ana.first_right, ana.score) == (4, 2, 0.5)
    assert (ben.seen, ben.first_right) == (4, 2)
    assert (cai.seen, cai.first_right, cai.overridden) == (3, 2, 1)
    assert (dan.seen, dan.first_right) == (1, 0)
    # Every answer not undone: ana Paris q2 q3 right, q4 not -> 3 of 4; dan 1 of 2
    # (gone/q is not a question of the banks).
    assert (ana.answers, ana.right, ana.accuracy) == (4, 3, 0.75)
    assert (dan.answers, dan.right) == (2, 1)
    # Mastery: ana answered everything half an hour ago (recall near 1) but never a
    # day apart: 0 of 5. dan's q1: wrong two days ago, right ten minutes ago: 1 of 5.
    assert (ana.mastered, ana.scope, ana.mastery) == (0, 5, 0.0)
    assert (dan.mastered, dan.mastery) == (1, 0.2)
    assert report.unknown.answers == 1 and report.unknown.questions == 1
    # Median of the scores 0.5, 0.5, 0.667, 0 -> 0.5.
    assert report.median_score == 0.5


def test_filters_by_date_mode_deck_and_tag(tmp_path: Path) -> None:
    since = small_report(tmp_path, ReportFilter(since=date(2026, 3, 9)))
    # dan's wrong answer of 8 March falls out: his first attempt is now his right one.
    assert since.questions[0].first_right == 2 and since.questions[0].answers == 4

    drill = small_report(tmp_path / "b", ReportFilter(modes=frozenset({"drill"})))
    q4 = next(q for q in drill.questions if q.key == "t/q4")
    assert q4.learners == 2  # cai's card was in an exam

    until = small_report(tmp_path / "c", ReportFilter(until=date(2026, 3, 8)))
    assert [(q.key, q.learners) for q in until.questions] == [("t/q1", 1)]

    tagged = small_report(tmp_path / "d", ReportFilter(tags=("geo",)))
    assert [q.key for q in tagged.questions] == ["t/q1", "t/q3"]
    assert tagged.learners[0].scope == 2 and tagged.unanswered == 0


def test_only_a_regrading_rerate_overrides(tmp_path: Path) -> None:
    """Today's rerates (Easy, "I guessed") change a rating, never the result; the
    "I was right" rerate of issue 19 (`"correct": true`, with a reason) overrides."""
    library = small_library()
    records = [
        answer("t/q1", T, True, "Paris", rid="r1"),
        amend("rerate", "r1", "t/q1", T + SECOND, rating=4),
        answer("t/q2", T, False, ["c"], qtype="multi", rid="r2"),
        amend("rerate", "r2", "t/q2", T + SECOND, rating=3, correct=True, reason="i was right"),
        answer("t/q3", T, False, ["x"], qtype="cloze", rid="r3"),
        amend("rerate", "r3", "t/q3", T + SECOND, rating=2),
        answer("t/q4", T + 60 * SECOND, True, 2, qtype="card", rating=2),
    ]
    write_log(tmp_path / "eve" / "reviews.jsonl", records)
    report = build_class_report([("eve", tmp_path / "eve" / "reviews.jsonl")], library, now=NOW)
    assert report.grid[0] == ("right", "overridden", "wrong", "2")
    eve = report.learners[0]
    # Right as graded: q1 and the card; the override counts as wrong: 2 of 4.
    assert (eve.first_right, eve.overridden, eve.right, eve.answers) == (2, 1, 2, 4)


# --------------------------------------------------------------------------- ten learners

RIGHT = [  # A B C D, one row per learner L0..L9
    (1, 1, 1, 1),
    (1, 1, 1, 0),
    (1, 1, 0, 1),
    (1, 0, 1, 0),
    (0, 1, 1, 0),
    (1, 0, 0, 1),
    (0, 1, 0, 0),
    (0, 0, 1, 0),
    (0, 0, 0, 1),
    (0, 0, 0, 0),
]
QUESTIONS = "ABCD"
# Wrong answers pick d1, except on D where the weak L6, L7, L9 pick d2.
D2_PICKERS = {6, 7, 9}


def ten_library() -> Library:
    questions = tuple(
        ChoiceQuestion(deck="s", id=name, prompt=f"Question {name}", choices=("r", "d1", "d2", "d3"), answer="r")
        for name in QUESTIONS
    )
    return Library((Bank(deck="s", title="Stats", questions=questions),))


def write_ten(room: Path, learners: range = range(10)) -> list[tuple[str, Path]]:
    logs = []
    for n in learners:
        records = []
        for j, name in enumerate(QUESTIONS):
            right = bool(RIGHT[n][j])
            response = "r" if right else ("d2" if name == "D" and n in D2_PICKERS else "d1")
            records.append(answer(f"s/{name}", T + j * SECOND, right, response))
        path = room / f"L{n}" / "reviews.jsonl"
        write_log(path, records)
        logs.append((f"L{n}", path))
    return logs


def test_point_biserial_against_the_rest_score_with_fisher_interval(tmp_path: Path) -> None:
    report = build_class_report(write_ten(tmp_path), ten_library(), now=NOW)
    for j, q in enumerate(report.questions):
        xs = [float(row[j]) for row in RIGHT]
        rest = [(sum(row) - row[j]) / 3 for row in RIGHT]
        r = statistics.correlation(xs, rest)
        half = 1.959964 / math.sqrt(10 - 3)
        assert q.discrimination is not None
        assert q.discrimination.learners == 10
        assert q.discrimination.r == pytest.approx(r)
        assert q.discrimination.low == pytest.approx(math.tanh(math.atanh(r) - half), abs=1e-6)
        assert q.discrimination.high == pytest.approx(math.tanh(math.atanh(r) + half), abs=1e-6)
    # A by hand: rest scores of the right L0 L1 L2 L3 L5 are 1, 2/3, 2/3, 1/3, 1/3;
    # of the wrong L4 L6 L7 L8 L9: 2/3, 1/3, 1/3, 1/3, 0. Means 3/5 and 1/3 (4/15 apart);
    # all ten have mean 7/15, deviations 8, 3, 3, -2, -2, 3, -2, -2, -2, -7 (fifteenths),
    # population variance 160/225/10 = 16/225, sd 4/15; p = q = 1/2:
    # r = (4/15) / (4/15) * sqrt(1/2 * 1/2) = 1/2.
    assert report.questions[0].discrimination is not None
    assert report.questions[0].discrimination.r == pytest.approx(0.5)


def test_distractor_flags_with_ten_learners(tmp_path: Path) -> None:
    report = build_class_report(write_ten(tmp_path), ten_library(), now=NOW)
    d = report.questions[3]
    # Scores: L0 1; L1 L2 .75; L3 L4 L5 .5; L6 L7 L8 .25; L9 0 -> median .5.
    # Strong (above): L0 L1 L2; weak (below): L6 L7 L8 L9.
    assert report.median_score == 0.5
    # D wrong: L1 L3 L4 pick d1; L6 L7 L9 pick d2. d1: strong 1/3, weak 0/4 -> flagged.
    choices = {c.text: c for c in d.choices}
    assert (choices["d1"].learners, choices["d2"].learners, choices["d3"].learners) == (3, 3, 0)
    assert choices["d1"].flags == ("picked more by strong learners",)
    assert choices["d2"].flags == ()  # strong 0/3, weak 3/4
    assert choices["d3"].flags == ("never picked",)
    assert d.flags == ("a distractor never picked", "a distractor strong learners prefer")
    # D's right L0 L2 L5 L8 have rest scores 1, 2/3, 1/3, 0 (mean 1/2), its wrong L1 L3
    # L4 L6 L7 L9 have 1, 2/3, 2/3, 1/3, 1/3, 0 (mean 1/2): r = 0, not negative.
    assert d.discrimination is not None and d.discrimination.r == pytest.approx(0.0, abs=1e-9)
    # C: L2 (strong) picks d1, as do L5 L6 L8 L9: strong 1/3 < weak 3/4, not flagged.
    assert {c.text: c.flags for c in report.questions[2].choices}["d1"] == ()


def test_nine_learners_give_no_discrimination(tmp_path: Path) -> None:
    report = build_class_report(write_ten(tmp_path, range(9)), ten_library(), now=NOW)
    assert all(q.discrimination is None for q in report.questions)
    assert {q.discrimination_note for q in report.questions} == {"fewer than 10 learners"}
    assert all("picked more by strong learners" not in c.flags for q in report.questions for c in q.choices)


def test_everyone_right_has_no_discrimination(tmp_path: Path) -> None:
    logs = []
    for n in range(10):
        path = tmp_path / f"L{n}" / "reviews.jsonl"
        write_log(path, [answer("s/A", T, True, "r"), answer("s/B", T, n % 2 == 0, "r" if n % 2 == 0 else "d1")])
        logs.append((f"L{n}", path))
    report = build_class_report(logs, ten_library(), now=NOW)
    assert report.questions[0].discrimination is None
    assert report.questions[0].discrimination_note == "everyone right"


# --------------------------------------------------------------------------- which logs


def test_a_folder_twice_or_a_parent_and_its_child_counts_once(tmp_path: Path) -> None:
    write_small_class(tmp_path / "room")
    room = tmp_path / "room"
    logs, problems = find_learner_logs([room, room / "ana", room, room / "ana" / "reviews.jsonl"])
    assert [name for name, _ in logs] == ["ana", "ben", "cai", "dan"]
    assert len(problems) == 3 and all("counted once" in problem for problem in problems)


def test_a_reviews_file_is_that_learner(tmp_path: Path) -> None:
    write_small_class(tmp_path / "room")
    logs, problems = find_learner_logs([tmp_path / "room" / "ben" / "reviews.jsonl"])
    assert logs == [("ben", tmp_path / "room" / "ben" / "reviews.jsonl")] and problems == []
    (tmp_path / "notes.txt").write_text("x")
    _, problems = find_learner_logs([tmp_path / "notes.txt"])
    assert "not a score log" in problems[0]
