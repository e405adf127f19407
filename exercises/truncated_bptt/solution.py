"""Model solution: a chunk loop on torch autograd, the state detached at every chunk boundary."""

import torch
import torch.nn.functional as F
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
    # Own copies that autograd tracks: the caller's tensors stay as they are.
    params = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
    h = h0
    T = x.shape[0]
    for start in range(0, T, k):  # the last chunk is shorter when k does not divide T
        h = h.detach()  # same values, no graph: the gradient stops at the chunk boundary
        w_i, w_h, bias, w_o = params
        predictions = []
        for t in range(start, min(start + k, T)):
            h = torch.tanh(x[t] @ w_i.T + h @ w_h.T + bias)
            predictions.append(h @ w_o.T)
        loss = F.mse_loss(torch.stack(predictions), y[start : start + k])  # mean over the chunk
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():  # plain SGD, out of place: new tensors for the next chunk
            params = [(p - lr * g).requires_grad_() for p, g in zip(params, grads, strict=True)]
    w_ih_new, w_hh_new, b_new, w_out_new = (p.detach() for p in params)
    return w_ih_new, w_hh_new, b_new, w_out_new, h.detach()
