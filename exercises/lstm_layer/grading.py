"""Grading of lstm_layer: a one-layer LSTM over a whole sequence, as torch.nn.LSTM runs it.

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
_lstm = torch.lstm
_zeros = torch.zeros
_zeros_like = torch.zeros_like
_stack = torch.stack
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_linear = F.linear

ORDER = ("i", "f", "g", "o")
OUTPUT = ("output", ("h_n", "c_n"))
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "hx", "w_ih", "w_hh", "b_ih", "b_hh")

Result = tuple[Tensor, tuple[Tensor, Tensor]]
State = tuple[Tensor, Tensor] | None


def reference(
    x: Tensor,
    hx: State,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> Result:
    """torch's own LSTM with the learner's weights: (output, (h_n, c_n)) as nn.LSTM returns them."""
    if hx is None:
        batch = x.shape[0 if batch_first else 1]
        zeros = _zeros(1, batch, w_hh.shape[1], dtype=x.dtype, device=x.device)
        hx = (zeros, zeros)
    params = [w_ih, w_hh]
    # A bias given alone is added, the missing one counts as zero.
    if b_ih is not None:
        params += [b_ih, b_hh if b_hh is not None else _zeros_like(b_ih)]
    elif b_hh is not None:
        params += [_zeros_like(b_hh), b_hh]
    # train=True with dropout 0 computes what eval does; cuDNN runs backward only in training mode.
    args = (x, hx, params, len(params) == 4, 1, 0.0, True, False, batch_first)
    output, h_n, c_n = exactly(_lstm, *args, cuda=x.is_cuda)
    return output, (h_n, c_n)


def variant(
    *, final: str = "last", carry_cell: bool = True, batch_axes: str = "as_given"
) -> kit.Model:
    """The layer written as a loop over time steps, with slips switched on by the flags.

    final: "last" (right), "first" (h_n, c_n of step 0), "stacked" (every step's states,
        [T, B, H]), "squeezed" (the last states without the leading layer axis, [B, H]).
    carry_cell: False keeps c0 as the previous cell state at every step.
    batch_axes: "as_given" (right), "time_first" (batch_first ignored: axis 0 read as time),
        "not_restored" (a batch_first input transposed in, the output left time-first).
    """

    def compute(
        *,
        x: Tensor,
        hx: State,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None = None,
        b_hh: Tensor | None = None,
        batch_first: bool = False,
    ) -> Any:
        seq = x.transpose(0, 1) if batch_first and batch_axes != "time_first" else x
        steps, batch = seq.shape[0], seq.shape[1]
        if hx is None:
            h = _zeros(batch, w_hh.shape[1], dtype=x.dtype, device=x.device)
            c = h
        else:
            h, c = hx[0][0], hx[1][0]
        c_start = c
        hs: list[Tensor] = []
        cs: list[Tensor] = []
        for t in range(steps):
            gates = _linear(seq[t], w_ih, b_ih) + _linear(h, w_hh, b_hh)
            i, f, g, o = gates.chunk(4, dim=-1)
            c = _sigmoid(f) * (c if carry_cell else c_start) + _sigmoid(i) * _tanh(g)
            h = _sigmoid(o) * _tanh(c)
            hs.append(h)
            cs.append(c)
        output = _stack(hs)
        if batch_first and batch_axes == "as_given":
            output = output.transpose(0, 1)
        if final == "first":
            states = (hs[0][None], cs[0][None])
        elif final == "stacked":
            states = (_stack(hs), _stack(cs))
        elif final == "squeezed":
            states = (hs[-1], cs[-1])
        else:
            states = (hs[-1][None], cs[-1][None])
        return output, states

    return compute


# -- the cases -----------------------------------------------------------------------------------


def cases(seed: int) -> list[kit.Case]:
    """x, h0 and c0 ~ N(0, 1) times the scale; weights and biases ~ U(-1/sqrt(H), 1/sqrt(H))."""
    return layer_cases(seed, gates=4, cell=True)


# -- the mistakes --------------------------------------------------------------------------------


MISTAKES = [
    kit.Mistake(
        "lstm_layer.final_from_first",
        "Your h_n and c_n are the states after the FIRST time step. nn.LSTM returns the states"
        " after the last step (h_n equals output at the last time step), the summary of the whole"
        " sequence that a classifier or a decoder reads.",
        zh=(
            "你的 h_n 與 c_n 是「第一個」時間步之後的狀態。nn.LSTM 回傳的是最後一步之後的狀態（h_n "
            "等於 output 在最後一個時間步的值），也就是分類器或解碼器讀取的整條序列的摘要。"
        ),
        flags={"final": "first"},
    ),
    kit.Mistake(
        "lstm_layer.states_stacked",
        "Your h_n and c_n hold the states of every time step, [T, B, H]. nn.LSTM returns only"
        " the final states, shaped [num_layers * directions, B, H] = [1, B, H]; the per-step"
        " hidden states are already in `output`.",
        zh=(
            "你的 h_n 與 c_n 裝了每個時間步的狀態，形狀是 [T, B, H]。nn.LSTM 只回傳最終狀態，形狀"
            "為 [num_layers * directions, B, H] = [1, B, H]；每一步的隱藏狀態已經在 `output` 裡了"
            "。"
        ),
        flags={"final": "stacked"},
    ),
    kit.Mistake(
        "lstm_layer.states_squeezed",
        "Your h_n and c_n are [B, H]: the leading layer axis is missing. nn.LSTM always returns"
        " them as [num_layers * directions, B, H], here [1, B, H], so add it back with"
        " h.unsqueeze(0).",
        zh=(
            "你的 h_n 與 c_n 是 [B, H]：少了最前面的層軸。nn.LSTM 一律以 [num_layers * directions, "
            "B, H] 回傳它們，這裡是 [1, B, H]，所以要用 h.unsqueeze(0) 把這個軸加回去。"
        ),
        flags={"final": "squeezed"},
    ),
    kit.Mistake(
        "lstm_layer.ignores_h0",
        "Your layer starts from zero states even when hx = (h0, c0) is given. Zeros are only the"
        " default for hx=None; a given h0 and c0 are the states before the first step (a"
        " stateful model or a decoder started from an encoder's final states relies on it).",
        zh=(
            "即使給了 hx = (h0, c0)，你的層仍從零狀態開始。零只是 hx=None 時的預設值；給定的 h0 與 "
            "c0 就是第一步之前的狀態（有狀態的模型，或從編碼器最終狀態開始的解碼器，都靠這一點）。"
        ),
        transform=without_hx,
    ),
    kit.Mistake(
        "lstm_layer.cell_not_carried",
        "Your loop carries h from step to step but not c: every step starts again from c0. The"
        " new cell state c_t = f * c_{t-1} + i * g must become the previous cell state of the"
        " next step; the cell is the LSTM's long-term memory.",
        zh=(
            "你的迴圈把 h 一步一步往下帶，c 卻沒有：每一步都重新從 c0 開始。新的記憶單元狀態 c_t = "
            "f * c_{t-1} + i * g 必須成為下一步的前一個記憶單元狀態；記憶單元正是 LSTM 的長期記憶"
            "。"
        ),
        flags={"carry_cell": False},
    ),
    kit.Mistake(
        "lstm_layer.batch_first_axes",
        "With batch_first=True your code still reads x as [T, B, I], so axis 0 (the batch) is"
        " taken for time. batch_first=True means x is [B, T, I]: step t is x[:, t], and output"
        " is [B, T, H] (h_n and c_n stay [1, B, H]).",
        zh=(
            "在 batch_first=True 時，你的程式碼仍把 x 當成 [T, B, I] 來讀，於是第 0 軸（批次）被當"
            "成了時間。batch_first=True 表示 x 是 [B, T, I]：第 t 步是 x[:, t]，而 output 是 [B, "
            "T, H]（h_n 與 c_n 仍是 [1, B, H]）。"
        ),
        flags={"batch_axes": "time_first"},
    ),
    kit.Mistake(
        "lstm_layer.batch_first_axes",
        "With batch_first=True your output is [T, B, H]: the input was transposed to time-first"
        " for the loop but the output was not transposed back. nn.LSTM returns [B, T, H] when"
        " batch_first=True (h_n and c_n stay [1, B, H] either way).",
        zh=(
            "在 batch_first=True 時，你的 output 是 [T, B, H]：輸入為了迴圈轉置成時間在前，輸出卻"
            "沒有轉置回來。batch_first=True 時 nn.LSTM 回傳 [B, T, H]（h_n 與 c_n 無論如何都是 [1, "
            "B, H]）。"
        ),
        flags={"batch_axes": "not_restored"},
    ),
    *gate_orders(
        "lstm_layer",
        ORDER,
        "PyTorch stacks them i,f,g,o: rows 0:H are the input gate, H:2H the forget gate,"
        " 2H:3H the candidate g, 3H:4H the output gate. (CS231n's notes use i,f,o,g, so"
        " copied code often has this slip.)",
        "在 PyTorch 中，它們的順序是 i, f, g, o：第 0 到 H 列是輸入閘門，H 到 2H 列是遺忘閘門，"
        "2H 到 3H 列是候選值 g，3H 到 4H 列是輸出閘門。（CS231n 的講義用 i, f, o, g，所以抄來的"
        "程式碼常有這個錯誤。）",
    ),
    *shared_mistakes(gates=4),
]


# -- structural probes ---------------------------------------------------------------------------


def _shift_c0(inputs: dict[str, Any]) -> dict[str, Any]:
    if inputs["hx"] is None:
        return inputs
    h0, c0 = inputs["hx"]
    return {**inputs, "hx": (h0, c0 + 0.5)}


def _shift_h0(inputs: dict[str, Any]) -> dict[str, Any]:
    if inputs["hx"] is None:
        return inputs
    h0, c0 = inputs["hx"]
    return {**inputs, "hx": (h0 + 0.5, c0)}


PROBES = [
    *cell_probes(
        ORDER,
        {
            "i": "the input gate i",
            "f": "the forget gate f",
            "g": "the candidate g",
            "o": "the output gate o",
        },
        states=(),
        names_zh={"i": "輸入閘門 i", "f": "遺忘閘門 f", "g": "候選值 g", "o": "輸出閘門 o"},
    ),
    kit.Probe(
        "structure.ignores_cell",
        "the initial cell state c0 (hx[1])",
        _shift_c0,
        part_zh="初始記憶單元狀態 c0（hx[1]）",
    ),
    kit.Probe(
        "structure.ignores_hidden",
        "the initial hidden state h0 (hx[0])",
        _shift_h0,
        part_zh="初始隱藏狀態 h0（hx[0]）",
    ),
    LAST_STEP_PROBE,
]
