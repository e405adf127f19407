import torch


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    seq = x.transpose(0, 1) if batch_first else x
    H = w_hh.shape[1]
    if hx is None:
        h = torch.zeros(seq.shape[1], H, dtype=x.dtype, device=x.device)
        c = torch.zeros_like(h)
    else:
        h, c = hx[0][0], hx[1][0]
    bias = 0
    if b_ih is not None:
        bias = bias + b_ih
    if b_hh is not None:
        bias = bias + b_hh
    hs, cs = [], []
    for x_t in seq:
        gates = x_t @ w_ih.T + h @ w_hh.T + bias
        i = torch.sigmoid(gates[:, :H])
        f = torch.sigmoid(gates[:, H : 2 * H])
        g = torch.tanh(gates[:, 2 * H : 3 * H])
        o = torch.sigmoid(gates[:, 3 * H :])
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h)
        cs.append(c)
    output = torch.stack(hs)
    h_n, c_n = torch.stack(hs), torch.stack(cs)  # every step's states
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h_n, c_n)
