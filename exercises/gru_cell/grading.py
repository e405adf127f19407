"""How gru_cell is graded: nn.GRUCell's answer on six shapes, and the slips people make,
including the original GRU of Cho et al. (2014), a valid formulation that is not PyTorch's."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import (
    RECURRENT_APIS,
    cell_cases,
    cell_probes,
    gate_orders,
    lone_bias_as_zeros,
    shared_mistakes,
)

_gru_cell = torch.gru_cell  # bound now: learner code cannot swap it later

ORDER = ("r", "z", "n")
OUTPUT = "h_next"
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "h", "w_ih", "w_hh", "b_ih", "b_hh")


def cases(seed: int) -> list[kit.Case]:
    return cell_cases(seed, gates=3, states=("h",))


def reference(
    x: Tensor,
    h: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """h' of nn.GRUCell: blocks r, z, n; the reset gate multiplies (W_hn h + b_hn)."""
    return _gru_cell(x, h, w_ih, w_hh, *lone_bias_as_zeros(b_ih, b_hh))


def variant(*, reset: str = "after", complement: bool = False) -> kit.Model:
    """reset: 'after' (torch), 'before' (W_hn (r * h)), 'outside_bias' (r * (W_hn h) + b_hn);
    complement: h' = z * n + (1 - z) * h."""

    def compute(
        *,
        x: Tensor,
        h: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
    ) -> Tensor:
        xr, xz, xn = F.linear(x, w_ih, b_ih).chunk(3, 1)
        hr, hz, hn = F.linear(h, w_hh, b_hh).chunk(3, 1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        size = h.shape[1]
        w_hn = w_hh[2 * size :]
        b_hn = None if b_hh is None else b_hh[2 * size :]
        if reset == "before":
            hidden = F.linear(r * h, w_hn, b_hn)
        elif reset == "outside_bias":
            hidden = r * F.linear(h, w_hn) + (0 if b_hn is None else b_hn)
        else:
            hidden = r * hn
        n = torch.tanh(xn + hidden)
        return z * n + (1 - z) * h if complement else (1 - z) * n + z * h

    return compute


MISTAKES = [
    *gate_orders(
        "gru",
        ORDER,
        "PyTorch stacks them r,z,n: rows 0:H are the reset gate, H:2H the update gate,"
        " 2H:3H the candidate n. (Keras orders its GRU kernel z,r,h.)",
        explain_zh=(
            "PyTorch 的堆疊順序是 r, z, n：列 `0:H` 是重置閘門，`H:2H` 是更新閘門，"
            "`2H:3H` 是候選值 n。（Keras 的 GRU kernel 順序是 z, r, h。）"
        ),
    ),
    kit.Mistake(
        "gru.update_complement",
        "Your update mixes the other way round: h' = z * n + (1 - z) * h. PyTorch writes"
        " h' = (1 - z) * n + z * h, so z is the share of the OLD state that is kept.",
        zh=(
            "你的更新把兩邊弄反了：h' = z * n + (1 - z) * h。PyTorch 寫成"
            " h' = (1 - z) * n + z * h，所以 z 是「舊」狀態被保留下來的比例。"
        ),
        flags={"complement": True},
    ),
    kit.Mistake(
        "gru.reset_before_matmul",
        "Your reset gate multiplies h before the matmul: n = tanh(W_in x + b_in + W_hn (r * h) +"
        " b_hn). That is the form of Cho et al. 2014 (and Keras reset_after=False). PyTorch"
        " applies it after: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
        zh=(
            "你的重置閘門在矩陣乘法之前就乘上 h：n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)。"
            "這是 Cho 等人 2014 年的形式（Keras 的 reset_after=False 也是）。PyTorch"
            " 在乘法之後才套用：n = tanh(W_in x + b_in + r * (W_hn h + b_hn))。"
        ),
        flags={"reset": "before"},
        published="Cho et al. 2014; Keras reset_after=False",
        published_zh="Cho 等人 2014 年的論文；Keras 的 reset_after=False",
    ),
    kit.Mistake(
        "gru.reset_outside_bias",
        "Your reset gate multiplies W_hn h but not its bias: n = tanh(W_in x + b_in +"
        " r * (W_hn h) + b_hn). PyTorch puts b_hn inside: r * (W_hn h + b_hn).",
        zh=(
            "你的重置閘門乘上了 W_hn h，卻沒有乘上它的偏置：n = tanh(W_in x + b_in +"
            " r * (W_hn h) + b_hn)。PyTorch 把 b_hn 放在括號裡面：r * (W_hn h + b_hn)。"
        ),
        flags={"reset": "outside_bias"},
    ),
    *shared_mistakes(gates=3),
]

PROBES = cell_probes(
    ORDER,
    {"r": "the reset gate r", "z": "the update gate z", "n": "the candidate n"},
    states=("h",),
)
