import torch


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    h = x.new_zeros(B, H) if hx is None else hx[0]
    outputs = []
    for t in range(T):
        gi = x[t] @ w_ih.T
        gh = h @ w_hh.T
        if b_ih is not None:
            gi = gi + b_ih
        if b_hh is not None:
            gh = gh + b_hh
        i_z, i_r, i_n = gi.chunk(3, 1)  # Keras's z, r, h order
        h_z, h_r, h_n = gh.chunk(3, 1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        h = (1 - z) * torch.tanh(i_n + r * h_n) + z * h
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h.unsqueeze(0)
