"""The class report's discrimination sums its terms by C-level maps: every figure must be,
to the last bit, what the generator sums (the code before, kept here) give."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from quiz.core.class_choices import FirstAttempt
from quiz.core.class_report import MIN_LEARNERS_FOR_DISCRIMINATION, Z_95, Discrimination, _discrimination


def _old_pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def _old_discrimination(
    firsts: Sequence[FirstAttempt], seen: Sequence[int], right: Sequence[int]
) -> tuple[Discrimination | None, str]:
    pairs = [
        (1.0 if first.correct else 0.0, (right[first.learner] - first.correct) / (seen[first.learner] - 1))
        for first in firsts
        if seen[first.learner] > 1
    ]
    if len(pairs) < MIN_LEARNERS_FOR_DISCRIMINATION:
        return None, f"fewer than {MIN_LEARNERS_FOR_DISCRIMINATION} learners"
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    if len(set(xs)) == 1:
        return None, "everyone right" if xs[0] else "everyone wrong"
    r = _old_pearson(xs, ys)
    if r is None:
        return None, "every rest score is equal"
    r = max(-1.0, min(1.0, r))
    if abs(r) == 1.0:
        return Discrimination(r, r, r, len(pairs)), ""
    z = math.atanh(r)
    half = Z_95 / math.sqrt(len(pairs) - 3)
    return Discrimination(r, math.tanh(z - half), math.tanh(z + half), len(pairs)), ""


@pytest.mark.parametrize("seed", range(40))
def test_discrimination_is_that_of_the_generator_sums(seed: int) -> None:
    rng = random.Random(seed)
    learners = rng.choice((5, 12, 40, 300, 1000))
    seen = [rng.choice((0, 1, 2, 3, 50, 296)) for _ in range(learners)]
    right = [rng.randint(0, count) for count in seen]
    share = rng.choice((0.0, 0.5, 0.82, 1.0))
    firsts = [
        FirstAttempt(learner, rng.random() < share, False, "x")
        for learner in range(learners)
        if seen[learner] and rng.random() < 0.9
    ]
    got, want = _discrimination(firsts, seen, right), _old_discrimination(firsts, seen, right)
    assert got == want
    if got[0] is not None:  # equal to the last bit, as the report shows and sorts them
        assert [x.hex() for x in (got[0].r, got[0].low, got[0].high)] == [
            x.hex() for x in (want[0].r, want[0].low, want[0].high)
        ]
