"""What an exercise's own grading module declares (judge side; torch is imported here).

Every exercise folder holds a `grading.py` that the grader's child loads by path. It declares, as
module attributes:

    OUTPUT      names of the outputs, nested like the result: "h_next", ("h_next", "c_next"),
                ("output", ("h_n", "c_n")); a name over a list/tuple the reference returns whole
                names its items by index ("best" -> best[0][1]).
    cases(seed) the inputs to grade on, as a list of Case, drawn in float64 on the CPU from `seed`
                (the grader casts floating tensors to each dtype and device; cast(), below).
    reference(**inputs) the right answer: torch's own module or function wherever one exists.
    MISTAKES    a list of Mistake: named, exact models of known slips.
Optional:
    DTYPES          dtypes the values are checked in (default float64 then float32).
    TOLERANCES      per dtype, a Tolerance (default TOLERANCES below); atol grows with Case.scale.
    FORBIDDEN       dotted torch names learner code may not call (default none).
    DIFFERENTIABLE  inputs whose gradients must match the reference's (default none).
    PROBES          structural probes (Probe), tried when no mistake explains wrong values.
    variant(**flags) a parametrised model of the exercise; a Mistake with `flags` is
                    variant(**flags), and two such mistakes with different flags combine.

    MUTATES         inputs the function is meant to change in place (clip_grad_norm_'s gradients):
                    the learner's outputs are then (what it returned, *those inputs after the
                    call), and the reference and models return the same (working on copies);
                    the unchanged-inputs check leaves them out.
    COST            a Cost: after the values, the function is run once more under a counter
                    (matmul calls and FLOPs) and held to a budget.
A torch.Generator input reaches the learner in the state it was drawn in; the reference and the
models draw from kit.fresh_generator copies so that they never move it.

The track (torch or numpy) is the exercise's (exercise.yaml): on the numpy track the learner gets
and returns numpy arrays, converted at the boundary, and is still judged against torch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import torch
from torch import Tensor

from exercises.protocol import Tolerance

__all__ = [
    "AUTOGRAD_APIS",
    "DEFAULT_DTYPES",
    "TOLERANCES",
    "Case",
    "Castable",
    "Cost",
    "CostSlip",
    "Mistake",
    "Model",
    "Probe",
    "Tolerance",
    "cast",
    "fresh_generator",
    "generator",
    "uniform",
]

DEFAULT_DTYPES = (torch.float64, torch.float32)
# What a hand-written backward pass (the numpy track's gradient exercises) may not call.
AUTOGRAD_APIS = (
    "torch.autograd.grad",
    "torch.autograd.backward",
    "torch.autograd.functional.vjp",
    "torch.autograd.functional.jacobian",
    "torch.func.vjp",
    "torch.func.grad",
)
# |got - want| <= atol * case.scale + rtol * |want|, as torch.testing.assert_close reads it.
# float64 is held to what float64 can do (correct code is within ~1e-14 even on saturating
# inputs), so code that computes in float32 inside and casts back fails it on every seed.
TOLERANCES: Mapping[str, Tolerance] = {
    "float64": Tolerance(rtol=1e-10, atol=1e-10),
    "float32": Tolerance(rtol=1e-5, atol=1e-5),
    "cuda_float32": Tolerance(rtol=5e-3, atol=5e-3),  # room for TF32 matmuls
}


@dataclass(frozen=True)
class Case:
    """One call to grade: keyword arguments in the order of the learner's parameters.

    `label` names the case to the learner ("B=3, T=4, I=5, H=4, batch_first"); the grader
    prefixes the dtype. `scale` widens atol for large inputs. `time_axes` maps an output's name
    to its time axis, so a wrong sequence is reported with the first step where it diverges.
    """

    label: str
    inputs: dict[str, Any]
    scale: float = 1.0
    time_axes: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Mistake:
    """One known slip, modelled exactly.

    Its outputs are `compute(**args)`, or `variant(**flags)(**args)` when it has flags, or the
    reference's; `args` are the case's inputs, rewritten first by `transform` when it has one
    (blocks reordered, a bias dropped). Two mistakes combine when at most one of them has a body
    (compute), or both have flags with no name in common.
    `published` names the source of a valid formulation that is not PyTorch's convention (the
    original GRU of Cho et al. 2014, TensorFlow's forget bias): the verdict says so.
    `zh` (and `published_zh`) in Traditional Chinese: the verdict's language picks them;
    Simplified is derived.
    A model may raise (ValueError, RuntimeError, IndexError, TypeError) on a case where the slip
    cannot run, e.g. weights used untransposed when H != I: such a case neither confirms nor
    rules it out, exactly as the learner's code crashing there does not.
    """

    id: str
    message: str
    zh: str = ""
    compute: Callable[..., Any] | None = None
    transform: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    flags: Mapping[str, Any] = field(default_factory=dict)
    published: str = ""
    published_zh: str = ""


@dataclass(frozen=True)
class Probe:
    """A structural probe: `perturb` changes one thing in the inputs (a gate's rows of w_ih,
    the state c, ...). When the reference's outputs move and the learner's do not, the learner's
    code leaves out the term: the diagnosis `id` (e.g. structure.ignores_input), naming `part`
    ("x in the forget gate f (rows H:2H of w_ih)"; `part_zh` in Traditional Chinese). A probe
    with nothing to move on a case (the bias it nudges is None) returns the very inputs it was
    given."""

    id: str
    part: str
    perturb: Callable[[dict[str, Any]], dict[str, Any]]
    part_zh: str = ""


@dataclass(frozen=True)
class CostSlip:
    """A known way to spend more than the budget, e.g. projecting the input step by step:
    `matmuls(inputs)` is the number of matmul calls it makes on a case; the verdict names it
    (`id`, `message`, `zh`) when the learner's count is exactly that."""

    id: str
    message: str
    zh: str
    matmuls: Callable[[dict[str, Any]], int]


