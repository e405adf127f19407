"""Fast LSTM layer exercise: nn.LSTM's answer with the fewest matrix products.

Grade it with `grade exercise fast_lstm_layer`; `rnnprep exercise show fast_lstm_layer` shows
the task and the cost budget, `rnnprep exercise hint fast_lstm_layer` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def fast_lstm_layer(
    x: Tensor,
    hx: tuple[Tensor, Tensor] | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """What torch.nn.LSTM (one layer, one direction) returns, in at most T + 1 matmul calls.

    Args:
        x: the input sequence, [T, B, I], or [B, T, I] when batch_first.
        hx: None (start from zeros) or (h0, c0), each [1, B, H].
        w_ih: [4H, I], w_hh: [4H, H], blocks stacked i, f, g, o (weight_ih_l0, weight_hh_l0).
        b_ih, b_hh: [4H] each, or None (a None bias counts as zero).
        batch_first: True when x (and so output) has the batch on axis 0.

    Returns:
        (output, (h_n, c_n)) as nn.LSTM: output [T, B, H] ([B, T, H] when batch_first), h_n and
        c_n [1, B, H]. Same dtype and device as x; inputs unchanged; differentiable.
    """
    raise NotImplementedError("write the fast LSTM layer here")
