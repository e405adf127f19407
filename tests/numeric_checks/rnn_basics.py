"""Checks for numeric questions in rnn_basics.yaml, computed with torch modules."""

from __future__ import annotations

import torch
from torch import nn

from . import Check, memo, n_params


@memo
def _param_count(p: dict) -> float:
    return n_params(nn.RNN(p["I"], p["H"], device="meta"))


def _relu_two_steps(_: dict) -> float:
    rnn = nn.RNN(1, 1, nonlinearity="relu")
    with torch.no_grad():
        rnn.weight_ih_l0.fill_(2.0)
        rnn.weight_hh_l0.fill_(-0.5)
        rnn.bias_ih_l0.fill_(0.1)
        rnn.bias_hh_l0.fill_(-0.1)
        x = torch.tensor([-1.0, 3.0]).view(2, 1, 1)
        _, h_n = rnn(x, torch.ones(1, 1, 1))
    return h_n.item()


CHECKS: dict[str, Check] = {
    "rnn_basics.param-count": _param_count,
    "rnn_basics.relu-two-steps": _relu_two_steps,
}
