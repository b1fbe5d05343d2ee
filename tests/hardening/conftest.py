"""Settings shared by the hardening tests.

Hypothesis runs through the `quiz-hardening` profile: a few dozen examples per
property, so the whole folder stays well under a minute on two cores. Set
`QUIZ_FUZZ_EXAMPLES=5000` for a long run; the same variable scales the number of
SIGKILLs in the killed-session test (see `scale`). The profile is applied per test
(`@FUZZ`) rather than loaded globally, so other test folders keep their own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

DEFAULT_EXAMPLES = 20
"""Examples per property in an ordinary run."""

PROFILE = "quiz-hardening"


def fuzz_examples() -> int:
    """`QUIZ_FUZZ_EXAMPLES` when set to a positive whole number, else the default."""
    raw = os.environ.get("QUIZ_FUZZ_EXAMPLES", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_EXAMPLES


def scale(default: int) -> int:
    """`default` in an ordinary run; proportionally more in a long fuzz run."""
    return max(default, default * fuzz_examples() // DEFAULT_EXAMPLES)


settings.register_profile(
    PROFILE,
    max_examples=fuzz_examples(),
    deadline=None,  # a loaded machine must not turn a slow example into a failure
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=fuzz_examples() == DEFAULT_EXAMPLES,  # ordinary runs are reproducible
    print_blob=True,
)
