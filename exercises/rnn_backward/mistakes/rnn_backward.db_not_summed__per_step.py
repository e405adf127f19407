"""da kept for every step, then db summed over the batch axis only: [T, H]."""

import numpy as np


def rnn_backward(x, h0, Wx, Wh, b, h, dh):
    _, T, _ = x.shape
    da_all = np.zeros_like(h)
    dnext = np.zeros_like(h0)
    for t in reversed(range(T)):
        da_all[:, t] = (dh[:, t] + dnext) * (1 - h[:, t] ** 2)
        dnext = da_all[:, t] @ Wh.T
    prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    dx = da_all @ Wx.T
    dWx = np.einsum("ntd,nth->dh", x, da_all)
    dWh = np.einsum("ntk,nth->kh", prev, da_all)
    db = da_all.sum(axis=0)
    return dx, dnext, dWx, dWh, db
