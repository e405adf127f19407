"""The gradient check of a grading (child side): do gradients flow back through the learner's
cell to every input, and do they match PyTorch's?

`GradientChecks` is mixed into exercises.checks.Grading, which provides the case, the learner's
function and the shared failure path (`_fail`, `_allowed`, `_outputs`, `_mutated`); the helpers
below also compute the reference gradients once, before the learner's file is loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import torch
from torch import Tensor

from exercises import learner, results
from exercises.cases import Case, Inputs, first_mismatch, projections
from exercises.diagnosis import as_outputs, describe_mismatch
from exercises.guard import Guard
from exercises.protocol import Check, Tolerance, Worst

Stage = Callable[[str, str], None]  # (check name, what is running) -> None


class GradientChecks:
    """The `gradients` check; the attributes and the four methods below come from Grading."""

    exercise: str
    path: Path
    seed: int
    outputs: list[str]
    guard: Guard
    stage: Stage
    function: Callable[..., Any] | None
    worst: Worst | None
    tol: dict[torch.dtype, Tolerance]
    grad_case: Case
    grad_expected: dict[str, Tensor | None]
    checks: list[Check]

    def _fail(self, check: str, diagnosis: str | None, message: str, advice: str = "") -> NoReturn:
        raise NotImplementedError

    def _allowed(self, check: str) -> None:
        raise NotImplementedError

    def _outputs(self, case: Case, outcome: learner.Outcome, check: str) -> tuple[Tensor, ...]:
        raise NotImplementedError

    def _mutated(self) -> list[str]:
        raise NotImplementedError

    def _gradients(self) -> None:
        check = results.GRADIENTS
        case = self.grad_case
        self.stage(check, f"computing gradients on the case {case.label}")
        leaves = leaf_copies(case.inputs)
        value, error = learner.run(lambda: self.function(*leaves.values()), self.guard)  # type: ignore[misc]
        self._allowed(check)
        if error is not None:
            self._gradient_failure(error, "calling your function on inputs that require grad")
        outs = self._outputs(case, learner.Outcome(value), check)
        detached = [n for n, o in zip(self.outputs, outs, strict=True) if not o.requires_grad]
        if detached:
            self._fail(
                check,
                "not_differentiable",
                f"{detached[0]} is not connected to the autograd graph.",
                f"{detached[0]} carries no gradient: somewhere your code leaves torch (a NumPy"
                " round trip, .detach(), .data, .item(), torch.tensor(...) of a result), so"
                " training could not learn through your cell. Stay with torch operations.",
            )
        grads, error = learner.run(lambda: input_gradients(outs, leaves, self.seed), self.guard)
        self._allowed(check)
        if error is not None:
            self._gradient_failure(error, "back-propagating through your function")
        assert grads is not None
        for name, got in grads.items():
            want = self.grad_expected[name]
            if got is None:
                self._fail(
                    check,
                    "not_differentiable",
                    f"No gradient reaches {name}.",
                    f"No gradient flows back to {name}: your code cuts it out of the graph"
                    " (.detach(), .data, a NumPy round trip or torch.tensor(...) of it).",
                )
            assert want is not None  # the reference has a gradient for every input given
            worst = first_mismatch(
                (got,),
                (want,),
                [f"grad_{name}"],
                **bounds(self.tol[torch.float64]),
                case=case.label,
            )
            if worst is not None:
                self.worst = worst
                self._fail(
                    check,
                    "not_differentiable",
                    describe_mismatch(worst),
                    f"The forward values are right but the gradient with respect to {name} is"
                    " not: a custom autograd.Function with a wrong backward, or a value used"
                    " after an in-place change, usually causes this.",
                )
        self.checks.append(Check(check, True))

    def _gradient_failure(self, error: BaseException, doing: str) -> NoReturn:
        diagnosis, message = learner.describe(error, self.path)
        if diagnosis != "crash":
            self._fail(results.GRADIENTS, diagnosis, message)
        if "leaf Variable that requires grad" in str(error):
            changed = ", ".join(self._mutated()) or "one of its inputs"
            self._fail(
                results.GRADIENTS,
                "in_place_mutation",
                f"While {doing}: {message}",
                f"Your code changes {changed} in place; with inputs that require grad, autograd"
                " refuses, and the caller's tensors would be overwritten. Use out-of-place"
                " operations (h = h * f, not h *= f or h.mul_(f)).",
            )
        self._fail(
            results.GRADIENTS,
            "not_differentiable",
            f"While {doing}: {message}",
            f"Your cell gives the right values but fails under autograd ({message}). Keep every"
            " step a torch operation on the given tensors (no .numpy(), no in-place changes to"
            " values autograd still needs, e.g. sigmoid_() on a tensor used again later).",
        )

    def _gradients_of(self, cell: Callable[..., Any], inputs: Inputs) -> dict[str, Tensor | None]:
        leaves = leaf_copies(inputs)
        return input_gradients(as_outputs(cell(*leaves.values())), leaves, self.seed)


def bounds(tol: Tolerance) -> dict[str, float]:
    return {"rtol": tol.rtol, "atol": tol.atol}


def leaf_copies(inputs: Inputs) -> dict[str, Tensor | None]:
    return {
        k: None if v is None else v.detach().clone().requires_grad_() for k, v in inputs.items()
    }


def input_gradients(
    outs: tuple[Tensor, ...], leaves: dict[str, Tensor | None], seed: int
) -> dict[str, Tensor | None]:
    """Gradients of sum(out * p) with respect to every input that is not None."""
    loss = torch.stack(
        [(o * p).sum() for o, p in zip(outs, projections(outs, seed), strict=True)]
    ).sum()
    present = {k: v for k, v in leaves.items() if v is not None}
    grads = torch.autograd.grad(loss, list(present.values()), allow_unused=True)
    return dict(zip(present, grads, strict=True))
