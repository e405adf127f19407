import torch


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    if hx is None:
        h = torch.zeros(B, H, dtype=x.dtype, device=x.device)
        c = torch.zeros(B, H, dtype=x.dtype, device=x.device)
    else:
        h, c = hx[0][0], hx[1][0]
    outputs = []
    for t in range(T):
        gates = x[t] @ w_ih.T + h @ w_hh.T
        if b_ih is not None:
            gates = gates + b_ih  # one bias is enough, isn't it?
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h.unsqueeze(0), c.unsqueeze(0))
