import torch
import torch.nn.functional as F


def masked_sequence_loss(logits, targets, lengths):
    per_sequence = []
    for b in range(logits.shape[0]):
        n = int(lengths[b])
        per_sequence.append(F.cross_entropy(logits[b, :n], targets[b, :n]))
    return torch.stack(per_sequence).mean()
