"""Finished hypotheses ranked (and reported) by the raw sum: alpha never used."""


def beam_search(step, start, end, beam_width, max_len, alpha=0.0):
    live = [(0.0, [start])]
    done = []
    for _ in range(max_len):
        if len(done) >= beam_width:
            break
        cands = []
        for score, seq in live:
            for tok, lp in enumerate(step(seq).tolist()):
                cands.append((score + lp, [*seq, tok]))
        cands.sort(reverse=True)
        live = []
        for score, seq in cands[: beam_width - len(done)]:
            if seq[-1] == end:
                done.append((score, seq))
            else:
                live.append((score, seq))
    done.extend(live)
    done.sort(reverse=True)
    return [(seq[1:], score) for score, seq in done[:beam_width]]
