"""dh_next * o added to dc without the derivative of tanh(c)."""

import numpy as np


def lstm_step_backward(dh_next, dc_next, x, h_prev, c_prev, W_ih, W_hh, b):
    H = h_prev.shape[1]
    z = x.dot(W_ih.T) + h_prev.dot(W_hh.T) + b
    i = 1 / (1 + np.exp(-z[:, 0:H]))
    f = 1 / (1 + np.exp(-z[:, H : 2 * H]))
    g = np.tanh(z[:, 2 * H : 3 * H])
    o = 1 / (1 + np.exp(-z[:, 3 * H : 4 * H]))
    c = f * c_prev + i * g
    dc = dc_next + dh_next * o
    dz = np.zeros_like(z)
    dz[:, 0:H] = dc * g * i * (1 - i)
    dz[:, H : 2 * H] = dc * c_prev * f * (1 - f)
    dz[:, 2 * H : 3 * H] = dc * i * (1 - g * g)
    dz[:, 3 * H : 4 * H] = dh_next * np.tanh(c) * o * (1 - o)
    return dz.dot(W_ih), dz.dot(W_hh), dc * f, dz.T.dot(x), dz.T.dot(h_prev), dz.sum(axis=0)
