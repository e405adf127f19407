"""tanh' written as 1 - h (the square forgotten)."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    N, T, D = x.shape
    H = h0.shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dh_next = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da = (dh[:, t, :] + dh_next) * (1 - h[:, t, :])
        prev = h0 if t == 0 else h[:, t - 1, :]
        dx[:, t, :] = np.dot(da, Wx.T)
        dWx += np.dot(x[:, t, :].T, da)
        dWh += np.dot(prev.T, da)
        db += da.sum(axis=0)
        dh_next = np.dot(da, Wh.T)
    return dx, dh_next, dWx, dWh, db
