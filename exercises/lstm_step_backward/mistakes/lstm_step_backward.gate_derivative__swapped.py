"""The two derivatives swapped: 1 - s^2 for i, f, o and g * (1 - g) for the candidate."""

import numpy as np


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    a = x @ W_ih.T + h_prev @ W_hh.T + b
    ai, af, ag, ao = (a[:, k * H : (k + 1) * H] for k in range(4))
    i, f, o = (1 / (1 + np.exp(-v)) for v in (ai, af, ao))
    g = np.tanh(ag)
    c = f * c_prev + i * g
    dc = dc_next + dh_next * o * (1 - np.tanh(c) ** 2)
    dai = dc * g * (1 - i**2)
    daf = dc * c_prev * (1 - f**2)
    dag = dc * i * g * (1 - g)
    dao = dh_next * np.tanh(c) * (1 - o**2)
    da = np.hstack((dai, daf, dag, dao))
    return da @ W_ih, da @ W_hh, f * dc, da.T @ x, da.T @ h_prev, da.sum(axis=0)
