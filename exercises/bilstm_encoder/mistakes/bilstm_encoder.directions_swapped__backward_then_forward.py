import torch


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, _ = x.shape
    H = w_hh.shape[1]
    keep = (torch.arange(T, device=x.device)[:, None] < lengths[None, :]).to(x.dtype)[..., None]

    def go(steps, wi, wh, bi, bh):
        h = torch.zeros(B, H, dtype=x.dtype)
        c = torch.zeros(B, H, dtype=x.dtype)
        out = {}
        for t in steps:
            z = x[t] @ wi.T + h @ wh.T
            if bi is not None:
                z = z + bi
            if bh is not None:
                z = z + bh
            i, f, g, o = z.chunk(4, dim=-1)
            c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h2 = torch.sigmoid(o) * torch.tanh(c2)
            h = keep[t] * h2 + (1 - keep[t]) * h
            c = keep[t] * c2 + (1 - keep[t]) * c
            out[t] = keep[t] * h2
        return torch.stack([out[t] for t in range(T)]), h, c

    yf, hf, cf = go(range(T), w_ih, w_hh, b_ih, b_hh)
    yb, hb, cb = go(reversed(range(T)), w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
    # backward direction first
    return torch.cat([yb, yf], dim=2), (torch.stack([hb, hf]), torch.stack([cb, cf]))
