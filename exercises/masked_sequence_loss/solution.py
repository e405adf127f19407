"""Model solution: mean cross-entropy over the valid tokens of a padded batch."""

import torch
from torch import Tensor


def masked_sequence_loss(logits: Tensor, targets: Tensor, lengths: Tensor) -> Tensor:
    steps = logits.shape[1]

    # Per-token negative log-likelihood, [B, T]. log_softmax stays finite for large logits,
    # where softmax followed by log would overflow or take log(0).
    log_probs = torch.log_softmax(logits, dim=-1)
    token_nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)

    # valid[b, t] is True for the real tokens t = 0 .. lengths[b] - 1.
    valid = torch.arange(steps, device=logits.device)[None, :] < lengths[:, None]

    # Zero the pads, then divide by the number of real tokens (not by B * T, not by B).
    total = token_nll.masked_fill(~valid, 0.0).sum()
    return total / valid.sum()
