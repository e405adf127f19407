"""db averaged over the batch instead of summed."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    T = x.shape[1]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        da = (dh[:, t] + dnext) * (1 - h[:, t] ** 2)
        prev = h[:, t - 1] if t > 0 else h0
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += prev.T @ da
        db += da.mean(axis=0)
        dnext = da @ Wh.T
    return dx, dnext, dWx, dWh, db
