"""dh_next goes only into the output gate: dc = dc_next, the path through tanh(c) is missing."""

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    i, f, g, o = (
        sigmoid(a[:, :H]),
        sigmoid(a[:, H : 2 * H]),
        np.tanh(a[:, 2 * H : 3 * H]),
        sigmoid(a[:, 3 * H :]),
    )
    c = f * c_prev + i * g
    do = dh_next * np.tanh(c)
    dc = dc_next
    da = np.hstack(
        [dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g**2), do * o * (1 - o)]
    )
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h_prev, da.sum(axis=0)
