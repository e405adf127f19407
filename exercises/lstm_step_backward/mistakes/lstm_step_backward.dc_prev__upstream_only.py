"""dc_prev = dc_next * f: the part of dc that came through h is not carried back."""

import numpy as np


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    i = 1 / (1 + np.exp(-a[:, :H]))
    f = 1 / (1 + np.exp(-a[:, H : 2 * H]))
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = 1 / (1 + np.exp(-a[:, 3 * H :]))
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dc_prev = dc_next * f
    dc = dc_next + dh_next * o * (1 - tc**2)
    da = np.concatenate(
        [
            dc * g * i * (1 - i),
            dc * c_prev * f * (1 - f),
            dc * i * (1 - g**2),
            dh_next * tc * o * (1 - o),
        ],
        axis=1,
    )
    return da @ W_ih, da @ W_hh, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)
