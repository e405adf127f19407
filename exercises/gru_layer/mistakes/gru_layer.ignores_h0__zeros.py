import torch


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = torch.zeros(B, H, dtype=x.dtype, device=x.device)  # hx is only for inference
    zero = torch.zeros(3 * H, dtype=x.dtype, device=x.device)
    bi = b_ih if b_ih is not None else zero
    bh = b_hh if b_hh is not None else zero
    outputs = []
    for t in range(T):
        i_r, i_z, i_n = (x[t] @ w_ih.T + bi).chunk(3, dim=1)
        h_r, h_z, h_n = (h @ w_hh.T + bh).chunk(3, dim=1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        h = (1 - z) * n + z * h
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h[None]
