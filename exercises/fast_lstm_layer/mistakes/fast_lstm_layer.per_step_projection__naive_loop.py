import torch


def fast_lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    H = w_hh.shape[1]
    if hx is None:
        h = torch.zeros(x.shape[1], H, dtype=x.dtype, device=x.device)
        c = torch.zeros_like(h)
    else:
        h, c = hx[0][0], hx[1][0]
    outputs = []
    for x_t in x:
        gates = x_t @ w_ih.T + h @ w_hh.T  # two matmuls every step
        if b_ih is not None:
            gates = gates + b_ih
        if b_hh is not None:
            gates = gates + b_hh
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h.unsqueeze(0), c.unsqueeze(0))
