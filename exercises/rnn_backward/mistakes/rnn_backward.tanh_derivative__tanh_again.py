"""tanh' written as 1 - tanh(h)^2 on the already activated state."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    T = x.shape[1]
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    grad_h = np.zeros_like(h0)
    for t in reversed(range(T)):
        grad_h = grad_h + dh[:, t]
        dtanh = 1 - np.tanh(h[:, t]) ** 2
        da = grad_h * dtanh
        h_prev = h[:, t - 1] if t else h0
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += h_prev.T @ da
        db += da.sum(0)
        grad_h = da @ Wh.T
    return dx, grad_h, dWx, dWh, db
