"""Greedy decoding: the best token at every step, one hypothesis, whatever beam_width is."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    tokens = [start]
    score = 0.0
    for _ in range(max_len):
        logp = step(tokens)
        best = int(logp.argmax())
        score += float(logp[best])
        tokens.append(best)
        if best == end:
            break
    generated = tokens[1:]
    return [(generated, score / len(generated) ** alpha)]
