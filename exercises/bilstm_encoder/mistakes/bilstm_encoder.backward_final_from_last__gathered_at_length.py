import torch
import torch.nn.functional as F


def run(xs, w_ih, w_hh, b_ih, b_hh):
    """Plain LSTM over xs [T, B, I]; every step's h and c."""
    H = w_hh.shape[1]
    h = xs.new_zeros(xs.shape[1], H)
    c = xs.new_zeros(xs.shape[1], H)
    hs, cs = [], []
    for x_t in xs:
        i, f, g, o = (F.linear(x_t, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).chunk(4, dim=-1)
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
    valid = t < lengths[None, :]
    # reverse each sequence's real part, pads stay at the end
    idx = torch.where(valid, lengths[None, :] - 1 - t, t)
    x_rev = x.gather(0, idx[:, :, None].expand(T, B, n_in))

    hf, cf = run(x, w_ih, w_hh, b_ih, b_hh)
    hb, cb = run(x_rev, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
    hb = hb.gather(0, idx[:, :, None].expand(T, B, H))  # back to the original time order
    cb = cb.gather(0, idx[:, :, None].expand(T, B, H))

    hs = torch.cat([hf, hb], dim=-1) * valid[:, :, None]
    cs = torch.cat([cf, cb], dim=-1)
    # final states: the last real step of each sequence
    last = (lengths - 1)[None, :, None].expand(1, B, 2 * H)
    h_last = hs.gather(0, last)[0]
    c_last = cs.gather(0, last)[0]
    h_n = torch.stack([h_last[:, :H], h_last[:, H:]])
    c_n = torch.stack([c_last[:, :H], c_last[:, H:]])
    return hs, (h_n, c_n)
