import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    total_norm = torch.sqrt(sum((g**2).sum() for g in present))
    coef = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    for g in present:
        g.mul_(coef)
    return total_norm
