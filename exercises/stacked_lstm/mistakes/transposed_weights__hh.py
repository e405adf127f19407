import torch


def stacked_lstm(x, hx, weights):
    T, B, _ = x.shape
    seq = x
    hs, cs = [], []
    for k, (w_ih, w_hh, b_ih, b_hh) in enumerate(weights):
        H = w_hh.shape[1]
        h = x.new_zeros(B, H) if hx is None else hx[0][k]
        c = x.new_zeros(B, H) if hx is None else hx[1][k]
        out = []
        for t in range(T):
            z = seq[t] @ w_ih.T
            if b_ih is not None:
                z = z + b_ih
            if b_hh is not None:
                z = z + b_hh
            zi, zf, zg, zo = z.chunk(4, dim=1)
            wi, wf, wg, wo = w_hh.chunk(4, dim=0)
            i = torch.sigmoid(zi + h @ wi)
            f = torch.sigmoid(zf + h @ wf)
            g = torch.tanh(zg + h @ wg)
            o = torch.sigmoid(zo + h @ wo)
            c = f * c + i * g
            h = o * torch.tanh(c)
            out.append(h)
        seq = torch.stack(out)
        hs.append(h)
        cs.append(c)
    return seq, (torch.stack(hs), torch.stack(cs))
