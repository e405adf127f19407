"""Length normalisation by len(tokens), which still holds `start`."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    live = [([start], 0.0)]
    finished = []
    generated = 0
    while len(finished) < beam_width and generated < max_len:
        k = beam_width - len(finished)
        candidates = []
        for tokens, score in live:
            logp = step(tokens)
            for tok in range(logp.shape[0]):
                candidates.append(([*tokens, tok], score + logp[tok].item()))
        candidates.sort(key=lambda c: c[1], reverse=True)
        live = []
        for tokens, score in candidates[:k]:
            if tokens[-1] == end:
                finished.append((tokens, score))
            else:
                live.append((tokens, score))
        generated += 1
    finished.extend(live)
    scored = [(tokens[1:], score / len(tokens) ** alpha) for tokens, score in finished]
    scored.sort(key=lambda c: c[1], reverse=True)
    return scored[:beam_width]
