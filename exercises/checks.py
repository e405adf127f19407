"""The grading pipeline (judge side): the checks of results.CHECKS, in order, stopping at the first
that fails, for any exercise folder.

Everything exercise-specific comes from the folder's grading module (exercises.kit): the cases,
the reference, the output names, the mistakes. The learner's file runs in a process of its own
(exercises.remote); this one, the judge, holds the reference and compares. Learner calls
are made lazily, check by check, and cached, so the stage reported to the parent (for timeouts
and crashes) is always the one really running. The gradient and repeat checks are in
exercises.gradient_checks.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import torch

from exercises import counting, diagnosis, grading_module, kit, learner, remote, results
from exercises.compare import Closeness, are_close, contract, first_mismatch, normalise
from exercises.diagnosis import Finding, Run, describe_mismatch, localised, no_known_mistake
from exercises.gradient_checks import GradientChecks, Stage
from exercises.protocol import Check, Cost, Diagnosis, Request, Verdict, Worst
from exercises.sandbox import Setup
from exercises.zygote import Template
from quiz.l10n import N_, _

COST_REPEATS = 10  # calls timed, the fastest kept, for the wall-clock ratio (information only)


PRECISION_ADVICE = N_(
    "Your float64 results match PyTorch, so the equations are right; in float32 something loses"
    " precision (a .half() or .bfloat16() conversion, or a formula that subtracts nearly equal"
    " values)."
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


@dataclass
class Trial:
    """One case in one dtype: the inputs (as the learner gets them), PyTorch's answer, and
    (once called) the learner's outcome."""

    case: kit.Case
    dtype: torch.dtype
    inputs: dict[str, Any]
    expected: Any
    outcome: remote.Outcome | None = None

    @property
    def label(self) -> str:
        return f"{str(self.dtype).removeprefix('torch.')}, {self.case.label}"


