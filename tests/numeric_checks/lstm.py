"""Checks for numeric questions in lstm.yaml: torch.lstm_cell with gates pinned by their biases.

With all weights zero, each gate's value is fixed by its bias alone, so a bias of logit(p) makes a
sigmoid gate output p and a bias of atanh(v) makes the candidate g = v. The biases are laid out in
torch's i, f, g, o order, so these checks also exercise that order.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from . import Check, logit, memo, n_params


def _pinned_step(c: float, i: float, f: float, g: float, o: float) -> tuple[float, float]:
    """One torch.lstm_cell step on one unit whose gates are i, f, o and candidate g."""
    b_ih = torch.tensor([logit(i), logit(f), math.atanh(g), logit(o)], dtype=torch.float64)
    zeros = torch.zeros(4, 1, dtype=torch.float64)
    x = torch.zeros(1, 1, dtype=torch.float64)
    h_prev = torch.zeros(1, 1, dtype=torch.float64)
    c_prev = torch.tensor([[c]], dtype=torch.float64)
    h, c_new = torch.lstm_cell(x, (h_prev, c_prev), zeros, zeros, b_ih, torch.zeros_like(b_ih))
    return h.item(), c_new.item()


def _scalar_step(_: dict) -> float:
    h, _c = _pinned_step(c=0.5, i=0.2, f=0.9, g=-0.5, o=0.5)
    return h


def _cell_grows(_: dict) -> float:
    c = 1.0
    for _step in range(2):
        _h, c = _pinned_step(c=c, i=0.8, f=0.9, g=0.9, o=0.5)
    return c


@memo
def _proj_params(p: dict) -> float:
    return n_params(nn.LSTM(p["I"], p["H"], proj_size=p["P"], device="meta"))


CHECKS: dict[str, Check] = {
    "lstm.scalar-step": _scalar_step,
    "lstm.cell-grows": _cell_grows,
    "lstm.proj-params": _proj_params,
}
