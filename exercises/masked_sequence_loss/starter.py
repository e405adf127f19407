"""Masked sequence loss exercise: average a per-token loss over the real tokens of a padded batch.

Grade it with `grade exercise masked_sequence_loss` (or `rnnprep grade exercise
masked_sequence_loss`); `rnnprep exercise show masked_sequence_loss` shows the task,
`rnnprep exercise hint masked_sequence_loss` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def masked_sequence_loss(logits: Tensor, targets: Tensor, lengths: Tensor) -> Tensor:
    """The mean cross-entropy over the valid tokens of a padded batch of sequences.

    Args:
        logits: unnormalised scores, [B, T, V] (V = vocabulary size).
        targets: the right class of every position, [B, T], int64 (pads hold filler classes).
        lengths: the real length of each sequence, [B], int64, 1 <= lengths[b] <= T;
            positions t >= lengths[b] are padding.

    Returns:
        A 0-d tensor of the logits' dtype, on their device: the cross-entropy averaged over
        every token t < lengths[b] of every sequence b. Do not modify the inputs, and keep it
        differentiable with respect to the logits.
    """
    raise NotImplementedError("write the masked loss here")
