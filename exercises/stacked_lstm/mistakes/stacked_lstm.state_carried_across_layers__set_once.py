import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    H = weights[0][1].shape[1]
    if hx is None:
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
    else:
        h, c = hx[0][0], hx[1][0]
    seq = x
    hs, cs = [], []
    for w_ih, w_hh, b_ih, b_hh in weights:
        out = []
        for t in range(T):
            z = seq[t] @ w_ih.T + h @ w_hh.T
            if b_ih is not None:
                z = z + b_ih
            if b_hh is not None:
                z = z + b_hh
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        seq = torch.stack(out)
        hs.append(h)
        cs.append(c)
    return seq, (torch.stack(hs), torch.stack(cs))
