"""Checks for numeric questions in initialisation.yaml, computed with torch modules and cells."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn


def _default_bound(_: dict) -> float:
    bound = 1 / math.sqrt(256)
    torch.manual_seed(0)
    w = nn.GRU(100, 256).weight_hh_l0
    # The drawn weights stay inside the bound and come close to it.
    assert w.abs().max().item() <= bound
    assert w.abs().max().item() > 0.99 * bound
    return bound


def _effective_forget_bias(_: dict) -> float:
    hidden = 7
    lstm = nn.LSTM(5, hidden)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[hidden : 2 * hidden].fill_(1.0)
        lstm.bias_hh_l0[hidden : 2 * hidden].fill_(1.0)
        c0 = torch.ones(1, hidden)
        _, c1 = torch.lstm_cell(
            torch.zeros(1, 5),
            (torch.zeros(1, hidden), c0),
            lstm.weight_ih_l0,
            lstm.weight_hh_l0,
            lstm.bias_ih_l0,
            lstm.bias_hh_l0,
        )
    effective = (lstm.bias_ih_l0 + lstm.bias_hh_l0)[hidden : 2 * hidden]
    # The cell really uses that sum: with zero weights, g = 0, so c' = sigmoid(b_f) * c.
    assert torch.allclose(c1[0], torch.sigmoid(effective))
    return effective[0].item()


def _forget_retention(_: dict) -> float:
    hidden = 4
    w_ih = torch.zeros(4 * hidden, 3)
    w_hh = torch.zeros(4 * hidden, hidden)
    b_ih = torch.zeros(4 * hidden)
    b_hh = torch.zeros(4 * hidden)
    b_ih[hidden : 2 * hidden] = 1.0  # effective forget bias 1 (gate order i, f, g, o)
    h, c = torch.zeros(1, hidden), torch.ones(1, hidden)
    for _ in range(10):
        h, c = torch.lstm_cell(torch.randn(1, 3), (h, c), w_ih, w_hh, b_ih, b_hh)
    return c[0, 0].item()


CHECKS: dict[str, Callable[[dict], float]] = {
    "initialisation.default-bound": _default_bound,
    "initialisation.effective-forget-bias": _effective_forget_bias,
    "initialisation.forget-retention": _forget_retention,
}
