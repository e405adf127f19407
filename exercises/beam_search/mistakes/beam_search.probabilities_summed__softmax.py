"""Probabilities added along a hypothesis instead of log-probabilities."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    live = [([start], 0.0)]
    finished = []
    n = 0
    while len(finished) < beam_width and n < max_len:
        k = beam_width - len(finished)
        cands = []
        for seq, score in live:
            probs = step(seq).exp()
            for tok in range(len(probs)):
                cands.append(([*seq, tok], score + probs[tok].item()))
        cands = sorted(cands, key=lambda c: -c[1])[:k]
        n += 1
        live = [c for c in cands if c[0][-1] != end]
        finished += [c for c in cands if c[0][-1] == end]
    finished += live
    out = [(seq[1:], score / (len(seq) - 1) ** alpha) for seq, score in finished]
    out.sort(key=lambda c: -c[1])
    return out[:beam_width]
