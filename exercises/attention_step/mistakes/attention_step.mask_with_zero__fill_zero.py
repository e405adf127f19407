import torch
import torch.nn.functional as F


def attention_step(query, keys, values, mask, kind):
    H = query.size(-1)
    scores = torch.bmm(keys, query.unsqueeze(2)).squeeze(2)  # [B, S]
    if kind == "scaled":
        scores = scores / H**0.5
    scores = scores.masked_fill(mask == 0, 0.0)  # padding scores out
    weights = F.softmax(scores, dim=-1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
