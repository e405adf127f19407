"""dh_prev through each gate's block of W_hh transposed (runs: every block is [H, H])."""

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
    dc = dc_next + dh_next * o * (1 - tc**2)
    das = [
        dc * g * i * (1 - i),
        dc * c_prev * f * (1 - f),
        dc * i * (1 - g**2),
        dh_next * tc * o * (1 - o),
    ]
    dh_prev = np.zeros_like(h_prev)
    for k, da_k in enumerate(das):
        dh_prev += da_k @ W_hh[k * H : (k + 1) * H].T
    da = np.concatenate(das, axis=1)
    return da @ W_ih, dh_prev, dc * f, da.T @ x, da.T @ h_prev, da.sum(axis=0)
