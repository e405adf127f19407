import torch


def lstm_step(x_t, h, c, w_ih, w_hh, b_ih, b_hh):
    gates = x_t @ w_ih.T + h @ w_hh.T
    if b_ih is not None:
        gates = gates + b_ih
    if b_hh is not None:
        gates = gates + b_hh
    i, f, g, o = gates.chunk(4, dim=1)
    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c), c


def bilstm_encoder(
    x, lengths, w_ih, w_hh, b_ih, b_hh, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse
):
    T, B, _ = x.shape
    H = w_hh.shape[1]
    mask = (torch.arange(T)[:, None] < lengths[None, :]).unsqueeze(-1)  # [T, B, 1]

    # forward: freeze the state once a sequence is over
    h = c = x.new_zeros(B, H)
    fwd = []
    for t in range(T):
        h_new, c_new = lstm_step(x[t], h, c, w_ih, w_hh, b_ih, b_hh)
        h = torch.where(mask[t], h_new, h)
        c = torch.where(mask[t], c_new, c)
        fwd.append(h_new)
    h_f, c_f = h, c

    # backward: just run the same thing over the time-reversed batch
    x_rev = torch.flip(x, dims=[0])
    h = c = x.new_zeros(B, H)
    bwd = []
    for t in range(T):
        h, c = lstm_step(x_rev[t], h, c, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
        bwd.append(h)
    bwd = torch.flip(torch.stack(bwd), dims=[0])

    output = torch.cat([torch.stack(fwd), bwd], dim=-1) * mask
    return output, (torch.stack([h_f, h]), torch.stack([c_f, c]))
