"""Coding exercises and their grader: learners write RNN/LSTM/GRU cells, graded against PyTorch.

Each exercise is a folder here (README.md, exercise.yaml, starter.py, solution.py). The grader
runs learner code only in a child process (child.py); the parent side (cli.py, api.py,
runner.py, catalogue.py) never imports torch, so the TUI can use it freely.
"""
