import math

import torch


def attention_step(query, keys, values, mask, kind):
    scores = torch.matmul(keys, query.unsqueeze(-1)).squeeze(-1)
    if kind == "scaled":
        scores = scores / math.sqrt(query.shape[-1])
    scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=0)
    context = torch.matmul(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
