"""RNN backward exercise: backpropagate through time by hand, in NumPy.

Grade it with `grade exercise rnn_backward` (or `rnnprep grade exercise rnn_backward`);
`rnnprep exercise show rnn_backward` shows the task, `rnnprep exercise hint rnn_backward` a hint.
"""

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
    """Gradients of a tanh RNN whose forward was h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b).

    Args:
        x: inputs, [N, T, D] (batch, time, features).
        h0: the state before the first step, [N, H].
        Wx: input-to-hidden weights, [D, H].
        Wh: hidden-to-hidden weights, [H, H].
        b: bias, [H].
        h: the forward's states h_1 .. h_T, [N, T, H] (h[:, t] is the state after step t).
        dh: the upstream gradient on every state, [N, T, H]: dL/dh[:, t] from the loss alone,
            not counting the path through later steps.

    Returns:
        (dx, dh0, dWx, dWh, db), float64 arrays shaped like x, h0, Wx, Wh and b.
        Do not modify the inputs.
    """
    raise NotImplementedError("write the RNN backward pass here")
