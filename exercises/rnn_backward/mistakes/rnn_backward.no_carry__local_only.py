"""Each step uses only its own dh[:, t]: the gradient from step t+1 is computed but dropped."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    _, T, _ = x.shape
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dh_prev = None
    for t in reversed(range(T)):
        prev = h[:, t - 1] if t > 0 else h0
        da = dh[:, t] * (1 - h[:, t] ** 2)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += prev.T @ da
        db += da.sum(axis=0)
        dh_prev = da @ Wh.T
    return dx, dh_prev, dWx, dWh, db
