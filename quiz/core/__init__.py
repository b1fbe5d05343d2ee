"""The engine: banks, grading, scheduling, sessions, the score log, history.

Nothing here imports Textual; `tests/core/test_no_textual.py` checks it in a subprocess.
"""
