"""The served app uses the plain tests' banks: one question of every type."""

from tests.plain.conftest import every, scores

__all__ = ["every", "scores"]
