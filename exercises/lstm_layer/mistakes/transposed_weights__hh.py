import torch


def lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    if batch_first:
        x = x.transpose(0, 1)
    T, B, _ = x.shape
    H = w_hh.shape[1]
    if hx is None:
        h = torch.zeros(B, H, dtype=x.dtype, device=x.device)
        c = torch.zeros(B, H, dtype=x.dtype, device=x.device)
    else:
        h, c = hx[0][0], hx[1][0]
    W_xi, W_xf, W_xg, W_xo = w_ih.chunk(4, dim=0)
    W_hi, W_hf, W_hg, W_ho = w_hh.chunk(4, dim=0)
    zero = torch.zeros(4 * H, dtype=x.dtype, device=x.device)
    b = (b_ih if b_ih is not None else zero) + (b_hh if b_hh is not None else zero)
    b_i, b_f, b_g, b_o = b.chunk(4)
    outputs = []
    for t in range(T):
        x_t = x[t]
        # the recurrent blocks are square, so h @ W fits without a transpose
        i = torch.sigmoid(x_t @ W_xi.T + h @ W_hi + b_i)
        f = torch.sigmoid(x_t @ W_xf.T + h @ W_hf + b_f)
        g = torch.tanh(x_t @ W_xg.T + h @ W_hg + b_g)
        o = torch.sigmoid(x_t @ W_xo.T + h @ W_ho + b_o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    if batch_first:
        output = output.transpose(0, 1)
    return output, (h.unsqueeze(0), c.unsqueeze(0))
