"""A new learner's start (no log yet) counts its decks without loading the replay
engine: nothing to replay, so none of it is imported before the first frame."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.tui.banks import EVERY_TYPE

CHILD = textwrap.dedent(
    """
    import random, sys
    from pathlib import Path
    from quiz.core.bank import load_paths
    from quiz.core.config import Options
    from quiz.tui.app import QuizApp

    banks, scores = Path(sys.argv[1]), Path(sys.argv[2])
    library, problems = load_paths([banks])
    assert not problems, problems
    options = Options(learner="new", scores_dir=scores, question_paths=(banks,), command="home")
    app = QuizApp(options, library, rng=random.Random(0), prefs_file=scores / "prefs.json")
    print(app.states("new") == ({}, []), app.snapshot_states("new") == ({}, []))
    print(sorted(name for name in sys.modules if name in ("quiz.core.replay_cache", "quiz.core.replayer")))
    """
)


def test_a_new_learner_is_counted_without_the_replay_engine(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "every.yaml").write_text(EVERY_TYPE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(banks), str(tmp_path / "scores")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    counted, imported = done.stdout.splitlines()
    assert counted == "True True"
    assert imported == "[]"
