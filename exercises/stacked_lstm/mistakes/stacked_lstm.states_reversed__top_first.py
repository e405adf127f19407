import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    H = weights[0][1].shape[1]
    inp = x
    h_n = []
    c_n = []
    for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        h = torch.zeros(B, H, dtype=x.dtype, device=x.device) if hx is None else hx[0][k]
        c = torch.zeros(B, H, dtype=x.dtype, device=x.device) if hx is None else hx[1][k]
        out = []
        for t in range(T):
            z = inp[t] @ w_ih.T + h @ w_hh.T
            if b_ih is not None:
                z = z + b_ih
            if b_hh is not None:
                z = z + b_hh
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        inp = torch.stack(out)
        h_n.insert(0, h)  # newest first
        c_n.insert(0, c)
    return inp, (torch.stack(h_n), torch.stack(c_n))
