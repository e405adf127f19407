"""Stacked LSTM exercise: run an L-layer LSTM over a whole sequence by hand.

Grade it with `grade exercise stacked_lstm` (or `rnnprep grade exercise stacked_lstm`);
`rnnprep exercise show stacked_lstm` shows the task, `rnnprep exercise hint stacked_lstm` a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def stacked_lstm(
    x: Tensor,
    hx: tuple[Tensor, Tensor] | None,
    weights: list[tuple[Tensor, Tensor, Tensor | None, Tensor | None]],
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """An L-layer, one-direction LSTM over a sequence, computing what
    torch.nn.LSTM(I, H, num_layers=L) computes (dropout 0, batch_first=False).

    Args:
        x: the input sequence, [T, B, I].
        hx: None (every layer starts from zeros) or (h0, c0), each [L, B, H]: h0[l], c0[l]
            are layer l's states before the first step.
        weights: one tuple (w_ih, w_hh, b_ih, b_hh) per layer, bottom layer first (L = its
            length): w_ih is [4H, I] for layer 0 and [4H, H] above it (weight_ih_l{l}), w_hh
            is [4H, H], b_ih and b_hh are [4H] or None (a None bias counts as zero). The gate
            blocks are stacked i, f, g, o.

    Returns:
        (output, (h_n, c_n)): output [T, B, H], the top layer's hidden state at every step;
        h_n and c_n [L, B, H], every layer's states after the last step, layer 0 first. Same
        dtype and device as x. Do not modify the inputs, and keep everything differentiable.
    """
    raise NotImplementedError("write the stacked LSTM here")
