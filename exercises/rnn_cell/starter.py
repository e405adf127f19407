"""Vanilla RNN cell exercise: write one step of a tanh RNN by hand.

Grade it with `grade exercise rnn_cell` (or `rnnprep grade exercise rnn_cell`);
`rnnprep exercise show rnn_cell` shows the task, `rnnprep exercise hint rnn_cell` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def rnn_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One tanh-RNN step, computing exactly what torch.nn.RNNCell computes.

    Args:
        x: input, [B, I].
        h: previous hidden state, [B, H].
        w_ih: input-to-hidden weights, [H, I].
        w_hh: hidden-to-hidden weights, [H, H].
        b_ih, b_hh: biases, [H] each, or None (then leave that bias out).

    Returns:
        h_next, [B, H], same dtype and device as x.
        Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the RNN cell here")
