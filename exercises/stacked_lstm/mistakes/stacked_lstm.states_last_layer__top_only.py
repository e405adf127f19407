import torch
import torch.nn.functional as F


def stacked_lstm(x, hx, weights):
    seq = x
    for layer, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        H = w_hh.shape[1]
        if hx is None:
            h = torch.zeros(x.shape[1], H, dtype=x.dtype, device=x.device)
            c = torch.zeros_like(h)
        else:
            h, c = hx[0][layer], hx[1][layer]
        hs = []
        for t in range(seq.shape[0]):
            gates = F.linear(seq[t], w_ih, b_ih) + F.linear(h, w_hh, b_hh)
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            hs.append(h)
        seq = torch.stack(hs)
    # the final states of the network: those of its top layer
    return seq, (h.unsqueeze(0), c.unsqueeze(0))
