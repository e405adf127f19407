import torch


def fast_lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    H = w_hh.shape[1]
    zero = x.new_zeros(4 * H)
    bias = (b_ih if b_ih is not None else zero) + (b_hh if b_hh is not None else zero)
    w_x = w_ih.split(H)  # the textbook's W_xi, W_xf, W_xg, W_xo
    w_h = w_hh.split(H)
    b = bias.split(H)
    if hx is None:
        h = x.new_zeros(x.shape[1], H)
        c = x.new_zeros(x.shape[1], H)
    else:
        h, c = hx[0][0], hx[1][0]
    outputs = []
    for x_t in x:
        i, f, g, o = (x_t @ w_x[k].T + h @ w_h[k].T + b[k] for k in range(4))
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    return (output.transpose(0, 1) if batch_first else output), (h[None], c[None])
