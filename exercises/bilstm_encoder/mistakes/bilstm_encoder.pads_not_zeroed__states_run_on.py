import torch


def lstm(xs, w_ih, w_hh, b_ih, b_hh):
    T, B, _ = xs.shape
    H = w_hh.shape[1]
    proj = xs @ w_ih.T
    if b_ih is not None:
        proj = proj + b_ih
    if b_hh is not None:
        proj = proj + b_hh
    h = c = xs.new_zeros(B, H)
    hs, cs = [], []
    for t in range(T):
        i, f, g, o = (proj[t] + h @ w_hh.T).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        hs.append(h)
        cs.append(c)
    return torch.stack(hs), torch.stack(cs)


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, n_in = x.shape
    H = w_hh.shape[1]
    t = torch.arange(T)[:, None]
    # flip only the real part of each sequence: t -> lengths[b] - 1 - t
    idx = torch.where(t < lengths, lengths - 1 - t, t)
    x_rev = torch.gather(x, 0, idx.unsqueeze(-1).expand(T, B, n_in))

    hf, cf = lstm(x, w_ih, w_hh, b_ih, b_hh)
    hr, cr = lstm(x_rev, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
    hb = torch.gather(hr, 0, idx.unsqueeze(-1).expand(T, B, H))

    last = (lengths - 1).view(1, B, 1).expand(1, B, H)
    h_n = torch.cat([hf.gather(0, last), hr.gather(0, last)])
    c_n = torch.cat([cf.gather(0, last), cr.gather(0, last)])
    return torch.cat([hf, hb], dim=-1), (h_n, c_n)
