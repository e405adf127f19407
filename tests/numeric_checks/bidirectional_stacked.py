"""Checks for numeric questions in bidirectional_stacked.yaml, computed with torch modules."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def _output_width(_: dict) -> float:
    lstm = nn.LSTM(input_size=32, hidden_size=64, bidirectional=True, batch_first=True)
    out, _state = lstm(torch.zeros(8, 20, 32))
    return out.shape[-1]


def _hn_first_dim(_: dict) -> float:
    gru = nn.GRU(10, 20, num_layers=3, bidirectional=True)
    _out, h_n = gru(torch.zeros(15, 4, 10))
    return h_n.shape[0]


def _layer2_input_width(_: dict) -> float:
    lstm = nn.LSTM(10, 32, num_layers=2, bidirectional=True)
    return lstm.weight_ih_l1.shape[1]


def _bigru_params(_: dict) -> float:
    return sum(p.numel() for p in nn.GRU(10, 20, bidirectional=True).parameters())


CHECKS: dict[str, Callable[[dict], float]] = {
    "bidirectional_stacked.output-width": _output_width,
    "bidirectional_stacked.hn-first-dim": _hn_first_dim,
    "bidirectional_stacked.layer2-input-width": _layer2_input_width,
    "bidirectional_stacked.bigru-params": _bigru_params,
}
