"""Checks for numeric questions in bptt.yaml."""

from __future__ import annotations

import torch
from torch import nn

from . import Check, memo, quick_cpu


@memo
def _stored_hidden(p: dict) -> float:
    """nn.RNN's output holds exactly h_1 ... h_T of every sequence: count its elements."""
    rnn = nn.RNN(3, p["H"])
    with quick_cpu():
        output, _ = rnn(torch.zeros(p["T"], p["N"], 3))
    return output.numel()


def _tbptt_updates(p: dict) -> float:
    """Walk the sequence chunk by chunk, as a truncated-BPTT loop does, counting updates."""
    return sum(1 for _chunk in torch.arange(p["T"]).split(p["K"]))


CHECKS: dict[str, Check] = {
    "bptt.stored-hidden": _stored_hidden,
    "bptt.tbptt-updates": _tbptt_updates,
}
