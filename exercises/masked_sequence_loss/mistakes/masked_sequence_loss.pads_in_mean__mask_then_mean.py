import torch
import torch.nn.functional as F


def masked_sequence_loss(logits, targets, lengths):
    T = logits.shape[1]
    loss = F.cross_entropy(logits.transpose(1, 2), targets, reduction="none")  # [B, T]
    mask = (torch.arange(T, device=logits.device)[None, :] < lengths[:, None]).float()
    return (loss * mask.to(loss.dtype)).mean()
