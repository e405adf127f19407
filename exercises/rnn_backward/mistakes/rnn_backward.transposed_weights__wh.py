"""The gradient goes back to h_{t-1} through Wh instead of Wh.T (runs: Wh is square)."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    T = x.shape[1]
    dx = np.empty_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dnext = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        da = (dh[:, t] + dnext) * (1 - h[:, t] ** 2)
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += prev.T @ da
        db += da.sum(axis=0)
        dnext = da @ Wh
    return dx, dnext, dWx, dWh, db
