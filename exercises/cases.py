"""The inputs a cell is graded on, drawn from the seed, and how outputs are compared (child side).

Each shape is drawn once in float64 and cast, so the float32 run sees the same numbers rounded.
Comparisons follow torch.testing.assert_close: |got - want| <= atol + rtol * |want|, NaN never
close; the report names the largest error and its index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import torch
from torch import Tensor

from exercises.learner import Outcome
from exercises.results import Worst

Inputs = dict[str, Tensor | None]


@dataclass(frozen=True)
class Shape:
    batch: int
    input_size: int
    hidden: int
    bias: bool = True
    scale: float = 1.0  # inputs and states drawn this large push the gates into saturation

    def describe(self, dtype: torch.dtype) -> str:
        words = [str(dtype).removeprefix("torch."), f"B={self.batch}"]
        words += [f"I={self.input_size}", f"H={self.hidden}"]
        if not self.bias:
            words.append("biases None")
        if self.scale != 1.0:
            words.append(f"large inputs (x{self.scale:g})")
        return ", ".join(words)


# The first shape is the contract case (H != I, so transposed weights cannot pass by luck).
# The others: batch 1, H = I, no biases, saturation, and a second square one without biases.
SHAPES = (
    Shape(3, 5, 4),
    Shape(1, 3, 5),
    Shape(4, 6, 6),
    Shape(3, 5, 4, bias=False),
    Shape(2, 4, 7, scale=100.0),
    Shape(2, 3, 3, bias=False),
)
GRADIENT_SHAPE = Shape(3, 5, 4)
GRADIENT_INDEX = len(SHAPES)  # its own stream of random numbers


def tolerance(base: Mapping[str, float], shape: Shape) -> dict[str, float]:
    """rtol and atol for one shape. Rounding errors in the pre-activations grow with the size of
    the inputs; in float32 they reach the base atol once inputs are ~100, so atol scales along
    (400 seeds: correct cells in several styles stay below 0.2 of the allowance)."""
    return {"rtol": base["rtol"], "atol": base["atol"] * shape.scale}


def draw(
    shape: Shape,
    *,
    gates: int,
    states: list[str],
    dtype: torch.dtype,
    device: torch.device,
    seed: int,
    index: int,
) -> Inputs:
    """Arguments for one call, by keyword; weights ~ U(-1/sqrt(H), 1/sqrt(H)) like torch's init."""
    gen = torch.Generator().manual_seed(seed * 1009 + index)
    f64 = torch.float64
    bound = 1.0 / math.sqrt(shape.hidden)

    def uniform(*size: int) -> Tensor:
        return (torch.rand(size, generator=gen, dtype=f64) * 2 - 1) * bound

    def state() -> Tensor:
        return torch.randn(shape.batch, shape.hidden, generator=gen, dtype=f64) * shape.scale

    rows = gates * shape.hidden
    x = torch.randn(shape.batch, shape.input_size, generator=gen, dtype=f64) * shape.scale
    values: Inputs = {"x": x}
    values.update({name: state() for name in states})
    values["w_ih"] = uniform(rows, shape.input_size)
    values["w_hh"] = uniform(rows, shape.hidden)
    values["b_ih"] = uniform(rows) if shape.bias else None
    values["b_hh"] = uniform(rows) if shape.bias else None
    return {k: None if v is None else v.to(device=device, dtype=dtype) for k, v in values.items()}


def projections(outputs: tuple[Tensor, ...], seed: int) -> tuple[Tensor, ...]:
    """Fixed random weights p for the scalar loss sum(out * p), so no gradient is trivial."""
    gen = torch.Generator().manual_seed(seed * 1009 + GRADIENT_INDEX + 1)
    return tuple(
        torch.randn(o.shape, generator=gen, dtype=torch.float64).to(o.device, o.dtype)
        for o in outputs
    )


def first_mismatch(
    got: tuple[Tensor, ...],
    want: tuple[Tensor, ...],
    names: list[str],
    *,
    rtol: float,
    atol: float,
    case: str,
) -> Worst | None:
    """The first output (in order) that is not close, at its largest error; None if all are."""
    for name, g, w in zip(names, got, want, strict=True):
        worst = _worst(g, w, name=name, rtol=rtol, atol=atol, case=case)
        if worst is not None:
            return worst
    return None


def _worst(
    got: Tensor, want: Tensor, *, name: str, rtol: float, atol: float, case: str
) -> Worst | None:
    g = got.detach().to("cpu", torch.float64)
    w = want.detach().to("cpu", torch.float64)
    diff = (g - w).abs()
    close = (g == w) | (diff <= atol + rtol * w.abs())
    if bool(close.all()):
        return None
    diff = torch.where(torch.isnan(diff), torch.inf, diff).masked_fill(close, 0)
    index = _unravel(int(diff.argmax()), tuple(diff.shape))
    return Worst(
        output=name,
        index=index,
        got=float(g[index]),
        expected=float(w[index]),
        error=float(diff[index]),
        case=case,
    )


def _unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index of element `flat` of a tensor of `shape` (torch.unravel_index would pull in
    sympy: over a second on first use)."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))


def are_close(
    got: tuple[Tensor, ...], want: tuple[Tensor, ...], *, rtol: float, atol: float
) -> bool:
    names = [str(k) for k in range(len(want))]
    return first_mismatch(got, want, names, rtol=rtol, atol=atol, case="") is None


@dataclass
class Case:
    """One grading case: its shape and dtype, the inputs drawn, PyTorch's answer, and (once
    called) the learner's outcome."""

    shape: Shape
    dtype: torch.dtype
    inputs: Inputs
    expected: tuple[Tensor, ...]
    outcome: Outcome | None = None

    @property
    def label(self) -> str:
        return self.shape.describe(self.dtype)
