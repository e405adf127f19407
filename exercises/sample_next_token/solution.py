"""Model solution: temperature, then top-k (ties kept), then top-p (the crossing token kept), on
the logits; one softmax over what is left; one multinomial draw per row."""

import torch
from torch import Tensor


def sample_next_token(
    logits: Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    # Temperature scales the logits, before any softmax: T < 1 sharpens, T > 1 flattens.
    scores = logits / temperature

    # Top-k: remove every logit below the k-th largest; logits tied with it stay.
    if top_k:
        k = min(top_k, scores.shape[-1])
        kth = torch.topk(scores, k, dim=-1).values[..., -1:]
        scores = scores.masked_fill(scores < kth, float("-inf"))

    # Top-p: sort, and remove a token when the probability of the tokens BEFORE it already
    # reaches top_p, so the token that crosses top_p is kept (the most probable always is).
    if top_p < 1.0:
        sorted_scores, order = torch.sort(scores, dim=-1, descending=True)
        sorted_probs = torch.softmax(sorted_scores, dim=-1)
        before = torch.cumsum(sorted_probs, dim=-1) - sorted_probs
        remove = torch.zeros_like(before, dtype=torch.bool).scatter(-1, order, before >= top_p)
        scores = scores.masked_fill(remove, float("-inf"))

    # One softmax over the kept logits: zero elsewhere, and each row sums to 1.
    probs = torch.softmax(scores, dim=-1)
    token = torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)
    return probs, token
