"""PyTorch's own recurrent cells, called with the learner's weights: the answers the grader expects.

The functions are bound at import time, so a learner's file that reassigns `torch.lstm_cell` (or the
grader's own patching of it while learner code runs) never changes the reference answer.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

_rnn_tanh_cell = torch.rnn_tanh_cell
_lstm_cell = torch.lstm_cell
_gru_cell = torch.gru_cell


def rnn_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), as nn.RNNCell computes it."""
    return _rnn_tanh_cell(x, h, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(
    x: Tensor,
    h: Tensor,
    c: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """(h', c') of nn.LSTMCell: gate blocks stacked i, f, g, o."""
    h_next, c_next = _lstm_cell(x, (h, c), w_ih, w_hh, b_ih, b_hh)
    return h_next, c_next


def gru_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """h' of nn.GRUCell: blocks r, z, n; the reset gate multiplies (W_hn h + b_hn)."""
    return _gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)


REFERENCES: dict[str, Callable[..., Tensor | tuple[Tensor, Tensor]]] = {
    "rnn_cell": rnn_cell,
    "lstm_cell": lstm_cell,
    "gru_cell": gru_cell,
}
