import torch
import torch.nn.functional as F


def masked_sequence_loss(logits, targets, lengths):
    _, T, V = logits.shape
    mask = torch.arange(T, device=logits.device)[None, :] < lengths[:, None]
    masked_logits = logits * mask.unsqueeze(-1)  # pads zeroed out
    total = F.cross_entropy(masked_logits.reshape(-1, V), targets.reshape(-1), reduction="sum")
    return total / mask.sum()
