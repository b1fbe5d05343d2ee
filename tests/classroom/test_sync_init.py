"""`quiz sync --init URL` on a scores folder that already has logs, when the class
repository already has history of its own (unrelated histories): real git, local bare
repositories, nothing lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from quiz.core.store import Store
from tests.classroom.conftest import git
from tests.classroom.test_sync import ids, record, run

IDENTITY = ("-c", "user.name=teacher", "-c", "user.email=teacher@school.example")


def legacy_log(folder: Path, *numbers: int) -> None:
    """A `reviews.jsonl` as versions before per-device logs wrote it (records `old-N`)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(record(n, "old")) for n in numbers]
    (folder / "reviews.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def template(url: str, tmp_path: Path, files: dict[str, str]) -> None:
    """The teacher's template: one commit with `files`, pushed to `url`."""
    work = tmp_path / "template"
    git("init", "-q", "-b", "main", str(work), cwd=tmp_path)
    for name, text in files.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git(*IDENTITY, "commit", "-qm", "template", cwd=work)
    git("push", "-q", url, "main", cwd=work)


def remote_file(url: str, name: str) -> str:
    return git("show", f"main:{name}", cwd=Path(url.removeprefix("file://")))


def test_two_devices_that_drilled_before_the_class_repository_existed(
    tmp_path: Path, bare: Callable[[str], str]
) -> None:
    url = bare("ana")
    laptop, lab = tmp_path / "laptop" / "scores", tmp_path / "lab" / "scores"
    for scores, device, first in ((laptop, "laptop-0001", 0), (lab, "lab-0002", 10)):
        store = Store(scores, "ana", device=device)
        for n in range(first, first + 3):
            store.append(record(n, device.split("-")[0]))
    # Both also kept a reviews.jsonl from an older version: same name, different content (one record shared).
    legacy_log(laptop / "ana", 20, 21)
    legacy_log(lab / "ana", 21, 22)
    code, out, err = run(laptop, "sync", "--init", url, device="laptop-0001")
    assert code == 0, err
    assert "now syncs with" in out and "5 answers sent" in out  # 3 of this device, 2 of the old log
    code, out, err = run(lab, "sync", "--init", url, device="lab-0002")
    assert code == 0, err
    assert "Traceback" not in err
    code, _, err = run(laptop, "sync", device="laptop-0001")
    assert code == 0, err
    expected = sorted(
        [f"laptop-{n}" for n in range(3)] + [f"lab-{n}" for n in range(10, 13)] + ["old-20", "old-21", "old-22"]
    )
    assert ids(laptop, "laptop-0001") == expected == ids(lab, "lab-0002")
    # The two reviews.jsonl were merged line by line (merge=union), nothing left out.
    merged = remote_file(url, "ana/reviews.jsonl")
    assert all(f'"id": "old-{n}"' in merged for n in (20, 21, 22))
    assert "<<<<<<<" not in merged
    assert git("status", "--porcelain", cwd=lab).strip() == ""


def test_a_template_repository_with_a_readme_and_gitattributes(tmp_path: Path, bare: Callable[[str], str]) -> None:
    url = bare("ana")
    template(
        url,
        tmp_path,
        {"README.md": "# Class of 2026\nRun quiz sync.\n", "scores/.gitkeep": "", ".gitattributes": "* text=auto\n"},
    )
    scores = tmp_path / "home" / "scores"
    store = Store(scores, "ana", device="laptop-0001")
    store.append(record(1, "laptop"))
    store.append(record(2, "laptop"))
    (scores / "README.md").write_text("my own notes\n", encoding="utf-8")  # not the class's README
    (scores / ".gitattributes").write_text("*.txt text\n", encoding="utf-8")
    code, out, err = run(scores, "sync", "--init", url, device="laptop-0001")
    assert code == 0, err
    assert "README.md" in out and "README.md.local" in out  # said where the learner's own file went
    assert (scores / "README.md").read_text() == "# Class of 2026\nRun quiz sync.\n"
    assert (scores / "README.md.local").read_text() == "my own notes\n"
    attributes = remote_file(url, ".gitattributes").splitlines()
    assert "* text=auto" in attributes and "*.jsonl merge=union" in attributes and "*.txt text" in attributes
    assert "template" in git("log", "--format=%s", "main", cwd=Path(url.removeprefix("file://")))
    assert ids(scores, "laptop-0001") == ["laptop-1", "laptop-2"]
    assert remote_file(url, "ana/laptop-0001.jsonl").count("\n") == 2
    # A second device clones the repository and gets the answers.
    other = tmp_path / "lab" / "scores"
    assert run(other, "sync", "--init", url, device="lab-0002")[0] == 0
    assert ids(other, "lab-0002") == ["laptop-1", "laptop-2"]


def test_a_scores_folder_that_was_already_a_repository(tmp_path: Path, bare: Callable[[str], str]) -> None:
    """The learner had made the folder a repository (README and .gitattributes committed,
    answers committed with no remote); the class repository has its own of both."""
    url = bare("ana")
    template(url, tmp_path, {"README.md": "# Class\n", ".gitattributes": "*.md text\n"})
    scores = tmp_path / "home" / "scores"
    scores.mkdir(parents=True)
    git("init", "-q", "-b", "trunk", cwd=scores)
    (scores / "README.md").write_text("# My scores\n", encoding="utf-8")
    (scores / ".gitattributes").write_text("*.bin binary\n", encoding="utf-8")
    git("add", "-A", cwd=scores)
    git(*IDENTITY, "commit", "-qm", "mine", cwd=scores)
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, out, err = run(scores, "sync", device="laptop-0001")  # no remote yet: committed here
    assert code == 0 and "no remote" in out, err
    Store(scores, "ana", device="laptop-0001").append(record(2, "laptop"))
    code, out, err = run(scores, "sync", "--init", url, device="laptop-0001")
    assert code == 0, err
    readme = remote_file(url, "README.md")
    assert "# Class" in readme and "# My scores" in readme  # both kept (merge=union), no conflict markers
    assert "<<<<<<<" not in readme
    attributes = remote_file(url, ".gitattributes").splitlines()
    assert {"*.md text", "*.bin binary", "*.jsonl merge=union"} <= set(attributes)
    log = git("log", "--format=%s", "main", cwd=Path(url.removeprefix("file://"))).splitlines()
    assert log[-1] == "template" and "mine" in log
    assert remote_file(url, "ana/laptop-0001.jsonl").count("\n") == 2


def test_a_conflict_git_cannot_settle_is_one_sentence_and_loses_nothing(
    tmp_path: Path, bare: Callable[[str], str]
) -> None:
    url = bare("ana")
    template(url, tmp_path, {"plan.csv": "week,topic\n1,sets\n"})
    scores = tmp_path / "home" / "scores"
    scores.mkdir(parents=True)
    git("init", "-q", "-b", "main", cwd=scores)
    (scores / "plan.csv").write_text("week,topic\n1,logic\n", encoding="utf-8")
    git("add", "-A", cwd=scores)
    git(*IDENTITY, "commit", "-qm", "mine", cwd=scores)
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, _, err = run(scores, "sync", "--init", url, device="laptop-0001")
    assert code == 1
    assert err.startswith("quiz sync: git rebase:") and "plan.csv" in err and err.count("\n") == 1, err
    assert "Traceback" not in err
    assert ids(scores, "laptop-0001") == ["laptop-1"]  # committed here, on disk
    assert (scores / "plan.csv").read_text() == "week,topic\n1,logic\n"
    assert not (scores / ".git" / "rebase-merge").exists()  # the attempt was undone
    assert "quiz: ana@laptop-0001: 1 answer" in git("log", "--format=%s", cwd=scores)


def test_init_never_takes_over_an_enclosing_repository(tmp_path: Path, bare: Callable[[str], str]) -> None:
    """A scores folder inside a source checkout: its origin is the project's, not a class's."""
    project = tmp_path / "project"
    project.mkdir()
    git("init", "-q", "-b", "main", cwd=project)
    git("remote", "add", "origin", "https://example.invalid/quiz.git", cwd=project)
    scores = project / "scores"
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, _, err = run(scores, "sync", "--init", bare("ana"), device="laptop-0001")
    assert code == 1 and "inside another git repository" in err and "--scores" in err, err
    assert git("remote", "get-url", "origin", cwd=project).strip() == "https://example.invalid/quiz.git"
    # Nor one with no origin at all (a home folder kept in git): its history is not the class's.
    home = tmp_path / "home"
    home.mkdir()
    git("init", "-q", "-b", "main", cwd=home)
    scores = home / "scores"
    Store(scores, "ana", device="laptop-0001").append(record(1, "laptop"))
    code, _, err = run(scores, "sync", "--init", bare("ben"), device="laptop-0001")
    assert code == 1 and "inside another git repository" in err, err
    assert git("remote", cwd=home).strip() == ""
