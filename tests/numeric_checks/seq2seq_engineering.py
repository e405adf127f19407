"""Checks for numeric questions in seq2seq_engineering.yaml."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from numeric_checks import n_params


def _bilstm_bridge_params(_: dict) -> float:
    """Build the encoder, the four bridges and the decoder, run them, and count the bridges."""
    torch.manual_seed(0)
    batch, layers, hidden, dec_hidden = 3, 2, 256, 384
    encoder = nn.LSTM(256, hidden, num_layers=layers, bidirectional=True)
    decoder = nn.LSTM(8, dec_hidden, num_layers=layers)
    bridges = nn.ModuleDict(
        {
            f"{state}{layer}": nn.Linear(2 * hidden, dec_hidden)
            for state in ("h", "c")
            for layer in range(layers)
        }
    )
    with torch.no_grad():
        _, (h_n, c_n) = encoder(torch.randn(5, batch, 256))
        states = {}
        for name, state in (("h", h_n), ("c", c_n)):
            per_layer = state.view(layers, 2, batch, hidden)
            joined = torch.cat([per_layer[:, 0], per_layer[:, 1]], dim=-1)
            states[name] = torch.stack(
                [bridges[f"{name}{layer}"](joined[layer]) for layer in range(layers)]
            )
        decoder(torch.randn(4, batch, 8), (torch.tanh(states["h"]), states["c"]))
    return n_params(bridges)


def _beam_candidates_scored(_: dict) -> float:
    """Run a beam search over random log-probabilities and count every scored candidate."""
    gen = torch.Generator().manual_seed(0)
    vocab, k, steps = 10_000, 5, 20
    scores = torch.zeros(1)  # one live hypothesis: <bos>
    scored = 0
    for _ in range(steps):
        log_probs = torch.log_softmax(torch.randn(scores.numel(), vocab, generator=gen), dim=-1)
        candidates = (scores[:, None] + log_probs).flatten()
        scored += candidates.numel()
        scores, _ = candidates.topk(k)
    return scored


CHECKS: dict[str, Callable[[dict], float]] = {
    "seq2seq_engineering.bilstm-bridge-params": _bilstm_bridge_params,
    "seq2seq_engineering.beam-candidates-scored": _beam_candidates_scored,
}
