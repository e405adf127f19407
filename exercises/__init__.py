"""Coding exercises and their grader: learners write RNN/LSTM/GRU cells, graded against PyTorch.

Each exercise is a folder here (README.md, exercise.yaml, starter.py, solution.py). The grader
runs learner code only in a child process (child.py); the parent side (cli.py, api.py,
runner.py, catalogue.py) never imports torch, so the TUI can use it freely.

Dependencies go one way: `quiz` may import `exercises`, and `exercises` imports from `quiz` only
its neutral core, which imports no `exercises` and no Textual:
    quiz.locations (paths), quiz.store (the progress store), quiz.l10n and quiz.i18n (settings,
    language, translations), quiz.glossary (used by quiz.i18n), quiz.sanitize, quiz.pipes.
Never quiz.tui, quiz.session, quiz.bank, ... The process's one Store is opened by whoever owns the
process (the `grade` CLI, the app) and passed in; the language is passed as an argument or chosen
once by the CLI (exercises.cli_support.choose_language).
"""
