"""GRU cell exercise: write one step of a GRU by hand.

Grade it with `grade exercise gru_cell` (or `rnnprep grade exercise gru_cell`);
`rnnprep exercise show gru_cell` shows the task, `rnnprep exercise hint gru_cell` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def gru_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One GRU step, computing exactly what torch.nn.GRUCell computes.

    Args:
        x: input, [B, I].
        h: previous hidden state, [B, H].
        w_ih: input-to-hidden weights, [3H, I], blocks stacked r, z, n.
        w_hh: hidden-to-hidden weights, [3H, H], same block order.
        b_ih, b_hh: biases, [3H] each, or None (then leave that bias out).

    Returns:
        h_next, [B, H], same dtype and device as x.
        Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the GRU cell here")
