"""Model solution: one step of a tanh RNN, as torch.nn.RNNCell computes it."""

import torch
from torch import Tensor


def rnn_cell(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    # Weights are [out, in], so each product uses the transpose: [B, I] @ [I, H] -> [B, H].
    pre = x @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        pre = pre + b_ih
    if b_hh is not None:
        pre = pre + b_hh
    return torch.tanh(pre)
