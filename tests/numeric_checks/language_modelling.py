"""Checks for numeric questions in language_modelling.yaml."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from numeric_checks import n_params


class _LanguageModel(nn.Module):
    def __init__(self, vocab: int, emb: int, hidden: int, layers: int, tied: bool) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, emb, device="meta")
        self.rnn = nn.LSTM(emb, hidden, num_layers=layers, device="meta")
        self.out = nn.Linear(hidden, vocab, device="meta")
        if tied:
            self.out.weight = self.embed.weight


def _weight_tying_savings(_: dict) -> float:
    untied = _LanguageModel(10_000, 650, 650, 2, tied=False)
    tied = _LanguageModel(10_000, 650, 650, 2, tied=True)
    assert tied.out.weight is tied.embed.weight
    return n_params(untied) - n_params(tied)  # parameters() yields a shared tensor once


def _output_layer_share(_: dict) -> float:
    model = _LanguageModel(50_000, 256, 512, 1, tied=False)
    return 100 * n_params(model.out) / n_params(model)


def _perplexity_compute(_: dict) -> float:
    probs = torch.tensor([0.25, 0.5, 0.125, 0.5], dtype=torch.float64)
    vocab = 10
    targets = torch.arange(4)
    # a distribution per position: p on the target, the rest spread over the other tokens
    dist = ((1 - probs) / (vocab - 1))[:, None].expand(4, vocab).clone()
    dist[torch.arange(4), targets] = probs
    loss = nn.functional.cross_entropy(dist.log(), targets)  # mean, in nats
    return float(loss.exp())


CHECKS: dict[str, Callable[[dict], float]] = {
    "language_modelling.weight-tying-savings": _weight_tying_savings,
    "language_modelling.output-layer-share": _output_layer_share,
    "language_modelling.perplexity-compute": _perplexity_compute,
}
