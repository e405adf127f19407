"""Checks for numeric questions in seq_tasks.yaml: build the tagger and run it."""

from __future__ import annotations

import torch
from torch import nn

from . import Check, memo, n_params, quick_cpu


@memo
def _tagger_logits(p: dict) -> float:
    lstm = nn.LSTM(p["I"], p["H"], batch_first=True)
    head = nn.Linear(p["H"], p["C"])
    with quick_cpu():
        output, _ = lstm(torch.zeros(p["N"], p["T"], p["I"]))
        return head(output).numel()


def _bi_tagger_head(_: dict) -> float:
    """Read the head's input width off the bidirectional LSTM's real output."""
    lstm = nn.LSTM(100, 128, bidirectional=True)
    with torch.no_grad():
        output, _ = lstm(torch.zeros(2, 1, 100))
    return n_params(nn.Linear(output.shape[-1], 9))


CHECKS: dict[str, Check] = {
    "seq_tasks.tagger-logits": _tagger_logits,
    "seq_tasks.bi-tagger-head": _bi_tagger_head,
}
