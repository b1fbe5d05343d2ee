"""quiz: a terminal study drill with spaced repetition."""

__version__ = "0.1.0"
FORMAT_VERSION = 1
"""Version of the score-log record format written by this app."""
