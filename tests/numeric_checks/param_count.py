"""Checks for numeric questions in param_count.yaml: count the parameters of real torch modules.

Keras is not installed, so Keras counts are summed over the weight shapes Keras documents:
LSTM kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u,).
"""

from __future__ import annotations

import math

from torch import nn

from . import Check, memo, n_params


def _keras_lstm(input_size: int, units: int) -> int:
    shapes = [(input_size, 4 * units), (units, 4 * units), (4 * units,)]
    return sum(math.prod(shape) for shape in shapes)


def _module_counter(cls: type[nn.Module], **fixed: object) -> Check:
    """A check that builds cls(I, H, [num_layers=L], **fixed) and counts its parameters."""

    @memo
    def count(p: dict) -> float:
        layers = {"num_layers": p["L"]} if "L" in p else {}
        return n_params(cls(p["I"], p["H"], **layers, **fixed, device="meta"))

    return count


@memo
def _torch_minus_keras(p: dict) -> float:
    return n_params(nn.LSTM(p["I"], p["H"], device="meta")) - _keras_lstm(p["I"], p["H"])


CHECKS: dict[str, Check] = {
    "param_count.lstm": _module_counter(nn.LSTM),
    "param_count.gru": _module_counter(nn.GRU),
    "param_count.stacked-lstm": _module_counter(nn.LSTM),
    "param_count.bi-gru": _module_counter(nn.GRU, bidirectional=True),
    "param_count.stacked-bi-lstm": _module_counter(nn.LSTM, bidirectional=True),
    "param_count.keras-lstm": lambda p: _keras_lstm(p["I"], p["H"]),
    "param_count.torch-minus-keras": _torch_minus_keras,
    "param_count.seed003-in-torch": lambda _: n_params(nn.LSTM(128, 64)),
    "param_count.bias-false": lambda _: n_params(nn.LSTM(4096, 256, bias=False, device="meta")),
    "param_count.proj-stacked-bi": lambda _: n_params(
        nn.LSTM(10, 20, num_layers=2, bidirectional=True, proj_size=5)
    ),
}
