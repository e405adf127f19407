"""CS231n-style step function whose weight gradients are assigned, not summed, over time."""

import numpy as np


def step_backward(dnext, x_t, prev_h, next_h, Wx, Wh):
    da = dnext * (1 - next_h * next_h)
    dx_t = da.dot(Wx.T)
    dprev = da.dot(Wh.T)
    dWx = x_t.T.dot(da)
    dWh = prev_h.T.dot(da)
    db = da.sum(axis=0)
    return dx_t, dprev, dWx, dWh, db


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    _, T, _ = x.shape
    dx = np.zeros(x.shape)
    dh_prev = np.zeros(h0.shape)
    for t in reversed(range(T)):
        prev_h = h[:, t - 1] if t > 0 else h0
        dx[:, t], dh_prev, dWx, dWh, db = step_backward(
            dh[:, t] + dh_prev, x[:, t], prev_h, h[:, t], Wx, Wh
        )
    return dx, dh_prev, dWx, dWh, db
