import torch
import torch.nn.functional as F


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    seq = x.transpose(0, 1) if batch_first else x
    H = w_hh.shape[1]
    h = torch.zeros(seq.shape[1], H, dtype=x.dtype, device=x.device) if hx is None else hx[0]
    hs = []
    for x_t in seq:
        i_r, i_z, i_n = F.linear(x_t, w_ih, b_ih).chunk(3, -1)
        h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, -1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        h = (1 - z) * torch.tanh(i_n + r * h_n) + z * h
        hs.append(h)
    output = torch.stack(hs)
    h_n = torch.stack(hs)  # every step's state
    if batch_first:
        output = output.transpose(0, 1)
    return output, h_n
