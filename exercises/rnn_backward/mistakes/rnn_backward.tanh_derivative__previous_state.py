"""tanh' taken at the previous state h_{t-1} instead of the state h_t that step produced."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    T = x.shape[1]
    states = np.concatenate([h0[:, None, :], h], axis=1)  # states[:, t] is h_{t-1} for step t
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    carry = np.zeros_like(h0)
    for t in reversed(range(T)):
        prev = states[:, t]
        da = (dh[:, t] + carry) * (1 - prev**2)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += prev.T @ da
        db += da.sum(axis=0)
        carry = da @ Wh.T
    return dx, carry, dWx, dWh, db
