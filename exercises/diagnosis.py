"""Naming the mistake behind wrong values (child side).

A known mistake is named only when its exact model (reference/mistakes.py) reproduces the
learner's outputs on EVERY float64 case where the learner's code ran, including at least one case
where the learner is wrong. A correct cell never reaches this module; a cell with two slips
matches no single model and gets no name, only the place of its largest error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from torch import Tensor

from exercises.cases import Inputs, are_close
from exercises.results import Worst
from reference.mistakes import Mistake, for_exercise


def as_outputs(value: Tensor | tuple[Tensor, ...] | list[Tensor]) -> tuple[Tensor, ...]:
    return tuple(value) if isinstance(value, tuple | list) else (value,)


Run = tuple[Inputs, tuple[Tensor, ...], dict[str, float]]  # inputs, learner's outputs, tolerance


def find_mistake(exercise: str, runs: Sequence[Run]) -> Mistake | None:
    """The first known mistake whose model gives the learner's outputs on all `runs`."""
    if not runs:
        return None
    for mistake in for_exercise(exercise):
        if all(_reproduces(mistake, *run) for run in runs):
            return mistake
    return None


def _reproduces(
    mistake: Mistake, inputs: Inputs, got: tuple[Tensor, ...], tol: dict[str, float]
) -> bool:
    try:
        want = as_outputs(mistake.compute(**inputs))
    except (ValueError, RuntimeError):  # the slip cannot even run on this shape
        return False
    return are_close(got, want, **tol)


def describe_mismatch(worst: Worst) -> str:
    """Where the learner's output first differs, in words, with a hint for NaN or overflow."""
    text = (
        f"{worst.where} is {worst.got:.6g} but PyTorch gives {worst.expected:.6g}"
        f" (error {worst.error:.3g}) on the case {worst.case}."
    )
    if not math.isfinite(worst.got) and math.isfinite(worst.expected):
        text += (
            " A NaN or inf where PyTorch has a number usually means exp() overflowed on large"
            " inputs (float32 overflows past exp(88)): torch.sigmoid and torch.tanh are stable,"
            " a hand-written (exp(x) - exp(-x)) / (exp(x) + exp(-x)) is not."
        )
    return text


def no_known_mistake(worst: Worst) -> str:
    return (
        f"{describe_mismatch(worst)} This matches none of the known mistakes (perhaps two slips"
        " at once): compare your code with the equations in the README one gate at a time."
    )
