"""CS231n's layout: the blocks read as i, f, o, g, in the forward and in the gradients."""

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    o = sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    c = f * c_prev + i * g
    tc = np.tanh(c)
    dc = dc_next + dh_next * o * (1 - tc**2)
    di = dc * g * i * (1 - i)
    df = dc * c_prev * f * (1 - f)
    do = dh_next * tc * o * (1 - o)
    dg = dc * i * (1 - g**2)
    da = np.hstack((di, df, do, dg))
    return da @ W_ih, da @ W_hh, dc * f, da.T @ x, da.T @ h_prev, np.sum(da, axis=0)
