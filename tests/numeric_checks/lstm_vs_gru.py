"""Checks for numeric questions in lstm_vs_gru.yaml, counted on torch modules."""

from __future__ import annotations

from torch import nn

from . import Check, memo, n_params


def _ratio(_: dict) -> float:
    return n_params(nn.GRU(13, 17, device="meta")) / n_params(nn.LSTM(13, 17, device="meta"))


@memo
def _difference(p: dict) -> float:
    lstm = nn.LSTM(p["I"], p["H"], device="meta")
    return n_params(lstm) - n_params(nn.GRU(p["I"], p["H"], device="meta"))


CHECKS: dict[str, Check] = {
    "lstm_vs_gru.param-ratio": _ratio,
    "lstm_vs_gru.param-difference": _difference,
}
