import torch
import torch.nn.functional as F


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.permute(1, 0, 2)
    B, H = x.shape[1], w_hh.shape[1]
    h = x.new_zeros(B, H) if hx is None else hx[0]
    outs = []
    for t in range(x.shape[0]):
        a_r, a_z, a_n = F.linear(x[t], w_ih, b_ih).chunk(3, 1)
        c_r, c_z, c_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
        r, z = (a_r + c_r).sigmoid(), (a_z + c_z).sigmoid()
        h = (1 - z) * (a_n + r * c_n).tanh() + z * h
        outs.append(h)
    out = torch.stack(outs, 0)
    if batch_first:
        out = out.permute(1, 0, 2)
    return out, h  # [B, H]
