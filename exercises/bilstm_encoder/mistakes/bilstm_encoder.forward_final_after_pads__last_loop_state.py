import torch


def step(x_t, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x_t @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, _ = x.shape
    H = w_hh.shape[1]
    mask = (torch.arange(T)[:, None] < lengths[None, :]).to(x.dtype).unsqueeze(-1)

    # forward: run to the end, the padded outputs are masked away below
    h = c = x.new_zeros(B, H)
    out_f = []
    for t in range(T):
        h, c = step(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        out_f.append(h * mask[t])

    # backward: start at the end, skip the pads (state stays zero there)
    hb = cb = x.new_zeros(B, H)
    out_b = [None] * T
    for t in range(T - 1, -1, -1):
        h_new, c_new = step(x[t], hb, cb, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
        hb = mask[t] * h_new + (1 - mask[t]) * hb
        cb = mask[t] * c_new + (1 - mask[t]) * cb
        out_b[t] = hb * mask[t]

    output = torch.cat([torch.stack(out_f), torch.stack(out_b)], dim=-1)
    return output, (torch.stack([h, hb]), torch.stack([c, cb]))
