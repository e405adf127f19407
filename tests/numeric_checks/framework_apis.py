"""Checks for numeric questions in framework_apis.yaml."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from numeric_checks import n_params


def _per_direction_params(_: dict) -> float:
    forward, backward = nn.LSTM(300, 128, device="meta"), nn.LSTM(300, 64, device="meta")
    return n_params(forward) + n_params(backward)


CHECKS: dict[str, Callable[[dict], float]] = {
    "framework_apis.per-direction-params": _per_direction_params,
}
