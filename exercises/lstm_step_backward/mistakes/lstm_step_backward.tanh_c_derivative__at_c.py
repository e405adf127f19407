"""The derivative of tanh(c) taken as 1 - c^2 instead of 1 - tanh(c)^2."""

import numpy as np


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a_i, a_f, a_g, a_o = np.split(x @ W_ih.T + h_prev @ W_hh.T + b, 4, axis=1)
    i, f, g, o = sig(a_i), sig(a_f), np.tanh(a_g), sig(a_o)
    c = f * c_prev + i * g
    dc = dc_next + dh_next * o * (1 - c**2)
    da_i = dc * g * i * (1 - i)
    da_f = dc * c_prev * f * (1 - f)
    da_g = dc * i * (1 - g**2)
    da_o = dh_next * np.tanh(c) * o * (1 - o)
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    assert da.shape[1] == 4 * H
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h_prev, np.sum(da, axis=0)
