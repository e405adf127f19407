import torch


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    seq = x.transpose(0, 1) if batch_first else x
    H = w_hh.shape[1]
    h = seq.new_zeros(seq.shape[1], H) if hx is None else hx[0]
    b_ih = seq.new_zeros(3 * H) if b_ih is None else b_ih
    b_hh = seq.new_zeros(3 * H) if b_hh is None else b_hh
    w_ir, w_iz, w_in = w_ih.chunk(3)
    w_hr, w_hz, w_hn = w_hh.chunk(3)
    b_ir, b_iz, b_in = b_ih.chunk(3)
    b_hr, b_hz, b_hn = b_hh.chunk(3)
    outputs = []
    for x_t in seq:
        r = torch.sigmoid(x_t @ w_ir.T + b_ir + h @ w_hr.T + b_hr)
        z = torch.sigmoid(x_t @ w_iz.T + b_iz + h @ w_hz.T + b_hz)
        n = torch.tanh(x_t @ w_in.T + b_in + r * (h @ w_hn.T) + b_hn)
        h = (1 - z) * n + z * h
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h.unsqueeze(0)
