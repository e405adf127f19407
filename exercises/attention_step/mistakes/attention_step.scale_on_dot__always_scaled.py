import math

import torch


def attention_step(query, keys, values, mask, kind):
    d = query.shape[-1]
    scores = keys @ query[..., None] / math.sqrt(d)  # [B, S, 1], scaled as in the Transformer
    scores = scores[..., 0].masked_fill(~mask, -math.inf)
    weights = torch.softmax(scores, -1)
    return (weights[:, None, :] @ values)[:, 0], weights
