import torch
import torch.nn.functional as F


def masked_sequence_loss(logits, targets, lengths):
    T = logits.shape[1]
    step_losses = []
    for t in range(T):
        step_losses.append(F.cross_entropy(logits[:, t], targets[:, t]))  # mean over the batch
    step_losses = torch.stack(step_losses)  # [T]
    mask = torch.arange(T, device=logits.device)[None, :] < lengths[:, None]  # [B, T]
    return (step_losses * mask).sum() / mask.sum()
