"""Attention step exercise: one decoder step of dot-product attention over padded encoder outputs.

Grade it with `grade exercise attention_step` (or `rnnprep grade exercise attention_step`);
`rnnprep exercise show attention_step` shows the task, `rnnprep exercise hint attention_step`
a hint.
"""

import math  # noqa: F401  (you may need it)

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def attention_step(
    query: Tensor, keys: Tensor, values: Tensor, mask: Tensor, kind: str
) -> tuple[Tensor, Tensor]:
    """Attend from one decoder state to the encoder outputs of a padded batch.

    Args:
        query: the decoder state, [B, H].
        keys: the encoder outputs the query is scored against, [B, S, H].
        values: the encoder outputs the context is made of, [B, S, H].
        mask: [B, S] bool, True at a real source token, False at padding; every row has at
            least one real token.
        kind: 'dot' (score_s = keys[:, s] . query) or 'scaled' (the same divided by sqrt(H)).

    Returns:
        (context, weights): context [B, H], the weighted sum of the values; weights [B, S], the
        softmax of the scores over each row's real tokens, exactly 0 at the padding. Same dtype
        and device as query. Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the attention step here")
