"""Model solution: a one-layer LSTM over a whole sequence, as torch.nn.LSTM runs it."""

import torch
from torch import Tensor


def lstm_layer(
    x: Tensor,
    hx: tuple[Tensor, Tensor] | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    # Work time-first inside: step t is then simply seq[t], [B, I].
    seq = x.transpose(0, 1) if batch_first else x
    steps, batch = seq.shape[0], seq.shape[1]
    hidden = w_hh.shape[1]

    if hx is None:
        h = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device)
        c = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device)
    else:
        h, c = hx[0][0], hx[1][0]  # drop the layer axis: [1, B, H] -> [B, H]

    # The input projection does not depend on the state: do all steps in one matmul.
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

    output = torch.stack(outputs)  # [T, B, H]
    if batch_first:
        output = output.transpose(0, 1)  # back to [B, T, H]
    # Final states with the layer axis back: [1, B, H], whatever batch_first says.
    return output, (h.unsqueeze(0), c.unsqueeze(0))
