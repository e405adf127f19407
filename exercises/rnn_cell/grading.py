"""How rnn_cell is graded: nn.RNNCell's answer on six shapes, and the slips people make."""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import (
    RECURRENT_APIS,
    cell_cases,
    cell_probes,
    lone_bias_as_zeros,
    shared_mistakes,
)

_rnn_tanh_cell = torch.rnn_tanh_cell  # bound now: learner code cannot swap it later

OUTPUT = "h_next"
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "h", "w_ih", "w_hh", "b_ih", "b_hh")


def cases(seed: int) -> list[kit.Case]:
    return cell_cases(seed, gates=1, states=("h",))


def reference(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), as nn.RNNCell computes it."""
    return _rnn_tanh_cell(x, h, w_ih, w_hh, *lone_bias_as_zeros(b_ih, b_hh))


def _identity(t: Tensor) -> Tensor:
    return t


ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "tanh": torch.tanh,
    "relu": F.relu,
    "sigmoid": torch.sigmoid,
    "none": _identity,
}


def variant(activation: str = "tanh") -> kit.Model:
    act = ACTIVATIONS[activation]

    def compute(
        *,
        x: Tensor,
        h: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
    ) -> Tensor:
        return act(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))

    return compute


MISTAKES = [
    *(
        kit.Mistake(
            "rnn.wrong_activation",
            f"Your cell applies {name} activation where PyTorch's RNNCell applies tanh:"
            " h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh). (nn.RNN offers nonlinearity='relu',"
            " but this exercise asks for the default tanh.)",
            zh=f"你的單元在 PyTorch 的 RNNCell 用 tanh 的地方{use_zh}："
            "h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)。（nn.RNN 提供"
            " nonlinearity='relu'，但這個練習要的是預設的 tanh。）",
            flags={"activation": flag},
        )
        for name, flag, use_zh in (
            ("ReLU", "relu", "改用了 ReLU 活化函數"),
            ("sigmoid", "sigmoid", "改用了 sigmoid 活化函數"),
            ("no", "none", "沒有用任何活化函數"),
        )
    ),
    *shared_mistakes(gates=1),
]

PROBES = cell_probes(("h",), {"h": "the new state"}, states=("h",))
