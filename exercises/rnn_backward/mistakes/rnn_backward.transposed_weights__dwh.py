"""dWh accumulated as da^T h_{t-1}: the transpose of the right term (same shape)."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    T = x.shape[1]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        da = (dh[:, t] + dnext) * (1.0 - np.square(h[:, t]))
        prev = h0 if t == 0 else h[:, t - 1]
        dx[:, t] = da.dot(Wx.T)
        dWx += x[:, t].T.dot(da)
        dWh += da.T.dot(prev)
        db += da.sum(axis=0)
        dnext = da.dot(Wh.T)
    return dx, dnext, dWx, dWh, db
