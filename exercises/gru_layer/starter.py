"""GRU layer exercise: run a GRU over a whole sequence by hand.

Grade it with `grade exercise gru_layer` (or `rnnprep grade exercise gru_layer`);
`rnnprep exercise show gru_layer` shows the task, `rnnprep exercise hint gru_layer` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def gru_layer(
    x: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, Tensor]:
    """A one-layer, one-direction GRU over a sequence, computing what torch.nn.GRU computes.

    Args:
        x: the input sequence, [T, B, I], or [B, T, I] when batch_first.
        hx: None (start from zeros) or h0, [1, B, H].
        w_ih: input-to-hidden weights, [3H, I], blocks stacked r, z, n (weight_ih_l0).
        w_hh: hidden-to-hidden weights, [3H, H], same block order (weight_hh_l0).
        b_ih, b_hh: biases, [3H] each, or None (a None bias counts as zero).
        batch_first: True when x (and so output) has the batch on axis 0.

    Returns:
        (output, h_n): output [T, B, H] ([B, T, H] when batch_first), the hidden state of
        every step; h_n [1, B, H], the hidden state after the last step. Same dtype and device
        as x. Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the GRU layer here")
