"""Model solution: the backward pass of a tanh RNN over a whole sequence, in NumPy."""

import numpy as np


def rnn_backward(
    x: np.ndarray,
    h0: np.ndarray,
    Wx: np.ndarray,
    Wh: np.ndarray,
    b: np.ndarray,
    h: np.ndarray,
    dh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    T = x.shape[1]
    dx = np.zeros_like(x)
    dWx = np.zeros_like(Wx)
    dWh = np.zeros_like(Wh)
    db = np.zeros_like(b)
    dnext = np.zeros_like(h0)  # gradient reaching h_t from step t+1 (none after the last step)

    for t in reversed(range(T)):
        prev = h[:, t - 1] if t > 0 else h0  # not h[:, -1] at t = 0
        da = (dh[:, t] + dnext) * (1.0 - h[:, t] ** 2)  # through tanh: h is already activated
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da  # shared weights: every step adds its term
        dWh += prev.T @ da
        db += da.sum(axis=0)
        dnext = da @ Wh.T  # on to h_{t-1}

    return dx, dnext, dWx, dWh, db
