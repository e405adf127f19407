"""Sample next token exercise: temperature, top-k and top-p filtering, then one draw per row.

Grade it with `grade exercise sample_next_token` (or `rnnprep grade exercise sample_next_token`);
`rnnprep exercise show sample_next_token` shows the task, `rnnprep exercise hint
sample_next_token` a hint.
"""

import torch
from torch import Tensor


def sample_next_token(
    logits: Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float = 1.0,
    generator: torch.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """The filtered next-token distribution of each row, and one token drawn from it.

    Args:
        logits: unnormalised next-token scores, [B, V] (V = vocabulary size).
        temperature: T > 0; the logits are divided by it first.
        top_k: keep the tokens whose logit is >= the k-th largest (ties kept); None or 0: off.
        top_p: then keep the smallest most-probable-first prefix whose probability reaches
            top_p, the token that crosses it included; 1.0: off.
        generator: the random stream to draw from; pass it to torch.multinomial.

    Returns:
        (probs, token): probs [B, V] in the logits' dtype and on their device, zero outside the
        kept tokens, each row summing to 1; token [B], int64, drawn as
        torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1).
        Do not modify the inputs.
    """
    raise NotImplementedError("write sample_next_token here")
