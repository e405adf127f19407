"""dh_prev summed over the three gates i, f, o: the candidate's block of W_hh is left out."""

import numpy as np


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    W_hi, W_hf, _, W_ho = np.split(W_hh, 4, axis=0)
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    i = 1 / (1 + np.exp(-a[:, :H]))
    f = 1 / (1 + np.exp(-a[:, H : 2 * H]))
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = 1 / (1 + np.exp(-a[:, 3 * H :]))
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dc = dc_next + dh_next * o * (1 - tc**2)
    da_i = dc * g * i * (1 - i)
    da_f = dc * c_prev * f * (1 - f)
    da_g = dc * i * (1 - g**2)
    da_o = dh_next * tc * o * (1 - o)
    dh_prev = da_i @ W_hi + da_f @ W_hf + da_o @ W_ho  # the gates' terms
    da = np.concatenate([da_i, da_f, da_g, da_o], axis=1)
    return da @ W_ih, dh_prev, dc * f, da.T @ x, da.T @ h_prev, da.sum(axis=0)
