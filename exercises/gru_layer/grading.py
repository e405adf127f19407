"""Grading of gru_layer: a one-layer GRU over a whole sequence, as torch.nn.GRU runs it, and the
slips people make, including the original GRU of Cho et al. (2014), a valid formulation that is
not PyTorch's.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import (
    LAST_STEP_PROBE,
    RECURRENT_APIS,
    cell_probes,
    exactly,
    gate_orders,
    layer_cases,
    shared_mistakes,
    without_hx,
)

# Bound at import: the learner's file cannot change what the reference calls.
_gru = torch.gru
_zeros = torch.zeros
_zeros_like = torch.zeros_like
_stack = torch.stack
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_linear = F.linear

ORDER = ("r", "z", "n")
OUTPUT = ("output", "h_n")
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "hx", "w_ih", "w_hh", "b_ih", "b_hh")

Result = tuple[Tensor, Tensor]


def reference(
    x: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> Result:
    """torch's own GRU with the learner's weights: (output, h_n) as nn.GRU returns them."""
    if hx is None:
        batch = x.shape[0 if batch_first else 1]
        hx = _zeros(1, batch, w_hh.shape[1], dtype=x.dtype, device=x.device)
    params = [w_ih, w_hh]
    # A bias given alone is added, the missing one counts as zero.
    if b_ih is not None:
        params += [b_ih, b_hh if b_hh is not None else _zeros_like(b_ih)]
    elif b_hh is not None:
        params += [_zeros_like(b_hh), b_hh]
    # train=True with dropout 0 computes what eval does; cuDNN runs backward only in training mode.
    args = (x, hx, params, len(params) == 4, 1, 0.0, True, False, batch_first)
    output, h_n = exactly(_gru, *args, cuda=x.is_cuda)
    return output, h_n


def variant(
    *,
    final: str = "last",
    carry: bool = True,
    batch_axes: str = "as_given",
    reset: str = "after",
    complement: bool = False,
) -> kit.Model:
    """The layer written as a loop over time steps, with slips switched on by the flags.

    final: "last" (right), "first" (h_n of step 0), "stacked" (every step's h, [T, B, H]),
        "squeezed" (the last h without the leading layer axis, [B, H]).
    carry: False keeps h0 as the previous hidden state at every step.
    batch_axes: "as_given" (right), "time_first" (batch_first ignored: axis 0 read as time),
        "not_restored" (a batch_first input transposed in, the output left time-first).
    reset: "after" (torch: r * (W_hn h + b_hn)), "before" (Cho et al.: W_hn (r * h) + b_hn),
        "outside_bias" (r * (W_hn h) + b_hn).
    complement: h' = z * n + (1 - z) * h instead of (1 - z) * n + z * h.
    """

    def compute(
        *,
        x: Tensor,
        hx: Tensor | None,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None = None,
        b_hh: Tensor | None = None,
        batch_first: bool = False,
    ) -> Any:
        seq = x.transpose(0, 1) if batch_first and batch_axes != "time_first" else x
        steps, batch = seq.shape[0], seq.shape[1]
        size = w_hh.shape[1]
        h = _zeros(batch, size, dtype=x.dtype, device=x.device) if hx is None else hx[0]
        h_start = h
        w_hn = w_hh[2 * size :]
        b_hn = None if b_hh is None else b_hh[2 * size :]
        hs: list[Tensor] = []
        for t in range(steps):
            prev = h if carry else h_start
            xr, xz, xn = _linear(seq[t], w_ih, b_ih).chunk(3, dim=-1)
            hr, hz, hn = _linear(prev, w_hh, b_hh).chunk(3, dim=-1)
            r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
            if reset == "before":
                hidden = _linear(r * prev, w_hn, b_hn)
            elif reset == "outside_bias":
                hidden = r * _linear(prev, w_hn)
                if b_hn is not None:
                    hidden = hidden + b_hn
            else:
                hidden = r * hn
            n = _tanh(xn + hidden)
            h = z * n + (1 - z) * prev if complement else (1 - z) * n + z * prev
            hs.append(h)
        output = _stack(hs)
        if batch_first and batch_axes == "as_given":
            output = output.transpose(0, 1)
        if final == "first":
            h_n = hs[0][None]
        elif final == "stacked":
            h_n = _stack(hs)
        elif final == "squeezed":
            h_n = hs[-1]
        else:
            h_n = hs[-1][None]
        return output, h_n

    return compute


# -- the cases -----------------------------------------------------------------------------------


def cases(seed: int) -> list[kit.Case]:
    """x and h0 ~ N(0, 1) times the scale; weights and biases ~ U(-1/sqrt(H), 1/sqrt(H))."""
    return layer_cases(seed, gates=3, cell=False)


# -- the mistakes --------------------------------------------------------------------------------


MISTAKES = [
    kit.Mistake(
        "gru_layer.final_from_first",
        "Your h_n is the hidden state after the FIRST time step. nn.GRU returns the state after"
        " the last step (h_n[0] equals output at the last time step), the summary of the whole"
        " sequence that a classifier or a decoder reads.",
        zh=(
            "你的 h_n 是「第一個」時間步之後的隱藏狀態。nn.GRU 回傳的是最後一步之後的狀態（h_n[0] "
            "等於 output 在最後一個時間步的值），也就是分類器或解碼器讀取的整條序列的摘要。"
        ),
        flags={"final": "first"},
    ),
    kit.Mistake(
        "gru_layer.states_stacked",
        "Your h_n holds the hidden state of every time step, [T, B, H]. nn.GRU returns only the"
        " final state, shaped [num_layers * directions, B, H] = [1, B, H]; the per-step hidden"
        " states are already in `output`.",
        zh=(
            "你的 h_n 裝了每個時間步的隱藏狀態，形狀是 [T, B, H]。nn.GRU 只回傳最終狀態，形狀為 "
            "[num_layers * directions, B, H] = [1, B, H]；每一步的隱藏狀態已經在 `output` 裡了。"
        ),
        flags={"final": "stacked"},
    ),
    kit.Mistake(
        "gru_layer.states_squeezed",
        "Your h_n is [B, H]: the leading layer axis is missing. nn.GRU always returns it as"
        " [num_layers * directions, B, H], here [1, B, H], so add it back with h.unsqueeze(0).",
        zh=(
            "你的 h_n 是 [B, H]：少了最前面的層軸。nn.GRU 一律以 [num_layers * directions, B, H] "
            "回傳它，這裡是 [1, B, H]，所以要用 h.unsqueeze(0) 把這個軸加回去。"
        ),
        flags={"final": "squeezed"},
    ),
    kit.Mistake(
        "gru_layer.ignores_h0",
        "Your layer starts from a zero state even when hx is given. Zeros are only the default"
        " for hx=None; a given hx[0] is the hidden state before the first step (a stateful model"
        " or a decoder started from an encoder's final state relies on it).",
        zh=(
            "即使給了 hx，你的層仍從零狀態開始。零只是 hx=None 時的預設值；給定的 hx[0] 就是第一步"
            "之前的隱藏狀態（有狀態的模型，或從編碼器最終狀態開始的解碼器，都靠這一點）。"
        ),
        transform=without_hx,
    ),
    kit.Mistake(
        "gru_layer.state_not_carried",
        "Every step of your loop starts again from h0: the new hidden state is stored but never"
        " becomes the previous state of the next step. h_t must feed the gates and the update"
        " of step t + 1; that is what makes the layer recurrent.",
        zh=(
            "你的迴圈每一步都重新從 h0 開始：新的隱藏狀態存了下來，卻從沒成為下一步的前一個狀態。"
            "h_t 必須送進第 t + 1 步的閘門與更新；正是這一點讓這一層成為循環層。"
        ),
        flags={"carry": False},
    ),
    kit.Mistake(
        "gru_layer.batch_first_axes",
        "With batch_first=True your code still reads x as [T, B, I], so axis 0 (the batch) is"
        " taken for time. batch_first=True means x is [B, T, I]: step t is x[:, t], and output"
        " is [B, T, H] (h_n stays [1, B, H]).",
        zh=(
            "在 batch_first=True 時，你的程式碼仍把 x 當成 [T, B, I] 來讀，於是第 0 軸（批次）被當"
            "成了時間。batch_first=True 表示 x 是 [B, T, I]：第 t 步是 x[:, t]，而 output 是 [B, "
            "T, H]（h_n 仍是 [1, B, H]）。"
        ),
        flags={"batch_axes": "time_first"},
    ),
    kit.Mistake(
        "gru_layer.batch_first_axes",
        "With batch_first=True your output is [T, B, H]: the input was transposed to time-first"
        " for the loop but the output was not transposed back. nn.GRU returns [B, T, H] when"
        " batch_first=True (h_n stays [1, B, H] either way).",
        zh=(
            "在 batch_first=True 時，你的 output 是 [T, B, H]：輸入為了迴圈轉置成時間在前，輸出卻"
            "沒有轉置回來。batch_first=True 時 nn.GRU 回傳 [B, T, H]（h_n 無論如何都是 [1, B, H]）"
            "。"
        ),
        flags={"batch_axes": "not_restored"},
    ),
    kit.Mistake(
        "gru_layer.update_complement",
        "Your update mixes the other way round: h_t = z * n + (1 - z) * h_{t-1}. PyTorch writes"
        " h_t = (1 - z) * n + z * h_{t-1}, so z is the share of the OLD state that is kept.",
        zh=(
            "你的更新把兩邊混反了：h_t = z * n + (1 - z) * h_{t-1}。PyTorch 寫的是 h_t = (1 - z) * "
            "n + z * h_{t-1}，所以 z 是「舊」狀態被保留的比例。"
        ),
        flags={"complement": True},
    ),
    kit.Mistake(
        "gru_layer.reset_before_matmul",
        "Your reset gate multiplies h before the matmul: n = tanh(W_in x + b_in + W_hn (r * h) +"
        " b_hn). That is the form of Cho et al. 2014 (and Keras reset_after=False). PyTorch"
        " applies it after: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
        zh=(
            "你的重置閘門在矩陣乘法之前就乘上了 h：n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)。"
            "這是 Cho 等人 2014 年的形式（也是 Keras reset_after=False 的形式）。PyTorch 則套用在"
            "之後：n = tanh(W_in x + b_in + r * (W_hn h + b_hn))。"
        ),
        flags={"reset": "before"},
        published="Cho et al. 2014; Keras reset_after=False",
        published_zh="Cho 等人 2014 年的原始 GRU；Keras 的 reset_after=False",
    ),
    kit.Mistake(
        "gru_layer.reset_outside_bias",
        "Your reset gate multiplies W_hn h but not its bias: n = tanh(W_in x + b_in +"
        " r * (W_hn h) + b_hn). PyTorch puts b_hn inside: r * (W_hn h + b_hn).",
        zh=(
            "你的重置閘門乘上了 W_hn h，卻沒有乘上它的偏置：n = tanh(W_in x + b_in + r * (W_hn h) "
            "+ b_hn)。PyTorch 把 b_hn 放在裡面：r * (W_hn h + b_hn)。"
        ),
        flags={"reset": "outside_bias"},
    ),
    *gate_orders(
        "gru_layer",
        ORDER,
        "PyTorch stacks them r,z,n: rows 0:H are the reset gate, H:2H the update gate,"
        " 2H:3H the candidate n. (Keras orders its GRU kernel z,r,h.)",
        "在 PyTorch 中，它們的順序是 r, z, n：第 0 到 H 列是重置閘門，H 到 2H 列是更新閘門，2H 到"
        " 3H 列是候選值 n。（Keras 的 GRU kernel 順序是 z, r, h。）",
    ),
    *shared_mistakes(gates=3),
]


# -- structural probes ---------------------------------------------------------------------------


def _shift_h0(inputs: dict[str, Any]) -> dict[str, Any]:
    if inputs["hx"] is None:
        return inputs
    return {**inputs, "hx": inputs["hx"] + 0.5}


PROBES = [
    *cell_probes(
        ORDER,
        {"r": "the reset gate r", "z": "the update gate z", "n": "the candidate n"},
        states=(),
        names_zh={"r": "重置閘門 r", "z": "更新閘門 z", "n": "候選值 n"},
    ),
    kit.Probe(
        "structure.ignores_hidden",
        "the initial hidden state h0 (hx[0])",
        _shift_h0,
        part_zh="初始隱藏狀態 h0（hx[0]）",
    ),
    LAST_STEP_PROBE,
]
