"""Model solution: an L-layer LSTM, each layer a loop over time that reads the layer below."""

import torch
from torch import Tensor


def stacked_lstm(
    x: Tensor,
    hx: tuple[Tensor, Tensor] | None,
    weights: list[tuple[Tensor, Tensor, Tensor | None, Tensor | None]],
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    steps, batch = x.shape[0], x.shape[1]
    hidden = weights[0][1].shape[1]

    seq = x  # what the current layer reads: x for layer 0, the layer below's outputs above it
    h_n, c_n = [], []
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        # Each layer starts from its own initial states, not from the layer below's.
        if hx is None:
            h = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device)
            c = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device)
        else:
            h, c = hx[0][layer], hx[1][layer]  # [B, H]

        # The input projection does not depend on the state: all steps in one matmul.
        x_proj = seq @ w_ih.T  # [T, B, 4H]
        if b_ih is not None:
            x_proj = x_proj + b_ih
        if b_hh is not None:
            x_proj = x_proj + b_hh

        outputs = []
        for t in range(steps):
            gates = x_proj[t] + h @ w_hh.T  # [B, 4H], blocks i, f, g, o
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outputs.append(h)

        seq = torch.stack(outputs)  # [T, B, H]: the next layer's input
        h_n.append(h)
        c_n.append(c)

    # output is the top layer's sequence; the final states are every layer's, layer 0 first.
    return seq, (torch.stack(h_n), torch.stack(c_n))
