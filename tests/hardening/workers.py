"""Code the process tests run in child processes (`python -c`), through the real engine.

`answer_forever` answers questions with `Session.answer` and prints `SHOWN <record id>`
once each answer has returned, the moment the TUI would show its feedback. `zygote`
imports everything once and forks one `answer_forever` per request, so the
killed-session test can kill dozens of sessions without paying Python's start-up
each time. `write_many` is one of the two concurrent writers.
"""

from __future__ import annotations

import os
import random
import sys
import traceback
from pathlib import Path

from quiz.core.bank import load_paths
from quiz.core.grading import Response
from quiz.core.model import Library
from quiz.core.session import Presented, Session
from quiz.core.store import Store

LEARNER = "ana"

BANK = """\
deck: kill
title: Killed sessions
questions:
  - id: pick
    prompt: Which?
    choices: [a, b, c]
    answer: b
  - id: fact
    type: truefalse
    prompt: True?
    answer: true
  - id: word
    type: short
    prompt: Word?
    answer: word
  - id: year
    type: number
    prompt: Year?
    answer: 2000
  - id: flash
    type: card
    prompt: Card?
    answer: back
"""


def response_for(presented: Presented, rng: random.Random) -> Response:
    """A plausible response of the right shape, right or wrong at random."""
    question = presented.question
    if question.type == "choice":
        return rng.choice(presented.choices)
    if question.type == "truefalse":
        return rng.random() < 0.5
    if question.type == "number":
        return rng.choice(["2000", "1999", " 2,000 "])
    if question.type == "card":
        return rng.randint(1, 4)
    return rng.choice(["word", "wrod", "nothing"])


def _library(bank: Path) -> Library:
    library, problems = load_paths([bank])
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    return library


def answer_forever(library: Library, scores: Path, seed: int) -> None:
    """Answer in practice sessions, one after another, until killed."""
    rng = random.Random(seed)
    store = Store(scores, LEARNER)
    out = sys.stdout
    while True:
        session = Session(library, store, mode="practice", rng=rng, shuffle=True)
        while (presented := session.current) is not None:
            feedback = session.answer(response_for(presented, rng), elapsed=0.5)
            out.write(f"SHOWN {feedback.record_id}\n")
            out.flush()
            session.next()


def zygote() -> None:
    """argv: BANK SCORES. Reads `fork SEED` lines; for each, forks a worker and prints
    `PID <pid>`, then `DONE <status>` once it has died (the parent test kills it)."""
    bank, scores = Path(sys.argv[1]), Path(sys.argv[2])
    library = _library(bank)
    print("READY", flush=True)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command != "fork":
            break
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                answer_forever(library, scores, int(argument))
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(1)
        print(f"PID {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"DONE {status}", flush=True)


def many_questions_bank(count: int) -> str:
    """A bank of `count` short questions, enough for one practice session of `count`."""
    lines = ["deck: many", "title: Many", "questions:"]
    for n in range(count):
        lines += [f"  - id: q{n:05d}", "    type: short", f"    prompt: Question {n}?", "    answer: x"]
    return "\n".join(lines) + "\n"


def write_many() -> None:
    """argv: BANK SCORES NAME. Waits for `go` on stdin, then answers every question of
    the bank once with the response `NAME-<n>`, through `Session.answer`."""
    bank, scores, name = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    library = _library(bank)
    session = Session(library, Store(scores, LEARNER), mode="practice")
    print("READY", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    count = 0
    while session.current is not None:
        session.answer(f"{name}-{count:05d}")
        session.next()
        count += 1
    print(f"WROTE {count}", flush=True)
