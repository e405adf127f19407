"""Model solution: a one-layer GRU over a whole sequence, as torch.nn.GRU runs it."""

import torch
from torch import Tensor


def gru_layer(
    x: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> tuple[Tensor, Tensor]:
    # Work time-first inside: step t is then simply seq[t], [B, I].
    seq = x.transpose(0, 1) if batch_first else x
    steps, batch = seq.shape[0], seq.shape[1]
    hidden = w_hh.shape[1]

    # hx[0] drops the layer axis: [1, B, H] -> [B, H].
    h = torch.zeros(batch, hidden, dtype=x.dtype, device=x.device) if hx is None else hx[0]

    # The input projection does not depend on the state: do all steps in one matmul.
    gi_all = seq @ w_ih.T  # [T, B, 3H], blocks r, z, n
    if b_ih is not None:
        gi_all = gi_all + b_ih

    outputs = []
    for t in range(steps):
        # The hidden part stays apart: the reset gate scales only its n block (bias included).
        gh = h @ w_hh.T
        if b_hh is not None:
            gh = gh + b_hh
        i_r, i_z, i_n = gi_all[t].chunk(3, dim=1)
        h_r, h_z, h_n = gh.chunk(3, dim=1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h = (1 - z) * n + z * h  # z is the share of the old state that is kept
        outputs.append(h)

    output = torch.stack(outputs)  # [T, B, H]
    if batch_first:
        output = output.transpose(0, 1)  # back to [B, T, H]
    # The final state with the layer axis back: [1, B, H], whatever batch_first says.
    return output, h.unsqueeze(0)
