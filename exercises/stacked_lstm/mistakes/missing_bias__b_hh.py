import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    seq = x
    hs, cs = [], []
    for k, layer in enumerate(weights):
        w_ih, w_hh, b_ih = layer[:3]
        H = w_hh.shape[1]
        h = x.new_zeros(B, H) if hx is None else hx[0][k]
        c = x.new_zeros(B, H) if hx is None else hx[1][k]
        out = []
        for t in range(T):
            z = seq[t] @ w_ih.T + h @ w_hh.T
            if b_ih is not None:
                z = z + b_ih
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        seq = torch.stack(out)
        hs.append(h)
        cs.append(c)
    return seq, (torch.stack(hs), torch.stack(cs))
