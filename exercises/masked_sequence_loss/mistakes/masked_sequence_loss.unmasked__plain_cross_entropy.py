import torch.nn.functional as F


def masked_sequence_loss(logits, targets, lengths):
    B, T, V = logits.shape
    # flatten the batch and time axes and let cross_entropy average
    return F.cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T))
