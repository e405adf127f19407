"""Checks for numeric questions in attention_seq2seq.yaml: scores and layers built in torch."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def _score_count(_: dict) -> float:
    # One decoder state per target step scored against every encoder state.
    decoder_states = torch.randn(9, 16)
    encoder_states = torch.randn(12, 16)
    weights = torch.softmax(decoder_states @ encoder_states.T, dim=-1)
    return weights.numel()


def _luong_general_params(_: dict) -> float:
    # score = h_t^T W_a h_s with h_t of size 512 and h_s of size 256.
    w_a = nn.Bilinear(512, 256, 1, bias=False)
    return sum(p.numel() for p in w_a.parameters())


def _bahdanau_params(_: dict) -> float:
    w = nn.Linear(512, 128, bias=False)  # decoder state s
    u = nn.Linear(256, 128, bias=False)  # encoder annotation h
    v = nn.Linear(128, 1, bias=False)
    return sum(p.numel() for m in (w, u, v) for p in m.parameters())


CHECKS: dict[str, Callable[[dict], float]] = {
    "attention_seq2seq.score-count": _score_count,
    "attention_seq2seq.luong-general-params": _luong_general_params,
    "attention_seq2seq.bahdanau-params": _bahdanau_params,
}
