"""LSTM step backward exercise: one LSTM step's gradients by hand, in NumPy.

Grade it with `grade exercise lstm_step_backward` (or `rnnprep grade exercise lstm_step_backward`);
`rnnprep exercise show lstm_step_backward` shows the task, `rnnprep exercise hint
lstm_step_backward` a hint.
"""

import numpy as np


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
    """Gradients of one LSTM step, PyTorch's gate order i, f, g, o.

    The forward was
        a = x @ W_ih.T + h_prev @ W_hh.T + b      (blocks of H columns: i, f, g, o)
        i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
        c = f * c_prev + i * g
        h = o * tanh(c)

    Args:
        dh_next: the upstream gradient on h, [N, H].
        dc_next: the upstream gradient on c (from the next step), [N, H].
        x: the input, [N, I].
        h_prev: the previous hidden state, [N, H].
        c_prev: the previous cell state, [N, H].
        W_ih: input-to-hidden weights, [4H, I] (PyTorch's [out, in] layout).
        W_hh: hidden-to-hidden weights, [4H, H].
        b: bias, [4H].

    Returns:
        (dx, dh_prev, dc_prev, dW_ih, dW_hh, db), float64 arrays shaped like x, h_prev, c_prev,
        W_ih, W_hh and b. Do not modify the inputs.
    """
    raise NotImplementedError("write the LSTM step's backward pass here")
