"""dWh assigned in the loop instead of accumulated: only step 0's term survives."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    _, T, _ = x.shape
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dprev = np.zeros_like(h0)
    for t in range(T - 1, -1, -1):
        prev_h = h0 if t == 0 else h[:, t - 1]
        da = (dh[:, t] + dprev) * (1 - h[:, t] ** 2)
        dx[:, t, :] = da @ Wx.T
        dWx += x[:, t, :].T @ da
        dWh = prev_h.T @ da
        db += np.sum(da, axis=0)
        dprev = da @ Wh.T
    return dx, dprev, dWx, dWh, db
