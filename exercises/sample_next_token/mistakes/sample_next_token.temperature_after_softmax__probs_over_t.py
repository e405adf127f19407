import torch


def sample_next_token(logits, temperature=1.0, top_k=None, top_p=1.0, generator=None):
    scores = logits.clone()
    if top_k:
        kth = torch.topk(scores, top_k, dim=-1).values[:, -1:]
        scores[scores < kth] = float("-inf")
    if top_p < 1.0:
        sorted_scores, order = torch.sort(scores, dim=-1, descending=True)
        p = torch.softmax(sorted_scores, dim=-1)
        before = p.cumsum(-1) - p
        remove = torch.zeros_like(before, dtype=torch.bool).scatter(-1, order, before >= top_p)
        scores[remove] = float("-inf")
    probs = torch.softmax(scores, dim=-1) / temperature
    token = torch.multinomial(probs, 1, generator=generator).squeeze(1)
    return probs, token
