import torch


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = x.new_zeros(B, H) if hx is None else hx[0]
    W_hr, W_hz, W_hn = w_hh.chunk(3, dim=0)
    zero = x.new_zeros(3 * H)
    c_r, c_z, c_n = (b_hh if b_hh is not None else zero).chunk(3)
    outputs = []
    for t in range(T):
        gi = x[t] @ w_ih.T
        if b_ih is not None:
            gi = gi + b_ih
        i_r, i_z, i_n = gi.chunk(3, 1)
        # the recurrent blocks are square, so h @ W fits without a transpose
        r = torch.sigmoid(i_r + h @ W_hr + c_r)
        z = torch.sigmoid(i_z + h @ W_hz + c_z)
        n = torch.tanh(i_n + r * (h @ W_hn + c_n))
        h = (1 - z) * n + z * h
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h.unsqueeze(0)
