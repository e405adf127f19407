"""Model solution: one decoder step of (scaled) dot-product attention with a source mask."""

import math

import torch
from torch import Tensor


def attention_step(
    query: Tensor, keys: Tensor, values: Tensor, mask: Tensor, kind: str
) -> tuple[Tensor, Tensor]:
    # One score per source position: keys [B, S, H] @ query [B, H, 1] -> [B, S, 1] -> [B, S].
    scores = (keys @ query.unsqueeze(-1)).squeeze(-1)
    if kind == "scaled":
        scores = scores / math.sqrt(query.shape[-1])
    elif kind != "dot":
        raise ValueError(f"kind must be 'dot' or 'scaled', not {kind!r}")

    # Padding gets -inf BEFORE the softmax: exp(-inf) = 0, so the real tokens share all the weight.
    scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # over the source positions of each row

    # The context is the weighted sum of the values: [B, 1, S] @ [B, S, H] -> [B, 1, H] -> [B, H].
    context = (weights.unsqueeze(1) @ values).squeeze(1)
    return context, weights
