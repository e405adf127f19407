"""A tensor beam that never sets finished hypotheses aside: `end` is extended like any token."""

import torch


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    beams = [[start]]
    scores = None
    for _ in range(max_len):
        logp = torch.stack([step(b) for b in beams])  # [live, V]
        total = logp if scores is None else scores[:, None] + logp
        flat = total.reshape(-1)
        top, idx = flat.topk(min(beam_width, flat.numel()))
        vocab = logp.shape[1]
        beams = [beams[i // vocab] + [i % vocab] for i in idx.tolist()]
        scores = top
    results = []
    for b, s in zip(beams, scores.tolist(), strict=True):
        results.append((b[1:], s / len(b[1:]) ** alpha))
    results.sort(key=lambda r: r[1], reverse=True)
    return results[:beam_width]