@dataclass(frozen=True)
class Cost:
    """Grading on cost, after the values are right: the learner's function runs once more on
    the first case of `case_dtype`'s cases whose label has `case` in it, under a counter of
    matmul calls and FLOPs (torch.utils.flop_counter), and must stay within `budget(inputs)`
    -> (matmul calls, FLOPs). `steps(inputs)` gives the time steps (for per-step figures).
    Over budget, the first of `slips` that predicts the count exactly is the diagnosis, else
    `over` (message, zh). `baseline(**inputs)`, torch's own, is timed beside the learner's
    call for a wall-clock ratio that is information only."""

    budget: Callable[[dict[str, Any]], tuple[int, int]]
    steps: Callable[[dict[str, Any]], int]
    over: tuple[str, str]
    baseline: Model
    slips: tuple[CostSlip, ...] = ()
    case: str = ""
    over_id: str = "cost.over_budget"


@runtime_checkable
class Castable(Protocol):
    """An input that is not a tensor but must follow the case's dtype and device (a toy
    language model given to beam search returns log-probabilities of that dtype)."""

    def cast(self, dtype: torch.dtype, device: torch.device) -> Any: ...


def cast(value: Any, dtype: torch.dtype, device: torch.device) -> Any:
    """`value` with floating tensors in `dtype` on `device` and other tensors moved; tuples,
    lists and dicts recursively; Castable objects through their own cast()."""
    if isinstance(value, Tensor):
        if value.is_floating_point():
            return value.to(device=device, dtype=dtype)
        return value.to(device=device)
    if isinstance(value, tuple | list):
        return type(value)(cast(v, dtype, device) for v in value)
    if isinstance(value, dict):
        return {k: cast(v, dtype, device) for k, v in value.items()}
    if isinstance(value, Castable):
        return value.cast(dtype, device)
    if isinstance(value, torch.Generator):
        return fresh_generator(value, device)
    return value


def fresh_generator(gen: torch.Generator, device: torch.device | None = None) -> torch.Generator:
    """A copy of `gen` to draw from, leaving `gen` as it was: a case's generator is handed to
    the learner in its drawn state, so the reference and the mistakes' models draw from copies.
    On another device type the copy restarts from `gen`'s seed (CPU and CUDA streams differ)."""
    device = device or gen.device
    copy = torch.Generator(device=device)
    if device.type == gen.device.type:
        copy.set_state(gen.get_state())
    else:
        copy.manual_seed(gen.initial_seed())
    return copy


def generator(seed: int, index: int) -> torch.Generator:
    """The random stream of case `index` under `seed` (the same stream the cells always used)."""
    return torch.Generator().manual_seed(seed * 1009 + index)


def uniform(gen: torch.Generator, *size: int, bound: float) -> Tensor:
    """float64 numbers ~ U(-bound, bound), torch's own initialisation for recurrent weights
    with bound = 1/sqrt(H)."""
    return (torch.rand(size, generator=gen, dtype=torch.float64) * 2 - 1) * bound


def init_bound(hidden: int) -> float:
    return 1.0 / math.sqrt(hidden)


Model = Callable[..., Any]  # takes the case's inputs by keyword, returns outputs like reference
