import torch


def stacked_lstm(x, hx, weights):
    B = x.shape[1]
    seq = x
    for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        H = w_hh.shape[1]
        h = x.new_zeros(B, H) if hx is None else hx[0][k]
        c = x.new_zeros(B, H) if hx is None else hx[1][k]
        bias = 0
        if b_ih is not None:
            bias = bias + b_ih
        if b_hh is not None:
            bias = bias + b_hh
        outs = []
        for t in range(seq.shape[0]):
            z = seq[t] @ w_ih.T + h @ w_hh.T + bias
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(h)
        seq = torch.stack(outs)
    return seq, (h, c)
