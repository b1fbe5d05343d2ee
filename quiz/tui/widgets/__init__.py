"""One widget per question type, each posting `Answered(response)` when the learner answers.

`quiz.tui.widgets.factory.widget_for` picks the widget for a presented question.
"""
