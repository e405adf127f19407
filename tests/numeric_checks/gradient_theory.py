"""Checks for numeric questions in gradient_theory.yaml, computed with torch and autograd."""

from __future__ import annotations

import torch

from . import Check


def _eigen_ratio_steps(_: dict) -> float:
    """Steps of g <- W^T g, W symmetric with eigenvalues 1.1 and 0.5, until the ratio >= 1000."""
    generator = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(2, 2, generator=generator, dtype=torch.float64))
    w = q @ torch.diag(torch.tensor([1.1, 0.5], dtype=torch.float64)) @ q.T
    g = q[:, 0] + q[:, 1]
    for k in range(1, 100):
        g = w.T @ g
        big, small = (q.T @ g).abs()
        if big >= 1000 * small:
            return float(k)
    raise AssertionError("ratio never reached 1000")


def _sigmoid_bound(_: dict) -> float:
    """(gamma * ||W_hh||_2)^10 with gamma = max sigmoid' found by autograd."""
    a = torch.linspace(-10, 10, 20001, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(torch.sigmoid(a).sum(), a)
    generator = torch.Generator().manual_seed(0)
    w = torch.randn(6, 6, generator=generator, dtype=torch.float64)
    w = 3 * w / torch.linalg.matrix_norm(w, ord=2)
    return (slope.max().item() * torch.linalg.matrix_norm(w, ord=2).item()) ** 10


CHECKS: dict[str, Check] = {
    "gradient_theory.eigen-ratio-steps": _eigen_ratio_steps,
    "gradient_theory.sigmoid-bound": _sigmoid_bound,
}
