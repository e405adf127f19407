import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    norms = torch.stack([torch.linalg.vector_norm(g, norm_type) for g in present])
    total_norm = torch.linalg.vector_norm(norms, norm_type)
    coef = max_norm / (total_norm + 1e-6)
    for g in present:
        g.mul_(coef)
    return total_norm
