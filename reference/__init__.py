"""Ground truth for the exercise grader: PyTorch's own cells and a library of known mistakes.

Only the grader's child process imports this package; learner code may not (the child blocks it).
"""
