import torch


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, _ = x.shape
    H = w_hh.shape[1]
    mask = torch.arange(T)[:, None, None] < lengths[None, :, None]  # [T, B, 1]

    def direction(times, w_i, w_h, b_i, b_h):
        h = torch.zeros(B, H, dtype=x.dtype)
        c = torch.zeros(B, H, dtype=x.dtype)
        out = [None] * T
        for t in times:
            gates = x[t] @ w_i.T + h @ w_h.T
            if b_i is not None:
                gates += b_i
            if b_h is not None:
                gates += b_h
            i, f, g, o = gates.chunk(4, 1)
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_new = torch.sigmoid(o) * torch.tanh(c_new)
            h = torch.where(mask[t], h_new, h)
            c = torch.where(mask[t], c_new, c)
            out[t] = h
        return torch.stack(out), h, c

    of, hf, cf = direction(range(T), w_ih, w_hh, b_ih, b_hh)
    ob, hb, cb = direction(
        range(T - 1, -1, -1), w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
    )
    return torch.cat([of, ob], -1), (torch.stack([hf, hb]), torch.stack([cf, cb]))
