"""Checks for numeric questions in gradients.yaml, computed with autograd."""

from __future__ import annotations

import torch
from torch.autograd.functional import jacobian

from . import Check, memo


def _sigmoid_threshold(_: dict) -> float:
    """1 / gamma, where gamma is the largest derivative of the sigmoid (found by autograd)."""
    a = torch.linspace(-10, 10, 20001, dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(torch.sigmoid(a).sum(), a)
    return 1.0 / grad.max().item()


@memo
def _product_bound(p: dict) -> float:
    """||dh_T/dh_0||_2 for a tanh RNN with W_hh = S * orthogonal, run where tanh' = 1 (h = 0).

    This is the case in which the bound S**T is attained, so autograd must reproduce it.
    """
    generator = torch.Generator().manual_seed(0)
    q, _ = torch.linalg.qr(torch.randn(6, 6, generator=generator, dtype=torch.float64))
    w_hh = p["S"] * q

    def unroll(h: torch.Tensor) -> torch.Tensor:
        for _step in range(p["T"]):
            h = torch.tanh(w_hh @ h)
        return h

    jac = jacobian(unroll, torch.zeros(6, dtype=torch.float64))
    return torch.linalg.matrix_norm(jac, ord=2).item()


def _scalar_chain(_: dict) -> float:
    """dh_3/dh_1 for h_t = tanh(0.5 h_{t-1} + x_t), h_0 = 0, x = (1, 0, 0)."""
    h1 = torch.tanh(torch.tensor(1.0, dtype=torch.float64)).requires_grad_()
    h3 = h1
    for x in (0.0, 0.0):
        h3 = torch.tanh(0.5 * h3 + x)
    (grad,) = torch.autograd.grad(h3, h1)
    return grad.item()


CHECKS: dict[str, Check] = {
    "gradients.pascanu-sigmoid-threshold": _sigmoid_threshold,
    "gradients.product-bound": _product_bound,
    "gradients.scalar-chain": _scalar_chain,
}