def as_numpy(value: Any) -> Any:
    """A numpy-track learner's view of an input: tensors as numpy arrays (copies)."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, tuple | list):
        return type(value)(as_numpy(v) for v in value)
    if isinstance(value, dict):
        return {k: as_numpy(v) for k, v in value.items()}
    return value


class Grading(GradientChecks):
    """One grading request. `run()` returns the verdict the child sends to the parent."""

    def __init__(
        self,
        request: Request,
        zygote: Template,
        stage: Stage,
        *,
        memory_mb: int,
        protected: list[str],
    ) -> None:
        self.started = time.monotonic()
        self.request = request
        self.exercise = request.exercise
        self.path = Path(request.file)
        self.seed = request.seed
        self.numpy_track = request.track == "numpy"
        # The numpy track runs on the CPU whatever was asked: numpy has no other device.
        self.device = torch.device("cpu") if self.numpy_track else resolve_device(request.device)
        self.module = grading_module.load(Path(request.folder))
        self._zygote = zygote
        self._setup = Setup(
            memory_mb=memory_mb,
            cuda=self.device.type == "cuda",
            protected=protected,
            ancestors=[zygote.pid, os.getpid(), os.getppid()],
        )
        self._send_stage = stage
        self.current = (results.LOADS, _("loading your file"))
        self.learner: remote.Learner | None = None
        self.checks: list[Check] = []
        self.diagnosis: Diagnosis | None = None
        self.worst: Worst | None = None
        self.cost: Cost | None = None
        drawn = self.module.cases(self.seed)
        self.trials = {
            dtype: [self._trial(c, dtype) for c in drawn] for dtype in self.module.dtypes
        }
        self._prepare_gradients()

    def _trial(self, case: kit.Case, dtype: torch.dtype) -> Trial:
        inputs = kit.cast(case.inputs, dtype, self.device)
        return Trial(case, dtype, inputs, self.module.reference(**inputs))

    @property
    def first(self) -> Trial:
        return self.trials[self.module.dtypes[0]][0]

    # -- driving ---------------------------------------------------------------------------

    def stage(self, check: str, doing: str) -> None:
        self.current = (check, doing)
        self._send_stage(check, doing)

    def run(self) -> Verdict:
        try:
            self._checks()
        except remote.Ended as end:
            self.checks = [c for c in self.checks if c.name != self.current[0]]
            with contextlib.suppress(_Stop):
                self._fail(self.current[0], end.diagnosis, end.message)
        finally:
            if self.learner is not None:
                self.learner.close()
        return Verdict(
            exercise=self.exercise,
            passed=self.diagnosis is None and all(c.passed for c in self.checks),
            device=self.device.type,
            seed=self.seed,
            checks=list(self.checks),
            diagnosis=self.diagnosis,
            worst=self.worst,
            skipped=self._skipped(),
            cost=self.cost,
        )

    def _checks(self) -> None:
        try:
            self._loads()
            self._implemented()
            self._allowed(results.ALLOWED)
            self.checks.append(Check(results.ALLOWED, True))
            self._contract()
            for dtype in self.module.dtypes:
                self._values(dtype)
            if self.module.differentiable and not self.numpy_track:
                self._gradients()
            self._repeatable()
            self._unchanged()
            self._cost()
        except _Stop:
            pass

    def _skipped(self) -> list[str]:
        """The checks of results.CHECKS this exercise has no part in."""
        ran = {results.values_check(d) for d in self.module.dtypes}
        skipped = [c for c in (results.VALUES64, results.VALUES32) if c not in ran]
        if not self.module.differentiable or self.numpy_track:
            skipped.append(results.GRADIENTS)
        if self.module.cost is None:
            skipped.append(results.COST)
        return skipped

    def _fail(
        self,
        check: str,
        diagnosis: str | None,
        message: str,
        advice: str = "",
        ids: list[str] | None = None,
    ) -> NoReturn:
        self.checks.append(Check(check, False, message))
        if diagnosis is not None:
            self.diagnosis = Diagnosis(diagnosis, advice or message, list(ids or []))
        raise _Stop

    def _fail_with(self, check: str, finding: Finding, message: str, note: str = "") -> NoReturn:
        self._fail(check, finding.id, message, finding.message + note, finding.ids)

    def _call(self, inputs: dict[str, Any]) -> remote.Outcome:
        """One call of the learner's function (numpy arrays in, on the numpy track). Where the
        exercise's function is meant to change inputs in place (MUTATES), its outputs are what
        it returned and those inputs after the call."""
        assert self.learner is not None
        given = as_numpy(inputs) if self.numpy_track else inputs
        outcome = self.learner.call(given)
        mutates = self.module.mutates
        if not mutates:
            return outcome
        outcome.mutated = tuple(n for n in outcome.mutated if n not in mutates)
        if outcome.error is None:
            outcome.value = (outcome.value, *(outcome.after[n] for n in mutates))
        return outcome

    def _outcome(self, trial: Trial, check: str) -> remote.Outcome:
        """The trial's call, made once, when a check first needs it."""
        if trial.outcome is None:
            self.stage(
                check,
                _("calling {name} on the case {case}").format(name=self.exercise, case=trial.label),
            )
            trial.outcome = self._call(trial.inputs)
        return trial.outcome

    def _tol(self, trial: Trial) -> Closeness:
        tol = self.module.tolerance(trial.dtype, self.device)
        return Closeness(tol.rtol, tol.atol * trial.case.scale)

    # -- the checks --------------------------------------------------------------------------

    def _loads(self) -> None:
        self.stage(results.LOADS, _("loading your file"))
        self.learner = remote.Learner(
            self._zygote,
            self._setup,
            deadline=self.started + self.request.timeout,
            timeout=self.request.timeout,
            doing=lambda: self.current[1],
        )
        try:
            self.learner.load(
                self.path,
                self.exercise,
                numpy_only=self.numpy_track,
                forbidden=tuple(self.module.forbidden),
            )
        except learner.Failure as failure:
            self._fail(results.LOADS, failure.diagnosis, failure.message)
        self.checks.append(Check(results.LOADS, True))

    def _implemented(self) -> None:
        error = self._outcome(self.first, results.IMPLEMENTED).error
        if error is not None and error.diagnosis == "not_implemented":
            self._fail(
                results.IMPLEMENTED,
                "not_implemented",
                _("{name} still raises NotImplementedError: not started yet.").format(
                    name=self.exercise
                ),
                _(
                    "Not started: replace the `raise NotImplementedError` in {path} with your"
                    " code. `rnnprep exercise show {name}` shows the task,"
                    " `rnnprep exercise hint {name}` gives a hint."
                ).format(path=self.path, name=self.exercise),
            )
        self.checks.append(Check(results.IMPLEMENTED, True))

    def _allowed(self, check: str) -> None:
        """Fail `check` if any learner code so far touched a forbidden API."""
        assert self.learner is not None
        if self.learner.used:
            what, advice = self.learner.used[0]
            said = _("Your code {what}.").format(what=what)
            self._fail(check, "forbidden_api", said, f"{said} {advice}")

    def _contract(self) -> None:
        for dtype in self.module.dtypes:
            trial = self.trials[dtype][0]
            self._outputs(trial, results.CONTRACT)
        self._allowed(results.CONTRACT)
        self.checks.append(Check(results.CONTRACT, True))

    def _values(self, dtype: torch.dtype) -> None:
        check = results.values_check(dtype)
        trials = self.trials[dtype]
        for trial in trials:
            self._outcome(trial, check)
        self._allowed(check)
        for trial in trials:
            got = self._outputs(trial, check)
            worst = first_mismatch(
                got, trial.expected, self.module.output, self._tol(trial), trial.case, trial.label
            )
            if worst is None:
                continue
            self.worst = worst
            if dtype != self.module.dtypes[0]:  # the first dtype passed: the maths is right
                overflowed = self._overflow(dtype)
                if overflowed is not None:
                    self._fail_with(check, overflowed, describe_mismatch(self.worst))
                self._fail(check, None, f"{describe_mismatch(worst)} {_(PRECISION_ADVICE)}")
            finding = self._explain()
            if finding is None:
                self._fail(check, None, no_known_mistake(worst))
            self._fail_with(check, finding, describe_mismatch(worst))
        self.checks.append(Check(check, True))

    def _repeatable(self) -> None:
        """The same inputs give the same result on a later call, after other cases ran."""
        check = results.REPEATABLE
        first = self.first
        self.stage(
            check,
            _("calling {name} again on the case {case}").format(
                name=self.exercise, case=first.label
            ),
        )
        again = self._call(first.inputs)
        self._allowed(check)
        tol = self._tol(first)
        before = normalise(self._outcome(first, check).value)
        if again.error is None and are_close(again.value, before, self.module.output, tol):
            self.checks.append(Check(check, True))
            return
        twice = self._call(first.inputs)
        self._allowed(check)
        if (
            again.error is None
            and twice.error is None
            and are_close(twice.value, again.value, self.module.output, tol)
        ):
            self._fail(
                check,
                "state_kept",
                _(
                    "Called again on the case {case}, after the other cases, your function"
                    " gives a different result."
                ).format(case=first.label),
                _(
                    "Your function remembers something between calls (a global, a default"
                    " argument that is a list or dict, a cache, an attribute on the function) and"
                    " its result depends on it. It must depend on its arguments only."
                ),
            )
        self._fail(
            check,
            "nondeterministic",
            _("Two calls in a row on the case {case} give different results.").format(
                case=first.label
            ),
            _(
                "Your function is not deterministic: with the same arguments it must return the"
                " same result. Look for randomness (torch.rand, random, dropout) or an"
                " uninitialised tensor (torch.empty) read before it is written."
            ),
        )

    def _mutated(self) -> list[str]:
        """Inputs that some call so far changed in place."""
        calls = [t.outcome for trials in self.trials.values() for t in trials if t.outcome]
        return sorted({name for o in calls for name in o.mutated} | self.grad_mutated)

    def _unchanged(self) -> None:
        mutated = self._mutated()
        if mutated:
            self._fail_mutated(results.UNCHANGED, mutated)
        self.checks.append(Check(results.UNCHANGED, True))

    def _fail_mutated(self, check: str, mutated: list[str]) -> NoReturn:
        names = ", ".join(mutated)
        self._fail(
            check,
            "in_place_mutation",
            _("Your function changed its input(s) {names} in place.").format(names=names),
            _(
                "Your function modifies {names} in place (e.g. h.mul_(...), h += ...,"
                " h[...] = ..., even under torch.no_grad()). It must leave its arguments"
                " untouched: the caller still needs them, and autograd refuses in-place changes"
                " to tensors that require grad."
            ).format(names=names),
        )

    def _cost(self) -> None:
        """Once the values are right: what one call costs, counted, against the budget."""
        cost = self.module.cost
        if cost is None:
            return
        assert self.learner is not None
        trials = self.trials[self.module.dtypes[0]]
        trial = next((t for t in trials if cost.case in t.case.label), trials[0])
        self.stage(
            results.COST,
            _("counting what {name} costs on the case {case}").format(
                name=self.exercise, case=trial.label
            ),
        )
        given = as_numpy(trial.inputs) if self.numpy_track else trial.inputs
        counted = self.learner.cost(given, repeats=COST_REPEATS)
        self._allowed(results.COST)
        if isinstance(counted, remote.Raised):
            self._crashed(trial, counted, results.COST)
        matmuls, flops, seconds = counted
        budget_matmuls, budget_flops = cost.budget(trial.inputs)
        baseline = cost.baseline
        self.cost = Cost(
            case=trial.label,
            matmuls=matmuls,
            flops=flops,
            budget_matmuls=budget_matmuls,
            budget_flops=budget_flops,
            steps=cost.steps(trial.inputs),
            seconds=seconds,
            torch_seconds=counting.fastest(lambda: baseline(**trial.inputs), COST_REPEATS),
        )
        summary = _(
            "{matmuls} matmul calls and {flops:,} FLOPs on the case {case}; the budget is"
            " {budget_matmuls} calls and {budget_flops:,} FLOPs."
        ).format(
            matmuls=matmuls,
            flops=flops,
            case=trial.label,
            budget_matmuls=budget_matmuls,
            budget_flops=budget_flops,
        )
        if self.cost.within:
            self.checks.append(Check(results.COST, True, summary))
            return
        slip = next((s for s in cost.slips if s.matmuls(trial.inputs) == matmuls), None)
        if slip is not None:
            self._fail(results.COST, slip.id, summary, localised(slip.message, slip.zh))
        self._fail(results.COST, cost.over_id, summary, localised(*cost.over))

    # -- helpers ---------------------------------------------------------------------------

    def _outputs(self, trial: Trial, check: str) -> Any:
        """The result of one call, or a failed `check` saying what is wrong with it."""
        outcome = self._outcome(trial, check)
        if outcome.error is not None:
            self._crashed(trial, outcome.error, check)
        problem = contract(
            outcome.value, trial.expected, self.module.output, numpy_track=self.numpy_track
        )
        if problem is not None:
            text = _("{problem} (case {case})").format(problem=problem.message, case=trial.label)
            finding = self._explain(structural=False)
            if finding is not None:
                self._fail_with(check, finding, text)
            self._fail(check, problem.diagnosis, text, problem.advice)
        return normalise(outcome.value)

    def _crashed(self, trial: Trial, error: remote.Raised, check: str) -> NoReturn:
        self._allowed(check)
        diagnosis_id, message = error.diagnosis, error.message
        text = _("On the case {case} your code fails: {message}").format(
            case=trial.label, message=message
        )
        if "cannot be multiplied" in message:
            text += _(
                " (Weights are stored [out_features, in_features]: x @ w_ih.T, not x @ w_ih.)"
            )
        if "same device" in message:
            text += _(
                " (Create new tensors on the inputs' device: device=x.device, or zeros_like.)"
            )
        if diagnosis_id != "crash":
            self._fail(check, diagnosis_id, text)
        if "refers to a single memory location" in message:  # an in-place write into an input
            self._fail(
                check,
                "in_place_mutation",
                text,
                _(
                    "Your code writes into one of its inputs in place (c *= f, h.add_(...),"
                    " x[...] = ...). Callers pass views (an expanded or transposed tensor) where"
                    " such a write fails or changes their data: compute new tensors instead"
                    " (c = c * f)."
                ),
            )
        finding = self._explain(structural=False)
        self._allowed(check)  # the extra calls behind the diagnosis ran learner code too
        if finding is not None:
            self._fail_with(
                check,
                finding,
                text,
                _(
                    " (Your code fails on some cases and, where it runs, gives exactly what this"
                    " does.)"
                ),
            )
        self._fail(check, "crash", text)

    def _runs(self) -> tuple[list[Run], bool]:
        """The first dtype's cases where the learner's code returned something, and whether
        any of them is wrong (only then is there anything to explain)."""
        runs, wrong = [], False
        for trial in self.trials[self.module.dtypes[0]]:
            outcome = self._outcome(trial, results.values_check(trial.dtype))
            if outcome.error is None:
                run = Run(trial.inputs, normalise(outcome.value), self._tol(trial))
                runs.append(run)
                wrong = wrong or not are_close(run.got, trial.expected, self.module.output, run.tol)
        return runs, wrong

    def _explain(self, *, structural: bool = True) -> Finding | None:
        """What explains the learner's wrong results: a known mistake, two at once, an
        overflow, a term left out (structural probes); None when nothing is certain."""
        runs, wrong = self._runs()
        self._allowed(results.values_check(self.module.dtypes[0]))
        if not wrong:
            return None  # right wherever it runs: a crash or a broken contract, not a slip
        finding = (
            diagnosis.float32_inside(self.module, runs)
            or diagnosis.single(self.module, runs)
            or diagnosis.pair(self.module, runs)
        )
        if finding is not None or not structural:
            return finding
        overflowed = self._overflow(self.module.dtypes[0])
        if overflowed is not None:
            return overflowed
        return self._probe()

    def _probe(self) -> Finding | None:
        trial = self.first
        outcome = self._outcome(trial, results.values_check(trial.dtype))
        if outcome.error is not None or not self.module.probes:
            return None

        def learner_on(inputs: dict[str, Any]) -> Any | None:
            moved = self._call(inputs)
            return None if moved.error is not None else moved.value

        found = diagnosis.probe(
            self.module, trial.inputs, normalise(outcome.value), self._tol(trial), learner_on
        )
        self._allowed(results.values_check(trial.dtype))
        return found

    def _overflow(self, dtype: torch.dtype) -> Finding | None:
        """numerics.overflow when, on some case, the learner's result is inf or NaN where
        PyTorch's is finite; the place becomes the verdict's largest error."""
        for trial in self.trials[dtype]:
            outcome = trial.outcome
            if outcome is None or outcome.error is not None:
                continue
            got = normalise(outcome.value)
            if contract(got, trial.expected, self.module.output, numpy_track=False) is not None:
                continue
            worst = first_mismatch(
                got, trial.expected, self.module.output, self._tol(trial), trial.case, trial.label
            )
            if worst is not None and diagnosis.overflow(worst):
                self.worst = worst
                return diagnosis.overflow_finding(worst)
        return None
