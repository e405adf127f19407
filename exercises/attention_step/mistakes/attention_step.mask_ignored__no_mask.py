import math


def attention_step(query, keys, values, mask, kind):
    scores = (keys * query[:, None, :]).sum(-1)
    if kind == "scaled":
        scores = scores / math.sqrt(keys.shape[-1])
    weights = scores.softmax(-1)
    return (weights[:, :, None] * values).sum(1), weights
