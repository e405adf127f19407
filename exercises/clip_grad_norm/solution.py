"""Model solution: one total p-norm over all the gradients, one clamped coefficient, applied in
place, as torch.nn.utils.clip_grad_norm_ does."""

import torch
from torch import Tensor


def clip_grad_norm(grads: list[Tensor | None], max_norm: float, norm_type: float = 2.0) -> Tensor:
    # A parameter without a gradient takes no part: neither in the norm nor in the scaling.
    present = [g for g in grads if g is not None]
    p = float(norm_type)

    # The total norm is the p-norm of the per-tensor p-norms: the norm of all the gradients
    # concatenated into one vector. vector_norm handles p = inf (the largest |g|).
    norms = torch.stack([torch.linalg.vector_norm(g, p) for g in present])
    total_norm: Tensor = torch.linalg.vector_norm(norms, p)

    # One coefficient for every gradient, so the update keeps its direction; the 1e-6 keeps a
    # zero norm from dividing by zero, the clamp keeps small gradients from being scaled up.
    coef = torch.clamp(max_norm / (total_norm + 1e-6), max=1.0)
    for g in present:
        g.mul_(coef)  # in place: the caller's tensors are the ones clipped

    return total_norm  # the norm measured before clipping
