import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    seq = x
    hs, cs = [], []
    for w_ih, w_hh, b_ih, b_hh in weights:
        H = w_hh.shape[1]
        h = torch.zeros(B, H, dtype=x.dtype, device=x.device)
        c = torch.zeros(B, H, dtype=x.dtype, device=x.device)
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
