"""Naming what went wrong in a learner's values (judge side).

A diagnosis is never a guess. A known mistake is named only when its exact model reproduces the
learner's result on EVERY float64 case where the learner's code ran (at least one of them
wrong), and only when no mistake with another id does too. Failing that, pairs of known mistakes
(two slips at once) are tried under the same rule; then structural probes find a term the code
leaves out; a non-finite value where PyTorch has a number is numerics.overflow. When none of
these holds, the verdict says where the result differs and names nothing.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from exercises import kit
from exercises.compare import Closeness, are_close
from exercises.grading_module import GradingModule
from exercises.protocol import Worst
from quiz.i18n import pick
from quiz.l10n import N_, _, current_language

PUBLISHED = N_(
    " This is a valid formulation ({source}), but not PyTorch's convention, which this exercise"
    " asks for."
)


@dataclass(frozen=True)
class Run:
    """One float64 case where the learner's code returned: its inputs, the learner's result,
    the tolerance to judge it with."""

    inputs: dict[str, Any]
    got: Any
    tol: Closeness


@dataclass(frozen=True)
class Finding:
    """What the diagnosis found: every id (the main one first) and what to tell the learner."""

    ids: list[str]
    message: str

    @property
    def id(self) -> str:
        return self.ids[0]


def localised(en: str, zh: str) -> str:
    """`zh` (Traditional; Simplified derived) when the interface language is Chinese and there is
    one, else `en`."""
    return pick(en, zh, current_language()) if zh else en


def explain(mistake: kit.Mistake) -> str:
    message = localised(mistake.message, mistake.zh)
    if mistake.published:
        source = localised(mistake.published, mistake.published_zh)
        return message + _(PUBLISHED).format(source=source)
    return message


def outputs(module: GradingModule, mistake: kit.Mistake, inputs: dict[str, Any]) -> Any:
    """What `mistake` computes on `inputs` (see kit.Mistake)."""
    args = mistake.transform(dict(inputs)) if mistake.transform else dict(inputs)
    if mistake.compute is not None:
        return mistake.compute(**args)
    if mistake.flags:
        if module.variant is None:
            raise TypeError(f"{mistake.id} has flags but the exercise declares no variant()")
        return module.variant(**mistake.flags)(**args)
    return module.reference(**args)


def combined(a: kit.Mistake, b: kit.Mistake) -> kit.Mistake | None:
    """Both slips at once, where their models compose (see kit.Mistake); else None."""
    if a.id == b.id:
        return None  # two of one kind are just another of that kind
    bodies = [m for m in (a, b) if m.compute is not None or m.flags]
    clash = a.compute is not None or b.compute is not None or a.flags.keys() & b.flags.keys()
    if len(bodies) == 2 and clash:
        return None
    transforms = [m.transform for m in (a, b) if m.transform is not None]

    def transform(args: dict[str, Any]) -> dict[str, Any]:
        for step in transforms:
            args = step(args)
        return args

    body = bodies[0] if len(bodies) == 1 else None
    return kit.Mistake(
        f"{a.id}+{b.id}",
        "",
        compute=body.compute if body else None,
        transform=transform if transforms else None,
        flags={**a.flags, **b.flags},
    )


def _reproduces(module: GradingModule, mistake: kit.Mistake, runs: Sequence[Run]) -> bool:
    for run in runs:
        try:
            want = outputs(module, mistake, run.inputs)
        except (ValueError, RuntimeError, IndexError, TypeError):  # cannot run on this shape
            return False
        if not are_close(run.got, want, module.output, run.tol):
            return False
    return True


def _unique(matches: Iterable[tuple[tuple[str, ...], str]]) -> Finding | None:
    """The finding when every match names the same ids; None when none, or when they disagree."""
    found: dict[tuple[str, ...], str] = {}
    for ids, message in matches:
        found.setdefault(ids, message)
        if len(found) > 1:
            return None
    if not found:
        return None
    [(ids, message)] = found.items()
    return Finding(list(ids), message)


FLOAT32_INTERNAL = Finding(
    ["precision.float32_internal"],
    N_(
        "Your code computes in float32 and casts the result back: it matches PyTorch's"
        " answer computed in float32, not the float64 one it was given inputs for. Look for"
        " .float(), torch.float32 or a tensor made without dtype=x.dtype (torch.tensor(...),"
        " torch.zeros(...) take the default float32) on the way, and keep the inputs' dtype"
        " throughout."
    ),
)


def float32_inside(module: GradingModule, runs: Sequence[Run]) -> Finding | None:
    """precision.float32_internal when every run matches the reference computed in float32 and
    cast back (within float32's tolerance), where it misses the float64 one."""
    if not runs or torch.float32 not in module.dtypes:
        return None
    tol = module.tolerance(torch.float32, torch.device("cpu"))
    for run in runs:
        device = _device(run.inputs)
        low = kit.cast(run.inputs, torch.float32, device)
        try:
            want = kit.cast(module.reference(**low), torch.float64, device)
        except (ValueError, RuntimeError, TypeError):
            return None
        scale = run.tol.atol / module.tolerance(torch.float64, device).atol
        if not are_close(run.got, want, module.output, Closeness(tol.rtol, tol.atol * scale)):
            return None
    return Finding(FLOAT32_INTERNAL.ids, _(FLOAT32_INTERNAL.message))


def _device(inputs: dict[str, Any]) -> torch.device:
    for value in inputs.values():
        if isinstance(value, torch.Tensor):
            return value.device
    return torch.device("cpu")


def single(module: GradingModule, runs: Sequence[Run]) -> Finding | None:
    """The one known mistake that explains every run, if exactly one id does."""
    if not runs:
        return None
    return _unique(((m.id,), explain(m)) for m in module.mistakes if _reproduces(module, m, runs))


def pair(module: GradingModule, runs: Sequence[Run]) -> Finding | None:
    """Two known mistakes made together that explain every run, if exactly one pair of ids does.
    Each pair is tried on the first run before the rest, which keeps the search to milliseconds."""
    if not runs:
        return None
    first = runs[:1]

    def matches() -> Iterable[tuple[tuple[str, ...], str]]:
        for a, b in itertools.combinations(module.mistakes, 2):
            both = combined(a, b)
            if both is None:
                continue
            if _reproduces(module, both, first) and _reproduces(module, both, runs[1:]):
                yield (
                    (a.id, b.id),
                    _("Two slips at once. First: {first} Second: {second}").format(
                        first=explain(a), second=explain(b)
                    ),
                )

    return _unique(matches())


def probe(
    module: GradingModule,
    inputs: dict[str, Any],
    got: Any,
    tol: Closeness,
    learner: Callable[[dict[str, Any]], Any | None],
) -> Finding | None:
    """The terms the learner's code leaves out: for each probe, the reference's result moves
    when the probed part of the inputs does, the learner's stays put. `learner` runs the
    learner's code on inputs (None when it fails)."""
    expected = module.reference(**inputs)
    parts: dict[str, list[kit.Probe]] = {}
    tried = 0
    for p in module.probes:
        moved = p.perturb(inputs)
        if moved is inputs:
            continue  # nothing to move on this case (a bias that is None)
        if are_close(module.reference(**moved), expected, module.output, tol):
            continue  # the reference does not depend on it either
        tried += 1
        theirs = learner(moved)
        if theirs is not None and are_close(theirs, got, module.output, tol):
            parts.setdefault(p.id, []).append(p)
    every = [localised(p.part, p.part_zh) for found in parts.values() for p in found]
    if not every or len(every) == tried:
        return None  # nothing left out, or nothing reaches the result at all: not one term
    return Finding(
        list(parts),
        _(
            "Your result stays the same when these change, while PyTorch's does: {parts}. A"
            " term of the equations is missing there; compare your code with the README's"
            " equations for each of them."
        ).format(parts=_("; ").join(every)),
    )


def overflow(worst: Worst) -> bool:
    return not math.isfinite(worst.got) and math.isfinite(worst.expected)


def overflow_finding(worst: Worst) -> Finding:
    return Finding(
        ["numerics.overflow"],
        _(
            "Your {where} is {got} where PyTorch's is {expected:.6g}, on the case"
            " {case}{at_step}. Something overflowed: exp() of a large number is inf"
            " (float32 overflows past exp(88), float64 past exp(709)), and inf / inf or"
            " inf - inf is NaN. torch.sigmoid, torch.tanh and torch.logsumexp are stable; a"
            " hand-written (exp(x) - exp(-x)) / (exp(x) + exp(-x)) or exp(x) / exp(x).sum() is"
            " not."
        ).format(
            where=worst.where,
            got=worst.got,
            expected=worst.expected,
            case=worst.case,
            at_step=_at_step(worst),
        ),
    )


def _at_step(worst: Worst) -> str:
    if worst.step is None:
        return ""
    return _(", from time step {step}").format(step=worst.step)


def describe_mismatch(worst: Worst) -> str:
    """Where the learner's result first differs, in words."""
    if worst.length:
        return _(
            "{where} has {got:g} item(s) but the reference has {expected:g} on the case {case}."
        ).format(where=worst.where, got=worst.got, expected=worst.expected, case=worst.case)
    text = _(
        "{where} is {got:.6g} but PyTorch gives {expected:.6g} (error {error:.3g}) on the case"
        " {case}."
    ).format(
        where=worst.where,
        got=worst.got,
        expected=worst.expected,
        error=worst.error,
        case=worst.case,
    )
    if worst.step is not None:
        text += _(" The sequence first differs at time step {step}.").format(step=worst.step)
    return text


def no_known_mistake(worst: Worst) -> str:
    return _(
        "{mismatch} This matches none of the known mistakes, alone or two at once: compare your"
        " code with the equations in the README one step at a time."
    ).format(mismatch=describe_mismatch(worst))
