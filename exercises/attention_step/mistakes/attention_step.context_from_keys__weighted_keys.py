import math

import torch


def attention_step(query, keys, values, mask, kind):
    scores = torch.einsum("bsh,bh->bs", keys, query)
    if kind == "scaled":
        scores = scores / math.sqrt(query.shape[-1])
    scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    context = torch.einsum("bs,bsh->bh", weights, keys)  # the encoder outputs
    return context, weights
