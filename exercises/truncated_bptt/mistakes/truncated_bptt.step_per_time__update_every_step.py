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
    w_ih, w_hh, b, w_out = (p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out))
    h = h0
    T = x.shape[0]
    for start in range(0, T, k):
        h = h.detach()
        for t in range(start, min(start + k, T)):
            h = torch.tanh(x[t] @ w_ih.T + h @ w_hh.T + b)
            loss = F.mse_loss(h @ w_out.T, y[t])
            g_ih, g_hh, g_b, g_out = torch.autograd.grad(loss, (w_ih, w_hh, b, w_out))
            with torch.no_grad():  # one update per time step
                w_ih = (w_ih - lr * g_ih).requires_grad_()
                w_hh = (w_hh - lr * g_hh).requires_grad_()
                b = (b - lr * g_b).requires_grad_()
                w_out = (w_out - lr * g_out).requires_grad_()
    return w_ih.detach(), w_hh.detach(), b.detach(), w_out.detach(), h.detach()
