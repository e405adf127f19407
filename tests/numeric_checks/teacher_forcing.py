"""Checks for numeric questions in teacher_forcing.yaml."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn


def _decoder_loss_terms(_: dict) -> float:
    bos, eos, vocab = 1, 2, 50
    words = torch.tensor([10, 11, 12, 13, 14, 15])
    decoder_in = torch.cat([torch.tensor([bos]), words])
    targets = torch.cat([words, torch.tensor([eos])])
    logits = torch.randn(decoder_in.numel(), vocab)  # one prediction per decoder input
    losses = nn.CrossEntropyLoss(reduction="none")(logits, targets)
    return losses.numel()


def _inverse_sigmoid_decay(_: dict) -> float:
    k, i = 100, 500
    return k / (k + math.exp(i / k))


CHECKS: dict[str, Callable[[dict], float]] = {
    "teacher_forcing.decoder-loss-terms": _decoder_loss_terms,
    "teacher_forcing.inverse-sigmoid-decay": _inverse_sigmoid_decay,
}
