"""The gradient check of a grading (judge side): do gradients flow back through the learner's
function to every input the exercise calls differentiable, and do they match PyTorch's?

`GradientChecks` is mixed into exercises.checks.Grading, which provides the trials, the learner's
function and the shared failure path (`_fail`, `_allowed`, `_mutated`). The reference gradients
are computed once, before the learner's file is loaded, on every float64 case.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import torch
from torch import Tensor

from exercises import results
from exercises.backprop import input_gradients, leaf_copies
from exercises.compare import Closeness, contract, first_mismatch, unravel
from exercises.diagnosis import describe_mismatch
from exercises.kit import Case
from exercises.protocol import Check, Worst
from exercises.remote import Learner, Raised
from quiz.l10n import _

if TYPE_CHECKING:
    from exercises.checks import Trial
    from exercises.grading_module import GradingModule

Stage = Callable[[str, str], None]  # (check name, what is running) -> None


class GradientChecks:
    """The `gradients` check; the attributes and the methods below come from Grading."""

    exercise: str
    path: Path
    seed: int
    learner: Learner | None
    worst: Worst | None
    checks: list[Check]
    module: GradingModule
    trials: dict[torch.dtype, list[Trial]]
    grad_expected: list[dict[str, Tensor]]

    def stage(self, check: str, doing: str) -> None:
        raise NotImplementedError

    def _fail(
        self,
        check: str,
        diagnosis: str | None,
        message: str,
        advice: str = "",
        ids: list[str] | None = None,
    ) -> NoReturn:
        raise NotImplementedError

    def _allowed(self, check: str) -> None:
        raise NotImplementedError

    def _mutated(self) -> list[str]:
        raise NotImplementedError

    def _fail_mutated(self, check: str, mutated: list[str]) -> NoReturn:
        raise NotImplementedError

    def _grad_trials(self) -> list[Trial]:
        return self.trials.get(torch.float64, [])

    def _low_trials(self) -> list[Trial]:
        """The float32 cases: their gradients must at least be finite where PyTorch's are."""
        return self.trials.get(torch.float32, [])

    def _prepare_gradients(self) -> None:
        self.grad_mutated: set[str] = set()  # inputs changed by the calls with autograd on
        self.grad_expected = []
        self.grad_expected32: list[dict[str, Tensor]] = []
        if not self.module.differentiable:
            return
        for expected, trials in (
            (self.grad_expected, self._grad_trials()),
            (self.grad_expected32, self._low_trials()),
        ):
            for k, trial in enumerate(trials):
                args, leaves = leaf_copies(trial.inputs, self.module.differentiable)
                grads = input_gradients(self.module.reference(**args), leaves, self.seed, k)
                expected.append({n: g for n, g in grads.items() if g is not None})

    def _gradients(self) -> None:
        check = results.GRADIENTS
        for k, trial in enumerate(self._grad_trials()):
            self._gradients_on(trial, k, self.grad_expected[k])
        for k, trial in enumerate(self._low_trials()):
            self._finite_gradients_on(trial, k, self.grad_expected32[k])
        self.checks.append(Check(check, True))

    def _finite_gradients_on(self, trial: Trial, k: int, expected: dict[str, Tensor]) -> None:
        """float32 gradients are not compared (rounding grows through a saturated cell), but a
        NaN or inf where PyTorch's gradient is finite is a bug: numerics.overflow."""
        check = results.GRADIENTS
        grads = self._learner_gradients(trial, k, strict=False)
        for name, want in expected.items():
            got = grads.get(name)
            if got is None or got.shape != want.shape:
                continue  # the float64 cases already judged whether gradients flow
            bad = ~torch.isfinite(got) & torch.isfinite(want)
            if bool(bad.any()):
                index = unravel(int(bad.flatten().nonzero()[0]), tuple(bad.shape))
                where = f"grad_{name}[{', '.join(map(str, index))}]"
                value, pytorch = float(got[index]), float(want[index])
                self._fail(
                    check,
                    "numerics.overflow",
                    _(
                        "{where} is {value} on the case {case}, where PyTorch's gradient is"
                        " {expected:.6g}."
                    ).format(where=where, value=value, case=trial.label, expected=pytorch),
                    _(
                        "Your forward values are right, but on the case {case} the gradient"
                        " {where} is {value}: something overflows on the way back. A classic"
                        " cause is torch.where(cond, a, b) where the branch not taken is inf or"
                        " NaN (its gradient still flows, times 0, giving NaN), or exp() of a"
                        " large number in a hand-written activation. Use torch.tanh /"
                        " torch.sigmoid, or clamp before exp()."
                    ).format(case=trial.label, where=where, value=value),
                )

    def _learner_gradients(self, trial: Trial, k: int, *, strict: bool) -> dict[str, Tensor | None]:
        """The gradients of the learner's function on `trial` for every differentiable input;
        `strict` first requires the result's shape and its connection to the graph."""
        check = results.GRADIENTS
        self.stage(check, _("computing gradients on the case {case}").format(case=trial.label))
        assert self.learner is not None
        differentiable = tuple(self.module.differentiable)
        graded = self.learner.gradients(trial.inputs, differentiable, self.seed, k)
        self.grad_mutated.update(graded.mutated)
        self._allowed(check)
        if graded.mutated:
            self._fail_mutated(check, sorted(graded.mutated))
        if graded.error is not None and graded.phase == "call":
            self._gradient_failure(
                graded.error, _("calling your function on inputs that require grad")
            )
        if strict and contract(graded.value, trial.expected, self.module.output, numpy_track=False):
            self._fail(
                check,
                "shape",
                _(
                    "With inputs that require grad, your result no longer has the shape of"
                    " PyTorch's (case {case})."
                ).format(case=trial.label),
            )
        if strict and not all(graded.connected):
            self._fail(
                check,
                "not_differentiable",
                _("Your result is not connected to the autograd graph."),
                _(
                    "Your result carries no gradient: somewhere your code leaves torch (a NumPy"
                    " round trip, .detach(), .data, .item(), torch.tensor(...) of a result), so"
                    " training could not learn through it. Stay with torch operations."
                ),
            )
        if graded.error is not None:
            self._gradient_failure(graded.error, _("back-propagating through your function"))
        return {name: g if isinstance(g, Tensor) else None for name, g in graded.grads.items()}

    def _gradients_on(self, trial: Trial, k: int, expected: dict[str, Tensor]) -> None:
        check = results.GRADIENTS
        grads = self._learner_gradients(trial, k, strict=True)
        for name, want in expected.items():
            got = grads.get(name)
            if got is None:
                self._fail(
                    check,
                    "not_differentiable",
                    _("No gradient reaches {name}.").format(name=name),
                    _(
                        "No gradient flows back to {name}: your code cuts it out of the graph"
                        " (.detach(), .data, a NumPy round trip or torch.tensor(...) of it)."
                    ).format(name=name),
                )
            tol = self.module.tolerance(torch.float64, got.device)
            worst = first_mismatch(
                got,
                want,
                f"grad_{name}",
                Closeness(tol.rtol, tol.atol * trial.case.scale),
                Case(trial.case.label, {}),
                trial.label,
            )
            if worst is not None:
                self.worst = worst
                self._fail(
                    check,
                    "not_differentiable",
                    describe_mismatch(worst),
                    _(
                        "The forward values are right but the gradient with respect to {name} is"
                        " not (largest error {error:.3g}): a custom autograd.Function with a"
                        " wrong backward, or a value used after an in-place change, usually"
                        " causes this."
                    ).format(name=name, error=worst.error),
                )

    def _gradient_failure(self, error: Raised, doing: str) -> NoReturn:
        diagnosis, message = error.diagnosis, error.message
        if diagnosis != "crash":
            self._fail(results.GRADIENTS, diagnosis, message)
        if "leaf Variable that requires grad" in error.text:
            changed = ", ".join(self._mutated()) or _("one of its inputs")
            self._fail(
                results.GRADIENTS,
                "in_place_mutation",
                _("While {doing}: {message}").format(doing=doing, message=message),
                _(
                    "Your code changes {changed} in place; with inputs that require grad,"
                    " autograd refuses, and the caller's tensors would be overwritten. Use"
                    " out-of-place operations (h = h * f, not h *= f or h.mul_(f))."
                ).format(changed=changed),
            )
        self._fail(
            results.GRADIENTS,
            "not_differentiable",
            _("While {doing}: {message}").format(doing=doing, message=message),
            _(
                "Your code gives the right values but fails under autograd ({message}). Keep"
                " every step a torch operation on the given tensors (no .numpy(), no in-place"
                " changes to values autograd still needs, e.g. sigmoid_() on a tensor used again"
                " later)."
            ).format(message=message),
        )
