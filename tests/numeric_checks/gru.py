"""Checks for numeric questions in gru.yaml."""

from __future__ import annotations

import math

import torch

from . import Check, logit


def _keras_reset_before(p: dict) -> float:
    """Keras GRU(reset_after=False): kernel (in, 3u), recurrent_kernel (u, 3u), bias (3u,)."""
    units = p["H"]
    shapes = [(p["I"], 3 * units), (units, 3 * units), (3 * units,)]
    return sum(math.prod(shape) for shape in shapes)


def _scalar_update(_: dict) -> float:
    """torch.gru_cell with zero weights: biases pin r, z and n (torch order r, z, n)."""
    b_ih = torch.tensor([0.0, logit(0.25), math.atanh(0.8)], dtype=torch.float64)
    zeros = torch.zeros(3, 1, dtype=torch.float64)
    x = torch.zeros(1, 1, dtype=torch.float64)
    h = torch.tensor([[-0.4]], dtype=torch.float64)
    return torch.gru_cell(x, h, zeros, zeros, b_ih, torch.zeros_like(b_ih)).item()


CHECKS: dict[str, Check] = {
    "gru.keras-reset-before-params": _keras_reset_before,
    "gru.scalar-update": _scalar_update,
}
