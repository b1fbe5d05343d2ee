"""The Textual user interface of `quiz`.

Everything here drives `quiz.core.session.Session` and shows what it returns; no module
in this package opens a file (preferences go through `quiz.core.prefs`).
"""
