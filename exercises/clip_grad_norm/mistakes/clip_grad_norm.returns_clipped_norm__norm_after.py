import torch


def total(grads, p):
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g, p) for g in grads]), p)


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    coef = torch.clamp(max_norm / (total(present, norm_type) + 1e-6), max=1.0)
    for g in present:
        g.mul_(coef)
    return total(present, norm_type)  # measured again, after clipping
