"""Truncated BPTT: train a small tanh RNN on one long sequence, chunk by chunk.

Grade it with `grade exercise truncated_bptt` (or `rnnprep grade exercise truncated_bptt`);
`rnnprep exercise show truncated_bptt` shows the task, `rnnprep exercise hint truncated_bptt` a
hint.
"""

import torch  # noqa: F401  (you will need it)
import torch.nn.functional as F  # noqa: F401  (F.mse_loss)
from torch import Tensor


def truncated_bptt(
    x: Tensor,
    y: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b: Tensor,
    w_out: Tensor,
    h0: Tensor,
    k: int,
    lr: float,
) -> tuple[Tensor, Tensor, Tensor, Tensor, Tensor]:
    """Train h_t = tanh(x_t W_ih^T + h_{t-1} W_hh^T + b), y_hat_t = h_t W_out^T on one
    sequence with truncated BPTT: chunks of k steps (the last may be shorter), the loss
    F.mse_loss over each chunk, one SGD step p <- p - lr * grad per chunk, the hidden state
    carried into the next chunk and detached there.

    Args:
        x: the input sequence, [T, B, I].
        y: the targets, [T, B, O].
        w_ih: input-to-hidden weights, [H, I].
        w_hh: hidden-to-hidden weights, [H, H].
        b: the bias, [H].
        w_out: hidden-to-output weights, [O, H].
        h0: the hidden state before the first step, [B, H].
        k: the chunk length, k >= 1.
        lr: the learning rate.

    Returns:
        (w_ih, w_hh, b, w_out, h_T): the parameters after the last update, as new tensors, and
        the hidden state after step T, [B, H]; same dtype and device as x. Do not modify the
        inputs: train copies (w_ih.detach().clone().requires_grad_()).
    """
    raise NotImplementedError("write truncated_bptt here")
