"""Checks for numeric questions in rnn_vs_transformer.yaml."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def _attention_score_count(_: dict) -> float:
    heads, length, head_dim = 8, 1024, 4
    q = torch.randn(heads, length, head_dim)
    k = torch.randn(heads, length, head_dim)
    return (q @ k.transpose(-2, -1)).numel()


def _kv_cache_size(_: dict) -> float:
    layers, d_model, tokens = 12, 768, 1000
    # Per layer, one key and one value vector of size d_model per cached token.
    return layers * 2 * tokens * d_model


def _lstm_state_size(_: dict) -> float:
    lstm = nn.LSTM(16, 512, num_layers=2)
    _out, (h_n, c_n) = lstm(torch.zeros(1, 1, 16))
    return h_n.numel() + c_n.numel()


CHECKS: dict[str, Callable[[dict], float]] = {
    "rnn_vs_transformer.attention-score-count": _attention_score_count,
    "rnn_vs_transformer.kv-cache-size": _kv_cache_size,
    "rnn_vs_transformer.lstm-state-size": _lstm_state_size,
}
