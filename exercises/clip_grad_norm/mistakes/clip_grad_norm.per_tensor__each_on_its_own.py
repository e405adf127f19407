import torch


def clip_grad_norm(grads, max_norm, norm_type=2.0):
    present = [g for g in grads if g is not None]
    total_norm = torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g, norm_type) for g in present]), norm_type
    )
    for g in present:
        # every gradient clipped to max_norm by its own norm
        coef = max_norm / (torch.linalg.vector_norm(g, norm_type) + 1e-6)
        g.mul_(torch.clamp(coef, max=1.0))
    return total_norm
