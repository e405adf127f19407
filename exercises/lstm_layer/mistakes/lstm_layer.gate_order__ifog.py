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
        a = x[t] @ w_ih.T + h @ w_hh.T
        if b_ih is not None:
            a = a + b_ih
        if b_hh is not None:
            a = a + b_hh
        # input, forget, output gates, then the candidate (as in the CS231n notes)
        i = torch.sigmoid(a[:, 0:H])
        f = torch.sigmoid(a[:, H : 2 * H])
        o = torch.sigmoid(a[:, 2 * H : 3 * H])
        g = torch.tanh(a[:, 3 * H : 4 * H])
        c = f * c + i * g
        h = o * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h.unsqueeze(0), c.unsqueeze(0))
