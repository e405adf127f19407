"""Bidirectional LSTM encoder exercise: run a one-layer bidirectional LSTM over a padded batch.

Grade it with `grade exercise bilstm_encoder` (or `rnnprep grade exercise bilstm_encoder`);
`rnnprep exercise show bilstm_encoder` shows the task, `rnnprep exercise hint bilstm_encoder`
a hint.
"""

import torch  # noqa: F401  (you will need it)
from torch import Tensor


def bilstm_encoder(
    x: Tensor,
    lengths: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    w_ih_reverse: Tensor,
    w_hh_reverse: Tensor,
    b_ih_reverse: Tensor | None,
    b_hh_reverse: Tensor | None,
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """A one-layer bidirectional LSTM over a right-padded batch, computing what
    nn.LSTM(I, H, bidirectional=True) returns for pack_padded_sequence(x, lengths,
    enforce_sorted=False), the output unpacked with pad_packed_sequence(total_length=T).

    Args:
        x: the padded input sequences, [T, B, I]; x[t, b] is padding when t >= lengths[b]
            (any values there, not necessarily zeros).
        lengths: the real length of each sequence, [B], int64, in any order, 1 <= lengths[b] <= T.
        w_ih, w_hh: the forward direction's weights, [4H, I] and [4H, H], blocks i, f, g, o
            (weight_ih_l0, weight_hh_l0).
        b_ih, b_hh: its biases, [4H] each, or None (a None bias counts as zero).
        w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse: the backward direction's
            (weight_ih_l0_reverse, ...), same shapes.

    Returns:
        (output, (h_n, c_n)): output [T, B, 2H], the forward direction's h_t then the backward
        direction's, zero at the pads; h_n and c_n [2, B, H]: index 0 the forward direction's
        states at t = lengths[b]-1, index 1 the backward direction's after it reads t = 0.
        Same dtype and device as x. Do not modify the inputs, and keep everything
        differentiable.
    """
    raise NotImplementedError("write the bidirectional LSTM encoder here")
