"""Checks for numeric questions in expressiveness.yaml: the hand-set networks, run in torch."""

from __future__ import annotations

import torch
from torch import nn

from . import Check


def scalar_rnn(w: float, u: float, b: float, nonlinearity: str = "tanh") -> nn.RNN:
    """nn.RNN(1, 1) with weight_hh = w, weight_ih = u, bias_ih = b and bias_hh = 0."""
    rnn = nn.RNN(1, 1, nonlinearity=nonlinearity)
    with torch.no_grad():
        rnn.weight_hh_l0.fill_(w)
        rnn.weight_ih_l0.fill_(u)
        rnn.bias_ih_l0.fill_(b)
        rnn.bias_hh_l0.zero_()
    return rnn


def _run(rnn: nn.RNN, xs: list[float]) -> torch.Tensor:
    with torch.no_grad():
        out, _ = rnn(torch.tensor(xs, dtype=torch.float32).view(-1, 1, 1))
    return out.view(-1)


def _relu_depth_counter(_: dict) -> float:
    rnn = scalar_rnn(1.0, 1.0, 0.0, "relu")
    return _run(rnn, [1, -1, -1, 1, 1, -1, 1])[-1].item()


def _tanh_counter_limit(_: dict) -> float:
    rnn = scalar_rnn(1.0, 0.2, 0.0, "tanh")
    return _run(rnn, [1.0] * 2000)[-1].item()


CHECKS: dict[str, Check] = {
    "expressiveness.relu-depth-counter": _relu_depth_counter,
    "expressiveness.tanh-counter-limit": _tanh_counter_limit,
}
