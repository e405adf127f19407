import torch


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, _ = x.shape
    H = w_hh.shape[1]
    valid = torch.arange(T)[:, None, None] < lengths[None, :, None]
    bias = 0
    if b_ih is not None:
        bias = bias + b_ih
    if b_hh is not None:
        bias = bias + b_hh

    def one_direction(times):
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
        ys = [None] * T
        for t in times:
            i, f, g, o = (x[t] @ w_ih.T + h @ w_hh.T + bias).chunk(4, dim=1)
            c_t = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h_t = torch.sigmoid(o) * torch.tanh(c_t)
            h = torch.where(valid[t], h_t, h)
            c = torch.where(valid[t], c_t, c)
            ys[t] = torch.where(valid[t], h_t, 0.0)
        return torch.stack(ys), h, c

    y1, h1, c1 = one_direction(range(T))
    y2, h2, c2 = one_direction(range(T - 1, -1, -1))
    return torch.cat([y1, y2], dim=-1), (torch.stack([h1, h2]), torch.stack([c1, c2]))
