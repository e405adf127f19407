import torch


def attention_step(query, keys, values, mask, kind):
    scores = torch.bmm(keys, query.unsqueeze(-1)).squeeze(-1)
    if kind == "scaled":
        scores = scores / query.shape[-1]  # normalise by the dimension
    scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=1)
    context = torch.bmm(weights.unsqueeze(1), values).squeeze(1)
    return context, weights
