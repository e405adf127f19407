import torch
import torch.nn.functional as F


def fast_lstm_layer(x, hx, w_ih, w_hh, b_ih=None, b_hh=None, batch_first=False):
    seq = x.transpose(0, 1) if batch_first else x
    H = w_hh.shape[1]
    pre = F.linear(seq, w_ih, b_ih)  # the input projection, hoisted: good
    if b_hh is not None:
        pre = pre + b_hh
    blocks = w_hh.chunk(4, dim=0)
    if hx is None:
        h = seq.new_zeros(seq.shape[1], H)
        c = seq.new_zeros(seq.shape[1], H)
    else:
        h, c = hx[0][0], hx[1][0]
    outputs = []
    for pre_t in pre:
        p_i, p_f, p_g, p_o = pre_t.chunk(4, dim=1)
        i = torch.sigmoid(p_i + h @ blocks[0].T)  # but four recurrent matmuls per step
        f = torch.sigmoid(p_f + h @ blocks[1].T)
        g = torch.tanh(p_g + h @ blocks[2].T)
        o = torch.sigmoid(p_o + h @ blocks[3].T)
        c = f * c + i * g
        h = o * torch.tanh(c)
        outputs.append(h)
    output = torch.stack(outputs)
    return (output.transpose(0, 1) if batch_first else output), (h[None], c[None])
