"""beam_width candidates kept every step; live ones added only when too few have finished."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    beam = [([start], 0.0)]
    complete = []
    for _ in range(max_len):
        expanded = []
        for toks, sc in beam:
            logp = step(toks)
            expanded.extend(([*toks, t], sc + float(logp[t])) for t in range(logp.numel()))
        expanded.sort(key=lambda e: e[1], reverse=True)
        beam = []
        for toks, sc in expanded[:beam_width]:
            (complete if toks[-1] == end else beam).append((toks, sc))
        if len(complete) >= beam_width:
            break
    else:
        complete.extend(beam)
    complete.sort(key=lambda e: e[1] / (len(e[0]) - 1) ** alpha, reverse=True)
    return [(toks[1:], sc / (len(toks) - 1) ** alpha) for toks, sc in complete[:beam_width]]
