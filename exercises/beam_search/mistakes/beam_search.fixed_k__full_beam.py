"""beam_width candidates kept at every step, however many hypotheses have finished."""

import torch


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    hyps = [[start]]
    scores = torch.zeros(1, dtype=torch.float64)
    finished = []
    for _ in range(max_len):
        if len(finished) >= beam_width or not hyps:
            break
        logp = torch.stack([step(h).double().cpu() for h in hyps])
        cand = (scores[:, None] + logp).flatten()
        top, idx = torch.topk(cand, min(beam_width, cand.numel()))
        V = logp.shape[1]
        new_hyps, new_scores = [], []
        for s, i in zip(top.tolist(), idx.tolist(), strict=True):
            h = hyps[i // V] + [i % V]
            if h[-1] == end:
                finished.append((h, s))
            else:
                new_hyps.append(h)
                new_scores.append(s)
        hyps = new_hyps
        scores = torch.tensor(new_scores, dtype=torch.float64)
    finished += list(zip(hyps, scores.tolist(), strict=True))
    ranked = sorted(
        ((h[1:], s / (len(h) - 1) ** alpha) for h, s in finished), key=lambda x: x[1], reverse=True
    )
    return ranked[:beam_width]
