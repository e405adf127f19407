"""Model solution: a bidirectional LSTM over a padded batch, the padding masked by hand."""

import torch
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
    steps, batch = x.shape[0], x.shape[1]
    hidden = w_hh.shape[1]
    # valid[t, b] is True at the real steps t < lengths[b]; [T, B, 1] to broadcast over H.
    time = torch.arange(steps, device=x.device)
    valid = (time[:, None] < lengths.to(x.device)[None, :]).unsqueeze(-1)

    def direction(
        order: range, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None, b_hh: Tensor | None
    ) -> tuple[Tensor, Tensor, Tensor]:
        h = x.new_zeros(batch, hidden)
        c = x.new_zeros(batch, hidden)
        outputs: list[Tensor] = [h] * steps
        for t in order:
            gates = x[t] @ w_ih.T + h @ w_hh.T  # [B, 4H], blocks i, f, g, o
            if b_ih is not None:
                gates = gates + b_ih
            if b_hh is not None:
                gates = gates + b_hh
            i, f, g, o = gates.chunk(4, dim=1)
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            # At a pad the state stays as it was: the forward direction has finished its
            # sequence, the backward one has not started it yet (still zero).
            h = torch.where(valid[t], h_new, h)
            c = torch.where(valid[t], c_new, c)
            outputs[t] = torch.where(valid[t], h_new, torch.zeros_like(h_new))
        return torch.stack(outputs), h, c

    # Forward: t = 0 .. T-1, its state frozen after t = lengths[b]-1.
    out_f, h_f, c_f = direction(range(steps), w_ih, w_hh, b_ih, b_hh)
    # Backward: t = T-1 .. 0; it skips the pads, so it starts at t = lengths[b]-1 and ends at 0.
    out_b, h_b, c_b = direction(
        range(steps - 1, -1, -1), w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
    )

    output = torch.cat([out_f, out_b], dim=-1)  # [T, B, 2H]: forward half first
    return output, (torch.stack([h_f, h_b]), torch.stack([c_f, c_b]))
