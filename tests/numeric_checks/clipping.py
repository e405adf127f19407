"""Checks for numeric questions in clipping.yaml: the real torch.nn.utils clipping functions."""

from __future__ import annotations

import torch
from torch import nn

from . import Check


def _params_with_grads(*grads: list[float]) -> list[nn.Parameter]:
    params = []
    for grad in grads:
        param = nn.Parameter(torch.zeros(len(grad)))
        param.grad = torch.tensor([float(value) for value in grad])
        params.append(param)
    return params


def _value_example(_: dict) -> float:
    (param,) = _params_with_grads([3.0, -0.2, -7.0])
    nn.utils.clip_grad_value_([param], clip_value=1.0)
    return param.grad.sum().item()


def _fixed_scaled(_: dict) -> float:
    params = _params_with_grads([3.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0])
    nn.utils.clip_grad_norm_(params, max_norm=1.0)
    return params[1].grad[1].item()


def _inf_norm(_: dict) -> float:
    params = _params_with_grads([3.0, 0.0, 0.0], [0.0, 4.0, 0.0, 0.0])
    return nn.utils.clip_grad_norm_(params, max_norm=1.0, norm_type="inf").item()


def _total_norm(p: dict) -> float:
    params = _params_with_grads([p["A"], p["B"]], [p["C"]])
    return nn.utils.clip_grad_norm_(params, max_norm=p["M"]).item()


def _scaled_entry(p: dict) -> float:
    params = _params_with_grads([p["A"], p["B"]], [p["C"]])
    nn.utils.clip_grad_norm_(params, max_norm=p["M"])
    return params[0].grad[0].item()


CHECKS: dict[str, Check] = {
    "clipping.value-example": _value_example,
    "clipping.fixed-scaled": _fixed_scaled,
    "clipping.inf-norm": _inf_norm,
    "clipping.total-norm": _total_norm,
    "clipping.scaled-entry": _scaled_entry,
}
