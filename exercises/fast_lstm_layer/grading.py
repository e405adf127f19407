"""Grading of fast_lstm_layer: lstm_layer's contract, judged on values exactly as lstm_layer is
(its cases, reference, variant and probes are used as they are), then on cost: the matmul calls
and FLOPs of one call, counted, against one input projection plus one fused product per step.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from exercises import grading_module, kit
from reference.cellkit import gate_orders, shared_mistakes

_layer = grading_module.load(Path(__file__).resolve().parent.parent / "lstm_layer")

ORDER = ("i", "f", "g", "o")
OUTPUT = _layer.output
FORBIDDEN = tuple(_layer.forbidden)
DIFFERENTIABLE = tuple(_layer.differentiable)
PROBES = tuple(_layer.probes)
reference = _layer.reference
variant = _layer.variant

MISTAKES = [
    *gate_orders(
        "fast_lstm_layer",
        ORDER,
        "PyTorch stacks them i,f,g,o: rows 0:H are the input gate, H:2H the forget gate,"
        " 2H:3H the candidate g, 3H:4H the output gate. Fusing the gates into one matmul keeps"
        " that order: chunk(4, dim=1) gives i, f, g, o.",
        "PyTorch 的堆疊順序是 i, f, g, o：列 `0:H` 是輸入閘門，`H:2H` 是遺忘閘門，"
        "`2H:3H` 是候選值 g，`3H:4H` 是輸出閘門。把閘門融合成一次矩陣乘法時順序不變："
        "chunk(4, dim=1) 得到 i, f, g, o。",
    ),
    *shared_mistakes(gates=4),
]


COST_CASE = "B=4, T=16, I=8, H=16, cost"


def cases(seed: int) -> list[kit.Case]:
    """lstm_layer's cases, and one large enough for the wall-clock ratio to mean something."""
    drawn = _layer.cases(seed)
    gen = kit.generator(seed, len(drawn))
    batch, steps, size, hidden = 4, 16, 8, 16
    bound = kit.init_bound(hidden)
    inputs = {
        "x": torch.randn(steps, batch, size, generator=gen, dtype=torch.float64),
        "hx": tuple(
            torch.randn(1, batch, hidden, generator=gen, dtype=torch.float64) for _ in "hc"
        ),
        "w_ih": kit.uniform(gen, 4 * hidden, size, bound=bound),
        "w_hh": kit.uniform(gen, 4 * hidden, hidden, bound=bound),
        "b_ih": kit.uniform(gen, 4 * hidden, bound=bound),
        "b_hh": kit.uniform(gen, 4 * hidden, bound=bound),
        "batch_first": False,
    }
    return [*drawn, kit.Case(COST_CASE, inputs, time_axes={"output": 0})]


def _steps(inputs: dict[str, Any]) -> int:
    return int(inputs["x"].shape[1 if inputs["batch_first"] else 0])


def _budget(inputs: dict[str, Any]) -> tuple[int, int]:
    """One matmul for the whole input projection, one fused recurrent matmul per step; FLOPs
    2 * m * n * k for each: [T*B, I] x [I, 4H] once, [B, H] x [H, 4H] T times."""
    x, w_ih, w_hh = inputs["x"], inputs["w_ih"], inputs["w_hh"]
    steps, batch = _steps(inputs), x.numel() // (_steps(inputs) * x.shape[-1])
    gates, size, hidden = w_ih.shape[0], w_ih.shape[1], w_hh.shape[1]
    flops = 2 * steps * batch * size * gates + 2 * steps * batch * hidden * gates
    return 1 + steps, flops


# The cost is counted on a case with a given state, so no step can skip its product with h0.
COST = kit.Cost(
    budget=_budget,
    steps=_steps,
    baseline=reference,
    case=COST_CASE,
    over=(
        "Your layer makes more matrix products than it needs. The input projection x W_ih^T"
        " does not depend on the state: compute it for all T steps in one matmul before the"
        " loop (F.linear(x, w_ih) on [T, B, I]); inside the loop make one product per step,"
        " h @ w_hh.T for all four gates at once, and split it with chunk(4, dim=1).",
        "你的層做了多餘的矩陣乘法。輸入投影 x W_ih^T 與狀態無關：在迴圈之前用一次矩陣乘法算出全部"
        " T 個時間步（對 [T, B, I] 做 F.linear(x, w_ih)）；迴圈內每個時間步只做一次乘法，"
        "h @ w_hh.T 一次算出四個閘門，再用 chunk(4, dim=1) 切開。",
    ),
    slips=(
        kit.CostSlip(
            "fast_lstm_layer.per_step_projection",
            "Your loop multiplies x_t by W_ih at every step: two matmuls per step. x W_ih^T does"
            " not depend on h, so fuse it across time: one F.linear(x, w_ih) (or x @ w_ih.T) on"
            " the whole [T, B, I] sequence before the loop, then only h @ w_hh.T inside it. This"
            " is what cuDNN does, and the single large matmul runs far faster than T small ones.",
            "你的迴圈在每個時間步都把 x_t 乘上 W_ih：每步兩次矩陣乘法。x W_ih^T 與 h 無關，"
            "所以可以跨時間融合：在迴圈之前對整個 [T, B, I] 序列做一次 F.linear(x, w_ih)"
            "（或 x @ w_ih.T），迴圈內只剩 h @ w_hh.T。cuDNN 就是這樣做，一次大的矩陣乘法遠快於"
            " T 次小的。",
            matmuls=lambda inputs: 2 * _steps(inputs),
        ),
        kit.CostSlip(
            "fast_lstm_layer.per_gate_matmuls",
            "Your loop makes eight matmuls per step, one per gate for x and one per gate for h, as"
            " the textbook equations are written. The four gate blocks are stacked in w_ih and"
            " w_hh ([4H, I], [4H, H]) precisely so that they can be fused: project all of x"
            " once before the loop, make one h @ w_hh.T per step, and chunk(4, dim=1) the sum"
            " into i, f, g, o.",
            "你的迴圈每個時間步做八次矩陣乘法，照課本公式的寫法，每個閘門對 x 一次、對 h 一次。"
            "w_ih 與 w_hh 把四個閘門區塊堆疊起來（[4H, I]、[4H, H]），正是為了融合：在迴圈之前"
            "一次投影全部的 x，每個時間步做一次 h @ w_hh.T，再把總和用 chunk(4, dim=1) 切成"
            " i, f, g, o。",
            matmuls=lambda inputs: 8 * _steps(inputs),
        ),
        kit.CostSlip(
            "fast_lstm_layer.per_gate_recurrent",
            "Your input projection is one matmul, but the recurrent product is split by gate: four"
            " h @ W_h*^T per step. Fuse them: h @ w_hh.T gives all four gates' [B, 4H] in one"
            " matmul, and chunk(4, dim=1) splits it into i, f, g, o.",
            "你的輸入投影是一次矩陣乘法，但循環的乘積按閘門拆開了：每個時間步四次 h @ W_h*^T。"
            "請把它們融合：h @ w_hh.T 一次矩陣乘法就得到四個閘門的 [B, 4H]，再用"
            " chunk(4, dim=1) 切成 i, f, g, o。",
            matmuls=lambda inputs: 1 + 4 * _steps(inputs),
        ),
    ),
    over_id="fast_lstm_layer.unfused",
)
