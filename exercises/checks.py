"""The grading pipeline (child side): the checks of results.CHECKS, in order, stopping at the first
that fails.

The reference answers are computed before the learner's file is even loaded, so nothing the file
does to torch can change them. Learner calls are made lazily, check by check, and cached, so the
stage reported to the parent (for timeouts and crashes) is always the one really running.
The gradient check and its autograd helpers are in exercises.gradient_checks; a case (shape,
dtype, inputs, PyTorch's answer) is exercises.cases.Case.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import torch
from torch import Tensor

from exercises import learner, results
from exercises.cases import (
    GRADIENT_INDEX,
    GRADIENT_SHAPE,
    SHAPES,
    Case,
    Shape,
    draw,
    first_mismatch,
    tolerance,
)
from exercises.diagnosis import as_outputs, describe_mismatch, find_mistake, no_known_mistake
from exercises.gradient_checks import GradientChecks, Stage, bounds
from exercises.guard import Guard
from exercises.protocol import Check, Diagnosis, Request, Tolerance, Verdict, Worst
from reference.cells import REFERENCES
from reference.mistakes import Mistake

PRECISION_ADVICE = (
    "Your float64 results match PyTorch, so the equations are right; in float32 something loses"
    " precision or overflows (a .half() or .bfloat16() conversion, a hand-written exp() of a"
    " large number, or a formula that subtracts nearly equal values)."
)


class UsageProblem(Exception):
    """The request cannot be graded here (no CUDA); the parent turns it into a usage error."""


class _Stop(Exception):
    """A check failed; grading ends."""


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise UsageProblem("--device cuda was asked for, but this machine has no usable CUDA.")
    return torch.device(name)


class Grading(GradientChecks):
    """One grading request. `run()` returns the verdict the child sends to the parent."""

    def __init__(self, request: Request, guard: Guard, stage: Stage) -> None:
        self.exercise = request.exercise
        self.path = Path(request.file)
        self.seed = request.seed
        self.device = resolve_device(request.device)
        self.outputs = request.outputs
        self.guard = guard
        self.stage = stage
        self.checks: list[Check] = []
        self.diagnosis: Diagnosis | None = None
        self.worst: Worst | None = None
        self.function: Callable[..., Any] | None = None
        self.reference = REFERENCES[self.exercise]
        tol = request.tolerances
        cuda = self.device.type == "cuda"
        self.tol: dict[torch.dtype, Tolerance] = {
            torch.float64: tol.float64,
            torch.float32: tol.cuda_float32 if cuda else tol.float32,
        }
        self.cases = {
            dtype: [self._case(shape, dtype, k, request) for k, shape in enumerate(SHAPES)]
            for dtype in (torch.float64, torch.float32)
        }
        self.grad_case = self._case(GRADIENT_SHAPE, torch.float64, GRADIENT_INDEX, request)
        self.grad_expected = self._gradients_of(self.reference, self.grad_case.inputs)

    def _case(self, shape: Shape, dtype: torch.dtype, index: int, request: Request) -> Case:
        inputs = draw(
            shape,
            gates=request.gates,
            states=request.states,
            dtype=dtype,
            device=self.device,
            seed=self.seed,
            index=index,
        )
        return Case(shape, dtype, inputs, as_outputs(self.reference(**inputs)))

    # -- driving ---------------------------------------------------------------------------

    def run(self) -> Verdict:
        try:
            self._loads()
            self._implemented()
            self._allowed(results.ALLOWED)
            self.checks.append(Check(results.ALLOWED, True))
            self._contract()
            self._values(torch.float64, results.VALUES64)
            self._values(torch.float32, results.VALUES32)
            self._gradients()
            self._unchanged()
        except _Stop:
            pass
        return Verdict(
            exercise=self.exercise,
            passed=self.diagnosis is None and all(c.passed for c in self.checks),
            device=self.device.type,
            seed=self.seed,
            checks=list(self.checks),
            diagnosis=self.diagnosis,
            worst=self.worst,
        )

    def _fail(self, check: str, diagnosis: str | None, message: str, advice: str = "") -> NoReturn:
        self.checks.append(Check(check, False, message))
        if diagnosis is not None:
            self.diagnosis = Diagnosis(diagnosis, advice or message)
        raise _Stop

    def _outcome(self, case: Case, check: str) -> learner.Outcome:
        if case.outcome is None:
            assert self.function is not None
            self.stage(check, f"calling {self.exercise} on the case {case.label}")
            case.outcome = learner.call(self.function, case.inputs, self.guard)
        return case.outcome

    # -- the checks --------------------------------------------------------------------------

    def _loads(self) -> None:
        self.stage(results.LOADS, "loading your file")
        try:
            self.function = learner.load(self.path, self.exercise, self.guard)
        except learner.Failure as failure:
            self._fail(results.LOADS, failure.diagnosis, failure.message)
        self.checks.append(Check(results.LOADS, True))

    def _implemented(self) -> None:
        case = self.cases[torch.float64][0]
        error = self._outcome(case, results.IMPLEMENTED).error
        if isinstance(error, NotImplementedError):
            self._fail(
                results.IMPLEMENTED,
                "not_implemented",
                f"{self.exercise} still raises NotImplementedError: not started yet.",
                f"Not started: replace the `raise NotImplementedError` in {self.path} with your"
                f" cell. `rnnprep exercise show {self.exercise}` shows the task,"
                f" `rnnprep exercise hint {self.exercise}` gives a hint.",
            )
        self.checks.append(Check(results.IMPLEMENTED, True))

    def _allowed(self, check: str) -> None:
        """Fail `check` if any learner code so far touched a forbidden API."""
        if self.guard.used:
            used = self.guard.used[0]
            self._fail(
                check,
                "forbidden_api",
                f"Your code uses {used}.",
                f"Your code uses {used}. {learner.FORBIDDEN_ADVICE}",
            )

    def _contract(self) -> None:
        for dtype in (torch.float64, torch.float32):
            case = self.cases[dtype][0]
            self._outputs(case, self._outcome(case, results.CONTRACT), results.CONTRACT)
        self._allowed(results.CONTRACT)
        self.checks.append(Check(results.CONTRACT, True))

    def _values(self, dtype: torch.dtype, check: str) -> None:
        cases = self.cases[dtype]
        for case in cases:
            self._outcome(case, check)
        self._allowed(check)
        for case in cases:
            got = self._outputs(case, self._outcome(case, check), check)
            worst = first_mismatch(
                got, case.expected, self.outputs, **self._tol(case), case=case.label
            )
            if worst is None:
                continue
            self.worst = worst
            if dtype != torch.float64:  # float64 passed: the maths is right, the precision not
                self._fail(check, None, f"{describe_mismatch(worst)} {PRECISION_ADVICE}")
            mistake = self._known_mistake()
            if mistake is None:
                self._fail(check, None, no_known_mistake(worst))
            self._fail(check, mistake.id, describe_mismatch(worst), mistake.message)
        self.checks.append(Check(check, True))

    def _mutated(self) -> list[str]:
        """Inputs that some call so far changed in place."""
        calls = [c.outcome for cases in self.cases.values() for c in cases if c.outcome]
        return sorted({name for o in calls for name in o.mutated})

    def _unchanged(self) -> None:
        mutated = self._mutated()
        if mutated:
            names = ", ".join(mutated)
            self._fail(
                results.UNCHANGED,
                "in_place_mutation",
                f"Your function changed its input(s) {names} in place.",
                f"Your function modifies {names} in place (e.g. h.mul_(...), h += ...,"
                " h[...] = ...). A cell must leave its arguments untouched: the caller still"
                " needs them, and autograd refuses in-place changes to tensors that require grad.",
            )
        self.checks.append(Check(results.UNCHANGED, True))

    # -- helpers ---------------------------------------------------------------------------

    def _outputs(self, case: Case, outcome: learner.Outcome, check: str) -> tuple[Tensor, ...]:
        """The outputs of one call, or a failed `check` saying what is wrong with them."""
        if outcome.error is not None:
            self._crashed(case, outcome.error, check)
        problem = self._problem(case, outcome.value)
        if problem is not None:
            self._fail(check, *problem)
        return as_outputs(outcome.value)

    def _problem(self, case: Case, value: Any) -> tuple[str, str, str] | None:
        """(diagnosis, message, advice) if `value` breaks the output contract, else None."""
        expect = ", ".join(self.outputs)
        if len(self.outputs) == 1 and isinstance(value, tuple | list):
            return (
                "shape",
                f"{self.exercise} must return the tensor {expect} itself, not a tuple.",
                "",
            )
        if len(self.outputs) > 1 and not (
            isinstance(value, tuple | list) and len(value) == len(self.outputs)
        ):
            got = "a single tensor" if isinstance(value, Tensor) else repr(value)[:60]
            return (
                "shape",
                f"{self.exercise} must return a tuple ({expect}); it returned {got}.",
                "",
            )
        want_shape = (case.shape.batch, case.shape.hidden)
        device = case.inputs["x"].device  # type: ignore[union-attr]
        for name, out in zip(self.outputs, as_outputs(value), strict=True):
            if not isinstance(out, Tensor):
                got = "None (is a `return` missing?)" if out is None else type(out).__name__
                return "shape", f"{name} should be a tensor; your code returned {got}.", ""
            if tuple(out.shape) != want_shape:
                return (
                    "shape",
                    f"{name} has shape {list(out.shape)}, expected [B, H] = {list(want_shape)}"
                    f" on the case {case.label}.",
                    "",
                )
            if out.dtype != case.dtype:
                return (
                    "dtype",
                    f"{name} is {out.dtype} for {case.dtype} inputs on the case {case.label}.",
                    f"{name} comes back as {out.dtype} for {case.dtype} inputs: outputs must keep"
                    " the inputs' dtype. Look for .float()/.double(), NumPy, or a new tensor"
                    " (torch.zeros(...), torch.tensor(...)) made without dtype=x.dtype.",
                )
            if out.device != device:
                return (
                    "device",
                    f"{name} is on {out.device}, the inputs on {device}.",
                    f"{name} must stay on the inputs' device: create new tensors with"
                    " device=x.device (or torch.zeros_like) and never call .cpu() on results.",
                )
        return None

    def _crashed(self, case: Case, error: BaseException, check: str) -> NoReturn:
        self._allowed(check)
        diagnosis, message = learner.describe(error, self.path)
        text = f"On the case {case.label} your code fails: {message}"
        if "cannot be multiplied" in message:
            text += " (Weights are stored [out_features, in_features]: x @ w_ih.T, not x @ w_ih.)"
        if "same device" in message:
            text += " (Create new tensors on the inputs' device: device=x.device, or zeros_like.)"
        if diagnosis != "crash":
            self._fail(check, diagnosis, text)
        mistake = self._known_mistake()
        self._allowed(check)  # the extra calls behind the diagnosis ran learner code too
        if mistake is not None:
            self._fail(
                check,
                mistake.id,
                text,
                f"{mistake.message} (Your code fails on some shapes and, where it runs, gives"
                " exactly what this mistake gives.)",
            )
        self._fail(check, "crash", text)

    def _known_mistake(self) -> Mistake | None:
        """The known mistake explaining the float64 cases where the learner's code ran, if any."""
        runs = []
        wrong = False
        for case in self.cases[torch.float64]:
            outcome = self._outcome(case, results.VALUES64)
            if outcome.error is not None or self._problem(case, outcome.value) is not None:
                continue
            got, tol = as_outputs(outcome.value), self._tol(case)
            runs.append((case.inputs, got, tol))
            mismatch = first_mismatch(got, case.expected, self.outputs, **tol, case=case.label)
            wrong = wrong or mismatch is not None
        return find_mistake(self.exercise, runs) if wrong else None

    def _tol(self, case: Case) -> dict[str, float]:
        return tolerance(bounds(self.tol[case.dtype]), case.shape)
