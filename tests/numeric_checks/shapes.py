"""Checks for numeric questions in shapes.yaml: run tensors through torch modules, read shapes."""

from __future__ import annotations

import warnings

import torch
from torch import nn

from . import Check, memo, quick_cpu


@memo
def _bi_lstm_run(p: dict) -> tuple[int, int]:
    """(output.numel(), h_n.numel()) for the bidirectional batch_first LSTM in the prompt."""
    lstm = nn.LSTM(p["I"], p["H"], num_layers=p["L"], bidirectional=True, batch_first=True)
    with quick_cpu():
        output, (h_n, _c_n) = lstm(torch.zeros(p["N"], p["T"], p["I"]))
    return output.numel(), h_n.numel()


def _proj_cn_numel(_: dict) -> float:
    lstm = nn.LSTM(10, 20, num_layers=2, proj_size=5)
    with quick_cpu(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="LSTM with projections is not supported")
        _output, (_h_n, c_n) = lstm(torch.zeros(7, 3, 10))
    return c_n.numel()


CHECKS: dict[str, Check] = {
    "shapes.output-numel": lambda p: _bi_lstm_run(p)[0],
    "shapes.hn-numel": lambda p: _bi_lstm_run(p)[1],
    "shapes.proj-cn-numel": _proj_cn_numel,
}
