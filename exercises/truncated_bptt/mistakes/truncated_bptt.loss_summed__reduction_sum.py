import torch
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
    params = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
    h = h0
    T = x.shape[0]
    for start in range(0, T, k):
        h = h.detach()
        w_i, w_h, bias, w_o = params
        outs = []
        for t in range(start, min(start + k, T)):
            h = torch.tanh(x[t] @ w_i.T + h @ w_h.T + bias)
            outs.append(h @ w_o.T)
        loss = ((torch.stack(outs) - y[start : start + k]) ** 2).sum()
        grads = torch.autograd.grad(loss, params)
        params = [
            (p - lr * g).detach().requires_grad_() for p, g in zip(params, grads, strict=True)
        ]
    return (*(p.detach() for p in params), h.detach())
