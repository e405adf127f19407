"""Checks for numeric questions in architectures_compared.yaml, measured on real torch modules."""

from __future__ import annotations

import torch
from torch import nn

from . import Check, n_params


def receptive_field(kernel: int, dilations: list[int]) -> int:
    """Inputs that reach the last output of a stack of causal Conv1d layers, found by autograd."""
    length = 1 + (kernel - 1) * sum(dilations) + 50  # longer than any field it can have
    x = torch.zeros(1, 1, length, requires_grad=True)
    h = x
    for d in dilations:
        conv = nn.Conv1d(1, 1, kernel, dilation=d, bias=False)
        nn.init.constant_(conv.weight, 1.0)
        h = conv(nn.functional.pad(h, ((kernel - 1) * d, 0)))  # left padding only: causal
    (grad,) = torch.autograd.grad(h[0, 0, -1], x)
    return int((grad != 0).sum())


def _dilated_receptive_field(_: dict) -> float:
    return receptive_field(3, [1, 2, 4, 8, 16, 32])


def _layers_for_context(_: dict) -> float:
    for layers in range(1, 20):
        if receptive_field(2, [2**i for i in range(layers)]) >= 1000:
            return layers
    raise AssertionError("no depth reached 1000")


def _window_mlp_params(_: dict) -> float:
    rnn = n_params(nn.RNN(10, 32, device="meta"))
    for n in range(1, 100):
        if n_params(nn.Linear(10 * n, 32, device="meta")) > rnn:
            return n
    raise AssertionError("no window reached the RNN's size")


CHECKS: dict[str, Check] = {
    "architectures_compared.dilated-receptive-field": _dilated_receptive_field,
    "architectures_compared.layers-for-context": _layers_for_context,
    "architectures_compared.window-mlp-params": _window_mlp_params,
}
