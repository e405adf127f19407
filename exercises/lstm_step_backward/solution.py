"""Model solution: the backward pass of one LSTM step (PyTorch's gate order), in NumPy."""

import numpy as np


def _sigmoid(z: np.ndarray) -> np.ndarray:
    s: np.ndarray = 1.0 / (1.0 + np.exp(-z))
    return s


def lstm_step_backward(
    dh_next: np.ndarray,
    dc_next: np.ndarray,
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W_ih: np.ndarray,
    W_hh: np.ndarray,
    b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    H = h_prev.shape[1]

    # The forward again: its gates and cell are what the derivatives are taken at.
    a = x @ W_ih.T + h_prev @ W_hh.T + b  # [N, 4H], blocks i, f, g, o
    i = _sigmoid(a[:, :H])
    f = _sigmoid(a[:, H : 2 * H])
    g = np.tanh(a[:, 2 * H : 3 * H])
    o = _sigmoid(a[:, 3 * H :])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)  # h = o * tanh(c)

    # Total gradient on c: from upstream, and from h through tanh(c).
    dc = dc_next + dh_next * o * (1.0 - tanh_c**2)
    do = dh_next * tanh_c
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f

    # Through the activations: sigmoid' = s (1 - s) for i, f, o; tanh' = 1 - g^2 for g.
    da = np.concatenate(
        [di * i * (1.0 - i), df * f * (1.0 - f), dg * (1.0 - g**2), do * o * (1.0 - o)], axis=1
    )

    # a = x W_ih^T + h_prev W_hh^T + b
    dx = da @ W_ih
    dh_prev = da @ W_hh
    dW_ih = da.T @ x
    dW_hh = da.T @ h_prev
    db = da.sum(axis=0)
    return dx, dh_prev, dc_prev, dW_ih, dW_hh, db
