"""The loss a gradient check back-propagates, shared by both sides of a grading: the judge runs
it through the reference, the learner's process through the learner's function, on the same
fixed random projections."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

PROJECTION_STREAM = 7919  # offsets the seed of the random loss weights from the cases' streams


def tensors(value: Any) -> list[Tensor]:
    """The floating tensors of a result, in order (what a gradient check projects onto)."""
    if isinstance(value, Tensor):
        return [value] if value.is_floating_point() else []
    if isinstance(value, tuple | list):
        return [t for v in value for t in tensors(v)]
    if isinstance(value, dict):
        return [t for k in sorted(value) for t in tensors(value[k])]
    return []


def leaf_copies(
    inputs: dict[str, Any], differentiable: tuple[str, ...] | Any
) -> tuple[dict[str, Any], dict[str, Tensor]]:
    """The inputs with every floating tensor under a differentiable name replaced by a fresh
    leaf that requires grad, and those leaves by name ("x", "hx[0]")."""
    leaves: dict[str, Tensor] = {}

    def leaf(value: Any, name: str) -> Any:
        if isinstance(value, Tensor) and value.is_floating_point():
            copy = value.detach().clone().requires_grad_()
            leaves[name] = copy
            return copy
        if isinstance(value, tuple | list):
            return type(value)(leaf(v, f"{name}[{k}]") for k, v in enumerate(value))
        return value

    args = {k: leaf(v, k) if k in differentiable else v for k, v in inputs.items()}
    return args, leaves


def projections(outs: list[Tensor], seed: int, k: int) -> list[Tensor]:
    """Fixed random weights p for the scalar loss sum(out * p), so no gradient is trivial."""
    gen = torch.Generator().manual_seed(seed * 1009 + PROJECTION_STREAM + k)
    return [
        torch.randn(o.shape, generator=gen, dtype=torch.float64).to(o.device, o.dtype) for o in outs
    ]


def input_gradients(
    value: Any, leaves: dict[str, Tensor], seed: int, k: int
) -> dict[str, Tensor | None]:
    """Gradients of sum(out * p) over the result's floating tensors, for every leaf."""
    outs = tensors(value)
    loss = torch.stack(
        [(o * p).sum() for o, p in zip(outs, projections(outs, seed, k), strict=True)]
    ).sum()
    grads = torch.autograd.grad(loss, list(leaves.values()), allow_unused=True)
    return dict(zip(leaves, grads, strict=True))
