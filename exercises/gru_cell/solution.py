"""Model solution: one GRU step, as torch.nn.GRUCell computes it."""

import torch
from torch import Tensor


def gru_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    # Input and hidden contributions stay apart: the reset gate only scales the hidden part.
    gi = x @ w_ih.T
    gh = h @ w_hh.T
    if b_ih is not None:
        gi = gi + b_ih
    if b_hh is not None:
        gh = gh + b_hh

    # PyTorch stacks the blocks as reset, update, candidate ("n").
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)  # reset applied after the product, bias b_hn included

    return (1 - z) * n + z * h  # z is the share of the old state that is kept
