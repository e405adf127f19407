import torch


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = x.new_zeros(B, H) if hx is None else hx[0]
    w_hr, w_hz, w_hn = w_hh.chunk(3)
    zero = x.new_zeros(3 * H)
    b_hr, b_hz, b_hn = (b_hh if b_hh is not None else zero).chunk(3)
    outputs = []
    for t in range(T):
        gi = x[t] @ w_ih.T
        if b_ih is not None:
            gi = gi + b_ih
        i_r, i_z, i_n = gi.chunk(3, 1)
        r = torch.sigmoid(i_r + h @ w_hr.T + b_hr)
        z = torch.sigmoid(i_z + h @ w_hz.T + b_hz)
        n = torch.tanh(i_n + (r * h) @ w_hn.T + b_hn)  # Cho et al. 2014
        h = (1 - z) * n + z * h
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h.unsqueeze(0)
