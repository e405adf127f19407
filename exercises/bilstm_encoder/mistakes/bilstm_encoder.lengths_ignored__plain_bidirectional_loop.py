import torch


def cell(x_t, h, c, w_ih, w_hh, b_ih, b_hh):
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
    h = c = x.new_zeros(B, H)
    fwd = []
    for t in range(T):
        h, c = cell(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        fwd.append(h)
    hb = cb = x.new_zeros(B, H)
    bwd = [None] * T
    for t in reversed(range(T)):
        hb, cb = cell(x[t], hb, cb, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
        bwd[t] = hb
    output = torch.cat([torch.stack(fwd), torch.stack(bwd)], dim=-1)
    return output, (torch.stack([h, hb]), torch.stack([c, cb]))
