"""LSTM cell exercise: write one step of an LSTM by hand.

Grade it with `grade exercise lstm_cell` (or `rnnprep grade exercise lstm_cell`);
`rnnprep exercise show lstm_cell` shows the task, `rnnprep exercise hint lstm_cell` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def lstm_cell(
    x: Tensor,
    h: Tensor,
    c: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """One LSTM step, computing exactly what torch.nn.LSTMCell computes.

    Args:
        x: input, [B, I].
        h: previous hidden state, [B, H].
        c: previous cell state, [B, H].
        w_ih: input-to-hidden weights, [4H, I], blocks stacked i, f, g, o.
        w_hh: hidden-to-hidden weights, [4H, H], same block order.
        b_ih, b_hh: biases, [4H] each, or None (then leave that bias out).

    Returns:
        (h_next, c_next), each [B, H], same dtype and device as x.
        Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the LSTM cell here")
