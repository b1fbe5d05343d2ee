"""A course: a folder's `course.yaml` orders its decks, the drill introduces new
questions in that order, and `quiz check` reports a course's mistakes by line."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quiz.cli import main
from quiz.core.bank import find_bank_files, load_paths
from quiz.core.config import bundled_questions_dir
from quiz.core.scheduling import Settings
from quiz.core.session import Session
from quiz.core.store import Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def bank(folder: Path, deck: str, ids: tuple[str, ...] = ("one", "two")) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"deck: {deck}", "questions:"]
    for qid in ids:
        lines.append(f"  - {{id: {qid}, type: truefalse, prompt: '{deck} {qid}', answer: true}}")
    (folder / f"{deck}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def course(folder: Path, *decks: str, name: str = "course.yaml") -> Path:
    path = folder / name
    path.write_text("order:\n" + "".join(f"  - {d}\n" for d in decks), encoding="utf-8")
    return path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def drill_keys(folders: list[Path], scores: Path, settings: Settings | None = None) -> list[str]:
    """The questions a drill asks, in order, until the first comeback of a learning step."""
    library, problems = load_paths(folders)
    assert problems == []
    session = Session(library, Store(scores, "ana"), settings or Settings(fuzzing=False), clock=lambda: T0)
    keys: list[str] = []
    while session.current is not None and session.current.question.key not in keys:
        keys.append(session.current.question.key)
        session.answer(True)
        session.next()
    return keys


def test_the_drill_introduces_new_questions_deck_by_deck_in_course_order(tmp_path: Path) -> None:
    for deck in ("alpha", "beta", "gamma"):
        bank(tmp_path / "banks", deck)
    course(tmp_path / "banks", "gamma", "alpha")
    keys = drill_keys([tmp_path / "banks"], tmp_path / "scores")
    # Named decks first, in course order; beta, not named, after them; file order within each.
    assert keys == ["gamma/one", "gamma/two", "alpha/one", "alpha/two", "beta/one", "beta/two"]


def test_without_a_course_decks_come_in_file_order(tmp_path: Path) -> None:
    for deck in ("beta", "alpha"):
        bank(tmp_path / "banks", deck)
    keys = drill_keys([tmp_path / "banks"], tmp_path / "scores")
    assert keys == ["alpha/one", "alpha/two", "beta/one", "beta/two"]


def test_the_new_question_limit_takes_the_first_questions_of_the_course(tmp_path: Path) -> None:
    for deck in ("alpha", "beta"):
        bank(tmp_path / "banks", deck)
    course(tmp_path / "banks", "beta", "alpha")
    keys = drill_keys([tmp_path / "banks"], tmp_path / "scores", Settings(fuzzing=False, new_per_day=3))
    assert keys == ["beta/one", "beta/two", "alpha/one"]


def log_easy(store: Store, key: str, when: datetime) -> None:
    """An Easy answer written into the log, as an earlier session would have."""
    store.append(
        {
            "v": 1, "kind": "answer", "id": uuid.uuid4().hex, "time": when.isoformat(timespec="microseconds"),
            "learner": store.learner, "key": key, "type": "truefalse", "response": True, "correct": True, "rating": 4,
        }
    )  # fmt: skip


def test_due_reviews_keep_their_due_date_order_before_new_questions(tmp_path: Path) -> None:
    for deck in ("alpha", "beta"):
        bank(tmp_path / "banks", deck)
    course(tmp_path / "banks", "beta", "alpha")
    store = Store(tmp_path / "scores", "ana")
    log_easy(store, "alpha/one", T0 - timedelta(days=40))  # due first
    log_easy(store, "beta/two", T0 - timedelta(days=39))
    keys = drill_keys([tmp_path / "banks"], tmp_path / "scores")
    # The reviews by due date (the course does not reorder them), then new questions in course order.
    assert keys == ["alpha/one", "beta/two", "beta/one", "alpha/two"]


def test_each_folder_orders_its_own_decks_and_folders_keep_their_order(tmp_path: Path) -> None:
    bank(tmp_path / "one", "a1")
    bank(tmp_path / "one", "a2")
    bank(tmp_path / "two", "b1")
    bank(tmp_path / "two", "b2")
    course(tmp_path / "one", "a2", "a1")
    course(tmp_path / "two", "b2", "b1")
    library, problems = load_paths([tmp_path / "two", tmp_path / "one"])
    assert problems == []
    assert [b.deck for b in library.banks] == ["b2", "b1", "a2", "a1"]


def test_a_deeper_course_orders_its_own_folder(tmp_path: Path) -> None:
    bank(tmp_path / "all", "a")
    bank(tmp_path / "all", "z")
    bank(tmp_path / "all" / "part", "p1")
    bank(tmp_path / "all" / "part", "p2")
    course(tmp_path / "all", "z", "a")
    course(tmp_path / "all" / "part", "p2", "p1")
    library, problems = load_paths([tmp_path / "all"])
    assert problems == []
    # Files in path order: all/a, all/part/p1, all/part/p2, all/z; each course fills its own places.
    assert [b.deck for b in library.banks] == ["z", "p2", "p1", "a"]


def test_a_course_file_is_not_a_bank_but_a_course_yaml_with_questions_is(tmp_path: Path) -> None:
    bank(tmp_path, "alpha")
    course(tmp_path, "alpha")
    files, _ = find_bank_files([tmp_path])
    assert [f.name for f in files] == ["alpha.yaml"]
    code, _, err = run("check", str(tmp_path))
    assert code == 0 and err.startswith("OK: 1 files, 2 questions")
    (tmp_path / "course.yaml").write_text("questions:\n  - {id: q, type: truefalse, prompt: p, answer: true}\n")
    library, problems = load_paths([tmp_path])
    assert problems == [] and {b.deck for b in library.banks} == {"alpha", "course"}


def test_check_reports_unknown_and_repeated_decks_with_their_lines(tmp_path: Path) -> None:
    bank(tmp_path, "context")
    bank(tmp_path, "call")
    path = tmp_path / "course.yaml"
    path.write_text("order:\n  - call\n  - contxt\n  - call\n  - missing\n", encoding="utf-8")
    code, out, _ = run("check", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}:3:5: deck 'contxt' is not a bank of this folder (did you mean 'context'?); its decks are: call, context",
        f"{path}:4:5: deck 'call' is listed twice (first on line 2)",
        f"{path}:5:5: deck 'missing' is not a bank of this folder; its decks are: call, context",
    ]


def test_check_reports_a_malformed_course(tmp_path: Path) -> None:
    bank(tmp_path, "alpha")
    path = tmp_path / "course.yaml"
    for text, message in [
        ("ordr: [alpha]\n", "1:1: unknown field 'ordr' in a course file (did you mean 'order'?)"),
        ("order: alpha\n", "1:8: 'order' must be a list of deck names"),
        ("- alpha\n", "1:1: a course file must be a mapping with an 'order' list of deck names"),
        ("order: [alpha, [x]]\n", "1:16: each entry of 'order' must be a deck name"),
        ("order: [alpha\n", "2:1: YAML syntax error"),
    ]:
        path.write_text(text, encoding="utf-8")
        code, out, _ = run("check", str(tmp_path))
        assert code == 1 and f"{path}:{message}" in out, (text, out)


def test_a_bank_that_fails_to_load_does_not_also_make_its_deck_unknown(tmp_path: Path) -> None:
    bank(tmp_path, "alpha")
    (tmp_path / "beta.yaml").write_text("deck: beta\nquestions: [oops\n", encoding="utf-8")
    course(tmp_path, "beta", "alpha")
    _, problems = load_paths([tmp_path])
    assert [Path(p.file).name for p in problems] == ["beta.yaml"]


def test_the_bundled_course_starts_with_the_context_of_1999_2000(tmp_path: Path) -> None:
    library, problems = load_paths([bundled_questions_dir()])
    assert problems == []
    assert [b.deck for b in library.banks] == ["context-1999-2000", "clinton-putin-call", "after-2000", "the-argument"]
    session = Session(library, Store(tmp_path / "scores", "ana"), Settings(fuzzing=False), clock=lambda: T0)
    assert session.current is not None
    first = library.bank("context-1999-2000")
    assert first is not None and session.current.question is first.questions[0]
