import torch
import torch.nn.functional as F


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.permute(1, 0, 2)
    B = x.shape[1]
    H = w_hh.shape[1]
    if hx is None:
        h = x.new_zeros(B, H)
        c = x.new_zeros(B, H)
    else:
        h, c = hx[0][0], hx[1][0]
    outs = []
    for t in range(x.shape[0]):
        a = F.linear(x[t], w_ih, b_ih) + F.linear(h, w_hh, b_hh)
        i, f, g, o = a.chunk(4, 1)
        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
        h = o.sigmoid() * c.tanh()
        outs.append(h)
    out = torch.stack(outs, 0)
    if batch_first:
        out = out.permute(1, 0, 2)
    return out, (h, c)  # [B, H]
