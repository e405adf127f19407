"""Model solution: beam search with finished hypotheses set aside and length normalisation."""

import math
from collections.abc import Callable

from torch import Tensor


def beam_search(
    step: Callable[[list[int]], Tensor],
    start: int,
    end: int,
    beam_width: int,
    max_len: int,
    alpha: float = 0.0,
) -> list[tuple[list[int], float]]:
    live = [([start], 0.0)]  # (tokens so far, summed log-probability)
    finished: list[tuple[list[int], float]] = []
    generated = 0
    while len(finished) < beam_width and generated < max_len and live:
        k = beam_width - len(finished)  # each finished hypothesis takes a slot
        candidates = []
        for tokens, score in live:
            logp = step(tokens).tolist()  # Python floats; step's tensor is left untouched
            candidates += [([*tokens, tok], score + lp) for tok, lp in enumerate(logp)]
        candidates.sort(key=lambda c: c[1], reverse=True)
        generated += 1
        live = []
        for tokens, score in candidates[:k]:
            (finished if tokens[-1] == end else live).append((tokens, score))
    finished += live  # at max_len the live ones count as finished

    def normalised(tokens: list[int], score: float) -> float:
        return score / math.pow(len(tokens) - 1, alpha)  # generated tokens, end included, start not

    ranked = sorted(
        ((tokens[1:], normalised(tokens, score)) for tokens, score in finished),
        key=lambda h: h[1],
        reverse=True,
    )
    return ranked[:beam_width]
