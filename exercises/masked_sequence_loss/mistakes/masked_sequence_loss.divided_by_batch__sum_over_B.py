import torch


def masked_sequence_loss(logits, targets, lengths):
    B, T, _ = logits.shape
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(2, targets[..., None])[..., 0]
    mask = torch.arange(T, device=logits.device).expand(B, T) < lengths.unsqueeze(1)
    return (nll * mask).sum() / B  # average over the batch
