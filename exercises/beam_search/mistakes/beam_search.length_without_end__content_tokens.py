"""Length normalisation that counts only the content tokens, not `end`."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    live = [([start], 0.0)]
    finished = []
    steps = 0
    while live and len(finished) < beam_width and steps < max_len:
        pool = []
        for tokens, score in live:
            for tok, lp in enumerate(step(tokens).tolist()):
                pool.append(([*tokens, tok], score + lp))
        pool.sort(key=lambda p: p[1], reverse=True)
        keep = pool[: beam_width - len(finished)]
        steps += 1
        finished += [p for p in keep if p[0][-1] == end]
        live = [p for p in keep if p[0][-1] != end]
    finished += live

    def norm(tokens, score):
        words = [t for t in tokens[1:] if t != end]
        return score / len(words) ** alpha

    best = sorted(((t[1:], norm(t, s)) for t, s in finished), key=lambda p: p[1], reverse=True)
    return best[:beam_width]
