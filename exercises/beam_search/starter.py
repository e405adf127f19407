"""Beam search exercise: decode a toy language model with a beam, finished hypotheses and
length normalisation.

Grade it with `grade exercise beam_search` (or `rnnprep grade exercise beam_search`);
`rnnprep exercise show beam_search` shows the task, `rnnprep exercise hint beam_search` a hint.
"""

from collections.abc import Callable

import torch  # noqa: F401  (you may need it)
from torch import Tensor


def beam_search(
    step: Callable[[list[int]], Tensor],
    start: int,
    end: int,
    beam_width: int,
    max_len: int,
    alpha: float = 0.0,
) -> list[tuple[list[int], float]]:
    """Beam search over a language model, exactly as the README describes.

    Args:
        step: step(tokens) returns a 1-D tensor [V] of log-probabilities of the next token after
            `tokens` (a list of ints beginning with `start`). Do not modify the tensor it returns.
        start: the token every hypothesis begins with (not part of the output).
        end: the token that finishes a hypothesis.
        beam_width: k, the number of hypotheses kept and returned.
        max_len: the most tokens generated after `start`, `end` included.
        alpha: length-normalisation exponent: finished hypotheses are ranked by
            sum of log-probabilities / len(generated) ** alpha.

    Returns:
        Up to beam_width (tokens, score) tuples, best first: tokens the generated ints without
        `start` (with `end` when emitted), score the normalised score as a float.
    """
    raise NotImplementedError("write the beam search here")
