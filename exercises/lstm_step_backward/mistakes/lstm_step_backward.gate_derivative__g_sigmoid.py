"""The candidate g (a tanh) multiplied by the sigmoid's derivative g * (1 - g)."""

import numpy as np


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    s = 1 / (1 + np.exp(-a))
    i, f, o = s[:, :H], s[:, H : 2 * H], s[:, 3 * H :]
    g = np.tanh(a[:, 2 * H : 3 * H])
    c = f * c_prev + i * g
    t = np.tanh(c)
    dc = dc_next + dh_next * o * (1 - t * t)
    d_i, d_f, d_g, d_o = dc * g, dc * c_prev, dc * i, dh_next * t
    gates = np.concatenate([i, f, g, o], axis=1)
    dgates = np.concatenate([d_i, d_f, d_g, d_o], axis=1)
    da = dgates * gates * (1 - gates)  # one derivative for all four blocks
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h_prev, da.sum(0)
