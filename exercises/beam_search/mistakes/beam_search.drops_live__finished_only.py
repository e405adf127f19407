"""Only hypotheses that emitted `end` are returned; the live ones at max_len are lost."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    live = [([start], 0.0)]
    finished = []
    for _ in range(max_len):
        if len(finished) == beam_width:
            break
        cands = [
            ([*tokens, tok], score + lp)
            for tokens, score in live
            for tok, lp in enumerate(step(tokens).tolist())
        ]
        cands.sort(key=lambda c: c[1], reverse=True)
        live = []
        for tokens, score in cands[: beam_width - len(finished)]:
            if tokens[-1] == end:
                finished.append((tokens[1:], score / (len(tokens) - 1) ** alpha))
            else:
                live.append((tokens, score))
    finished.sort(key=lambda f: f[1], reverse=True)
    return finished[:beam_width]
