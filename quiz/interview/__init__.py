"""Mock interviews: scripted chains of questions and one coding exercise, timed, then a report.

`scripts` reads and validates data/interviews/*.yaml, `run` walks one script as the learner
answers, `report` turns a finished run into scores, mistakes, advice and Markdown. Plain Python,
no UI; the Textual side is quiz.tui.screens.mock.
"""
