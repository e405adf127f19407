"""The vanishing/exploding-gradient lab's computation: one seeded forward and backward pass through
a recurrent cell unrolled for T steps, and how large the gradient of the last step's loss is at
every earlier step.

Runs in its own process (`python -m reference.gradient_lab CONFIG_JSON`, one JSON object out),
started by quiz.lab for `rnnprep lab gradients` and the app's lab screen: torch never loads in
the app. L is the last hidden state projected on a fixed random unit vector, so ‖∂L/∂h_T‖ = 1
and ‖∂L/∂h_t‖ says what of the loss's gradient reaches step t through the recurrence alone.
"""

from __future__ import annotations

import json
import math
import sys
from typing import Any

import torch

CANDIDATE = {"rnn_tanh": 0, "rnn_relu": 0, "lstm": 2, "gru": 2}  # g of i,f,g,o; n of r,z,n
KEEP_GATE = {"lstm": 1, "gru": 1}  # f of i,f,g,o; z of r,z,n: the share of the old state kept


def _cell(config: dict[str, Any]) -> torch.nn.Module:
    size, kind = config["hidden_size"], config["cell"]
    if kind == "lstm":
        return torch.nn.LSTMCell(size, size)
    if kind == "gru":
        return torch.nn.GRUCell(size, size)
    return torch.nn.RNNCell(size, size, nonlinearity="relu" if kind == "rnn_relu" else "tanh")


def _param(cell: torch.nn.Module, name: str) -> torch.Tensor:
    value = getattr(cell, name)
    assert isinstance(value, torch.Tensor)
    return value


def _initialise(cell: torch.nn.Module, config: dict[str, Any]) -> None:
    """Each gate block of W_hh as asked; the gate that keeps the state (the LSTM's forget gate f,
    the GRU's update gate z) biased by `forget_bias` through b_ih, its b_hh block zeroed."""
    size = config["hidden_size"]
    with torch.no_grad():
        for block in torch.split(_param(cell, "weight_hh"), size, dim=0):
            if config["init"] == "orthogonal":
                torch.nn.init.orthogonal_(block, gain=config["gain"])
            elif config["init"] == "normal":
                block.normal_(0.0, config["sigma"] / math.sqrt(size))
            else:
                block.copy_(torch.eye(size) * config["gain"])
        keep = KEEP_GATE.get(config["cell"])
        if keep is not None:
            rows = slice(keep * size, (keep + 1) * size)
            _param(cell, "bias_ih")[rows] = config["forget_bias"]
            _param(cell, "bias_hh")[rows] = 0.0


def run(config: dict[str, Any]) -> dict[str, Any]:
    """Per-step gradient norms, the first/last ratio, W_hh's spectral radius, and (with a clip
    norm) the parameters' gradient norm before and after clipping."""
    torch.manual_seed(config["seed"])
    steps, size = config["steps"], config["hidden_size"]
    cell = _cell(config).double()
    _initialise(cell, config)
    xs = (torch.randn(steps, 1, size, dtype=torch.float64) * config["input_scale"]).requires_grad_()
    h = torch.zeros(1, size, dtype=torch.float64)
    c = torch.zeros_like(h)
    states = []
    for t in range(steps):
        if config["cell"] == "lstm":
            h, c = cell(xs[t], (h, c))
        else:
            h = cell(xs[t], h)
        h.retain_grad()
        states.append(h)
    direction = torch.randn(size, dtype=torch.float64)
    loss = (states[-1] @ (direction / direction.norm())).sum()
    loss.backward()
    grad_h = [float(s.grad.norm()) if s.grad is not None else 0.0 for s in states]
    assert xs.grad is not None
    grad_x = [float(g.norm()) for g in xs.grad]
    candidate = torch.split(_param(cell, "weight_hh").detach(), size, dim=0)[
        CANDIDATE[config["cell"]]
    ]
    radius = float(torch.linalg.eigvals(candidate).abs().max())
    result: dict[str, Any] = {
        "config": config,
        "grad_h": grad_h,
        "grad_x": grad_x,
        "ratio_first_last": grad_h[0] / grad_h[-1] if grad_h[-1] else math.inf,
        "spectral_radius": radius,
        "final_state_norm": float(states[-1].norm()),
    }
    if config["clip"] is not None:
        params = [p for p in cell.parameters() if p.grad is not None]
        before = float(torch.nn.utils.clip_grad_norm_(params, config["clip"]))
        grads = [p.grad for p in params if p.grad is not None]
        after = float(torch.linalg.vector_norm(torch.stack([g.norm() for g in grads])))
        result["clip"] = {"max_norm": config["clip"], "before": before, "after": after}
    return result


def _finite(value: Any) -> Any:
    """JSON has no inf or NaN: they travel as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_finite(v) for v in value]
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def main(argv: list[str]) -> int:
    torch.set_num_threads(1)
    print(json.dumps(_finite(run(json.loads(argv[0])))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
