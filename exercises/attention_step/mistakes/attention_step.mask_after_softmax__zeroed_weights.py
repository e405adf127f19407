import math

import torch


def attention_step(query, keys, values, mask, kind):
    scores = torch.einsum("bsh,bh->bs", keys, query)
    if kind == "scaled":
        scores = scores / math.sqrt(query.shape[1])
    weights = torch.softmax(scores, dim=1)
    weights = weights * mask  # drop the padding
    context = torch.einsum("bs,bsh->bh", weights, values)
    return context, weights
