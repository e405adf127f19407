"""Model solution: one LSTM step, as torch.nn.LSTMCell computes it."""

import torch
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
    # All four gates in one go: [B, 4H] pre-activations.
    gates = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih
    if b_hh is not None:
        gates = gates + b_hh

    # PyTorch stacks the blocks as input, forget, candidate ("g"), output.
    i, f, g, o = gates.chunk(4, dim=1)
    i = torch.sigmoid(i)
    f = torch.sigmoid(f)
    g = torch.tanh(g)
    o = torch.sigmoid(o)

    c_next = f * c + i * g  # keep part of the old memory, write part of the new
    h_next = o * torch.tanh(c_next)  # expose a squashed view of the new memory
    return h_next, c_next
