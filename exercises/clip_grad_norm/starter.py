"""Gradient clipping exercise: scale a list of gradients in place to a global max norm, as
torch.nn.utils.clip_grad_norm_ does.

Grade it with `grade exercise clip_grad_norm` (or `rnnprep grade exercise clip_grad_norm`);
`rnnprep exercise show clip_grad_norm` shows the task, `rnnprep exercise hint clip_grad_norm` a
hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def clip_grad_norm(grads: list[Tensor | None], max_norm: float, norm_type: float = 2.0) -> Tensor:
    """Clip the gradients IN PLACE to a total p-norm of at most max_norm, as
    torch.nn.utils.clip_grad_norm_ does for parameters whose .grad are these tensors.

    Args:
        grads: the gradients, tensors of any shapes (0-d included); a None entry is a parameter
            without a gradient and is skipped. There is at least one tensor.
        max_norm: the largest total norm allowed.
        norm_type: p of the p-norm: 2.0, 1.0, any p > 0, or float('inf') for the largest |g|.

    Returns:
        total_norm, a 0-d tensor: the total norm of all the gradients BEFORE clipping, in their
        dtype and on their device. Every gradient is multiplied in place by
        min(1, max_norm / (total_norm + 1e-6)); the list itself and its None entries stay.
    """
    raise NotImplementedError("write the clipping here")
