import torch


def masked_sequence_loss(logits, targets, lengths):
    T = logits.shape[1]
    log_probs = logits - torch.logsumexp(logits, dim=-1, keepdim=True)
    picked = torch.gather(log_probs, 2, targets.unsqueeze(2)).squeeze(2)
    mask = torch.arange(T, device=logits.device).unsqueeze(0) <= lengths.unsqueeze(1)
    mask = mask.to(logits.dtype)
    return -(picked * mask).sum() / mask.sum()
