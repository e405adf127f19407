"""Grading of lstm_step_backward: one LSTM step's backward pass, written by hand in NumPy.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means). The
learner gets NumPy arrays; the answer is torch autograd's through torch's own LSTM cell, on the
step rebuilt from the leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_lstm_cell = torch.lstm_cell
_grad = torch.autograd.grad
_enable_grad = torch.enable_grad
_zeros_like = torch.zeros_like
_randn = torch.randn
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_cat = torch.cat

ORDER = ("i", "f", "g", "o")
OUTPUT = ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db")
DTYPES = (torch.float64,)
# NumPy track: the gradients are to be derived by hand, not asked of autograd.
FORBIDDEN = kit.AUTOGRAD_APIS

Grads = tuple[Tensor, Tensor, Tensor, Tensor, Tensor, Tensor]


def reference(
    dh_next: Tensor,
    dc_next: Tensor,
    x: Tensor,
    h_prev: Tensor,
    c_prev: Tensor,
    W_ih: Tensor,
    W_hh: Tensor,
    b: Tensor,
) -> Grads:
    """Autograd's gradients of sum(h * dh_next) + sum(c * dc_next), where (h, c) is torch's
    LSTM cell (gates i, f, g, o) on x, (h_prev, c_prev), with one bias b."""
    leaves = [t.detach().requires_grad_() for t in (x, h_prev, c_prev, W_ih, W_hh, b)]
    lx, lh, lc, lw_ih, lw_hh, lb = leaves
    with _enable_grad():
        h, c = _lstm_cell(lx, (lh, lc), lw_ih, lw_hh, lb, _zeros_like(lb))
        dx, dh_prev, dc_prev, dW_ih, dW_hh, db = _grad((h, c), leaves, (dh_next, dc_next))
    return dx, dh_prev, dc_prev, dW_ih, dW_hh, db


def variant(
    *,
    order: tuple[str, ...] = ORDER,
    cell_path: str = "tanh'",
    g_derivative: str = "tanh'",
    gate_derivative: str = "sigmoid'",
    dc_prev: str = "dc * f",
    dh_prev_gates: str = "ifgo",
    dh_prev_transposed: bool = False,
    dW_hh_transposed: bool = False,
) -> Callable[..., Any]:
    """The step's backward written by hand, with slips switched on by the flags.

    order: the gate each stacked block is read as (("i", "f", "o", "g") is CS231n's layout).
    cell_path: how dh_next reaches c: "tanh'" (dh * o * (1 - tanh(c)^2), right), "none" (it
        does not: dc = dc_next), "no derivative" (dh * o), "at c" (dh * o * (1 - c^2)).
    g_derivative: "tanh'" (1 - g^2, right) or "sigmoid'" (g (1 - g)).
    gate_derivative: for i, f and o: "sigmoid'" (s (1 - s), right) or "tanh'" (1 - s^2).
    dc_prev: "dc * f" (right), "dc" (the forget gate left out), "dc_next * f" (only the
        upstream dc_next, not the part that came through h).
    dh_prev_gates: the gates whose blocks of W_hh carry the gradient back to h_prev.
    dh_prev_transposed: each gate's block of W_hh used transposed for dh_prev.
    dW_hh_transposed: each gate's block of dW_hh is h_prev^T da_k instead of da_k^T h_prev.
    """

    def compute(
        *,
        dh_next: Tensor,
        dc_next: Tensor,
        x: Tensor,
        h_prev: Tensor,
        c_prev: Tensor,
        W_ih: Tensor,
        W_hh: Tensor,
        b: Tensor,
    ) -> Grads:
        pre = dict(zip(order, (x @ W_ih.T + h_prev @ W_hh.T + b).chunk(4, 1), strict=True))
        i, f, o = (_sigmoid(pre[k]) for k in "ifo")
        g = _tanh(pre["g"])
        c = f * c_prev + i * g
        tc = _tanh(c)
        through_h = {
            "tanh'": dh_next * o * (1 - tc**2),
            "none": _zeros_like(c),
            "no derivative": dh_next * o,
            "at c": dh_next * o * (1 - c**2),
        }[cell_path]
        dc = dc_next + through_h
        grads = {"i": dc * g, "f": dc * c_prev, "g": dc * i, "o": dh_next * tc}
        acts = {"i": i, "f": f, "g": g, "o": o}
        da = {}
        for k in ORDER:
            wanted = g_derivative if k == "g" else gate_derivative
            s = acts[k]
            da[k] = grads[k] * (s * (1 - s) if wanted == "sigmoid'" else 1 - s**2)
        d_prev_c = {"dc * f": dc * f, "dc": dc, "dc_next * f": dc_next * f}[dc_prev]
        stacked = _cat([da[k] for k in order], 1)
        w_blocks = dict(zip(order, W_hh.chunk(4, 0), strict=True))
        dh = _zeros_like(h_prev)
        for k in dh_prev_gates:
            dh = dh + da[k] @ (w_blocks[k].T if dh_prev_transposed else w_blocks[k])
        if dW_hh_transposed:
            dW_hh = _cat([h_prev.T @ da[k] for k in order], 0)
        else:
            dW_hh = stacked.T @ h_prev
        return stacked @ W_ih, dh, d_prev_c, stacked.T @ x, dW_hh, stacked.sum(0)

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, N, I, H, input scale, which upstream gradients arrive)
_SHAPES = (
    ("N=3, I=5, H=4", 3, 5, 4, 1.0, "both"),
    ("N=1, I=3, H=5 (batch 1)", 1, 3, 5, 1.0, "both"),
    ("N=2, I=4, H=4 (I = H)", 2, 4, 4, 1.0, "both"),
    ("N=3, I=2, H=6, dc_next = 0 (c is not used downstream)", 3, 2, 6, 1.0, "dh only"),
    ("N=3, I=4, H=3, first step (h_prev = c_prev = 0)", 3, 4, 3, 1.0, "first"),
    ("N=4, I=3, H=3, large inputs (x and c_prev x5)", 4, 3, 3, 5.0, "both"),
    ("N=2, I=6, H=2", 2, 6, 2, 1.0, "both"),
)


def cases(seed: int) -> list[kit.Case]:
    """x, c_prev, dh_next, dc_next ~ N(0, 1) (x and c_prev times the scale); h_prev ~
    U(-0.9, 0.9); W_ih, W_hh, b ~ U(-1/sqrt(H), 1/sqrt(H)), torch's initialisation."""
    drawn = []
    for index, (label, n, i, hidden, scale, kind) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        bound = kit.init_bound(hidden)
        x = _randn(n, i, generator=gen, dtype=torch.float64) * scale
        h_prev = kit.uniform(gen, n, hidden, bound=0.9)
        c_prev = _randn(n, hidden, generator=gen, dtype=torch.float64) * scale
        W_ih = kit.uniform(gen, 4 * hidden, i, bound=bound)
        W_hh = kit.uniform(gen, 4 * hidden, hidden, bound=bound)
        b = kit.uniform(gen, 4 * hidden, bound=bound)
        dh_next = _randn(n, hidden, generator=gen, dtype=torch.float64)
        dc_next = _randn(n, hidden, generator=gen, dtype=torch.float64)
        if kind == "dh only":
            dc_next = torch.zeros_like(dc_next)
        if kind == "first":
            h_prev, c_prev = torch.zeros_like(h_prev), torch.zeros_like(c_prev)
        inputs = {
            "dh_next": dh_next,
            "dc_next": dc_next,
            "x": x,
            "h_prev": h_prev,
            "c_prev": c_prev,
            "W_ih": W_ih,
            "W_hh": W_hh,
            "b": b,
        }
        drawn.append(kit.Case(label, inputs, scale=scale))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "lstm_step_backward.no_cell_path",
        "Your code sends dh_next only into the output gate (do = dh_next * tanh(c)) and takes"
        " dc = dc_next: the path from h through tanh(c) into the cell is missing. h = o * tanh(c)"
        " depends on c too, so dc = dc_next + dh_next * o * (1 - tanh(c)^2), and every gradient"
        " below c (i, f, g, c_prev) uses that total.",
        zh=(
            "你的程式碼只把 dh_next 送進輸出閘門（do = dh_next * tanh(c)），並取 dc = dc_next：少"
            "了從 h 經 tanh(c) 進入記憶單元的路徑。h = o * tanh(c) 也依賴 c，所以 dc = dc_next + "
            "dh_next * o * (1 - tanh(c)^2)，而 c 以下的每個梯度（i、f、g、c_prev）都要用這個總和。"
        ),
        flags={"cell_path": "none"},
    ),
    kit.Mistake(
        "lstm_step_backward.tanh_c_derivative",
        "Your code adds dh_next * o to dc without the derivative of tanh: h = o * tanh(c), so the"
        " part of dc that comes through h is dh_next * o * (1 - tanh(c)^2).",
        zh=(
            "你的程式碼把 dh_next * o 加到 dc 上，卻沒有乘上 tanh 的導數：h = o * tanh(c)，所以 dc "
            "中經由 h 傳來的部分是 dh_next * o * (1 - tanh(c)^2)。"
        ),
        flags={"cell_path": "no derivative"},
    ),
    kit.Mistake(
        "lstm_step_backward.tanh_c_derivative",
        "Your code takes the derivative of tanh(c) as 1 - c^2. The derivative of tanh at c is"
        " 1 - tanh(c)^2: square tanh(c), not c (c is not squashed, it can lie outside -1..1).",
        zh=(
            "你的程式碼把 tanh(c) 的導數算成 1 - c^2。tanh 在 c 處的導數是 1 - tanh(c)^2：要平方的"
            "是 tanh(c)，不是 c（c 沒有被壓縮，可能落在 -1..1 之外）。"
        ),
        flags={"cell_path": "at c"},
    ),
    kit.Mistake(
        "lstm_step_backward.gate_derivative",
        "Your code multiplies the candidate's gradient by g * (1 - g), the sigmoid's derivative."
        " g = tanh(a_g), so da_g = dg * (1 - g^2); only i, f and o are sigmoids, with"
        " derivative s * (1 - s).",
        zh=(
            "你的程式碼把候選值的梯度乘上 g * (1 - g)，也就是 sigmoid 的導數。g = tanh(a_g)，所以 "
            "da_g = dg * (1 - g^2)；只有 i、f 與 o 是 sigmoid，導數為 s * (1 - s)。"
        ),
        flags={"g_derivative": "sigmoid'"},
    ),
    kit.Mistake(
        "lstm_step_backward.gate_derivative",
        "Your code multiplies the gradients of the gates i, f and o by 1 - s^2, the derivative of"
        " tanh. They are sigmoids: s = sigmoid(a) has ds/da = s * (1 - s). Only the candidate g"
        " uses tanh, with 1 - g^2.",
        zh=(
            "你的程式碼把閘門 i、f 與 o 的梯度乘上 1 - s^2，也就是 tanh 的導數。它們是 sigmoid：s "
            "= sigmoid(a) 的 ds/da = s * (1 - s)。只有候選值 g 用 tanh，導數為 1 - g^2。"
        ),
        flags={"gate_derivative": "tanh'"},
    ),
    kit.Mistake(
        "lstm_step_backward.gate_derivative",
        "Your code swaps the two derivatives: 1 - s^2 for the sigmoid gates i, f, o and"
        " g * (1 - g) for the candidate. sigmoid' = s * (1 - s) goes with i, f, o; tanh' ="
        " 1 - g^2 goes with g = tanh(a_g).",
        zh=(
            "你的程式碼把兩個導數對調了：sigmoid 閘門 i、f、o 用了 1 - s^2，候選值用了 g * (1 - g)"
            "。sigmoid' = s * (1 - s) 配 i、f、o；tanh' = 1 - g^2 配 g = tanh(a_g)。"
        ),
        flags={"g_derivative": "sigmoid'", "gate_derivative": "tanh'"},
    ),
    kit.Mistake(
        "lstm_step_backward.dc_prev",
        "Your dc_prev is the whole dc: the forget gate is left out. c = f * c_prev + i * g, so"
        " dc_prev = dc * f, elementwise; the cell's gradient shrinks by f at every step, which is"
        " how the forget gate controls how far it travels back.",
        zh=(
            "你的 dc_prev 是整個 dc：漏掉了遺忘閘門。c = f * c_prev + i * g，所以 dc_prev = dc * f"
            "，逐元素相乘；記憶單元的梯度每一步都會被 f 縮小，遺忘閘門正是這樣控制梯度能往回傳多遠"
            "。"
        ),
        flags={"dc_prev": "dc"},
    ),
    kit.Mistake(
        "lstm_step_backward.dc_prev",
        "Your dc_prev is dc_next * f: it leaves out the part of dc that came through h. Add"
        " dh_next * o * (1 - tanh(c)^2) to dc_next first, then dc_prev = dc * f with that total"
        " dc (the same dc your gate gradients use).",
        zh=(
            "你的 dc_prev 是 dc_next * f：漏掉了 dc 中經由 h 傳來的部分。先把 dh_next * o * (1 - "
            "tanh(c)^2) 加到 dc_next 上，再用這個總和 dc 算 dc_prev = dc * f（也就是你的閘門梯度所"
            "用的同一個 dc）。"
        ),
        flags={"dc_prev": "dc_next * f"},
    ),
    kit.Mistake(
        "lstm_step_backward.dh_prev_terms",
        "Your dh_prev sums over the gates i, f and o only: the candidate g's block of W_hh"
        " (rows 2H:3H) is left out. h_prev feeds all four pre-activations, so dh_prev = da @ W_hh"
        " with da the [N, 4H] gradient of all four blocks, g's included.",
        zh=(
            "你的 dh_prev 只對閘門 i、f 與 o 加總：漏掉了候選值 g 在 W_hh 中的區塊（第 2H 到 3H 列"
            "）。h_prev 會送進全部四個預活化值，所以 dh_prev = da @ W_hh，其中 da 是全部四個區塊的 "
            "[N, 4H] 梯度，g 的也包括在內。"
        ),
        flags={"dh_prev_gates": "ifo"},
    ),
    kit.Mistake(
        "lstm_step_backward.transposed_weights",
        "Your dh_prev goes through each gate's block of W_hh transposed (da_k @ W_hh_k.T). The"
        " forward computes h_prev @ W_hh_k.T, so the gradient goes back through W_hh_k itself:"
        " dh_prev = da @ W_hh, the [N, 4H] da times the [4H, H] W_hh. Each block is square,"
        " which is why the transposed one runs.",
        zh=(
            "你的 dh_prev 經由 W_hh 中每個閘門區塊的轉置往回傳（da_k @ W_hh_k.T）。前向傳播算的是 "
            "h_prev @ W_hh_k.T，所以梯度要經由 W_hh_k 本身往回傳：dh_prev = da @ W_hh，也就是 [N, "
            "4H] 的 da 乘上 [4H, H] 的 W_hh。每個區塊都是方陣，所以轉置後的寫法照樣能執行。"
        ),
        flags={"dh_prev_transposed": True},
    ),
    kit.Mistake(
        "lstm_step_backward.transposed_weights",
        "Your dW_hh is transposed block by block: each gate's block is h_prev^T da_k where it"
        " must be da_k^T h_prev. PyTorch stores W_hh as [4H, H] (out, in), so dW_hh = da.T @"
        " h_prev, like dW_ih = da.T @ x; the blocks are square, which hides the slip.",
        zh=(
            "你的 dW_hh 逐區塊轉置了：每個閘門的區塊算成 h_prev^T da_k，但應該是 da_k^T h_prev。"
            "PyTorch 把 W_hh 存成 [4H, H]（[out, in] 排列），所以 dW_hh = da.T @ h_prev，就像 "
            "dW_ih = da.T @ x；這些區塊都是方陣，這個錯誤因此不易察覺。"
        ),
        flags={"dW_hh_transposed": True},
    ),
    kit.Mistake(
        "lstm_step_backward.gate_order",
        "Your code reads the four blocks in the order i, f, o, g (CS231n's layout): rows 2H:3H"
        " as the output gate and 3H:4H as the candidate. PyTorch stacks them i, f, g, o, both in"
        " the weights and in the gradients you return.",
        zh=(
            "你的程式碼以 i, f, o, g 的順序讀取四個區塊（CS231n 的排列）：把第 2H 到 3H 列當成輸出"
            "閘門，把第 3H 到 4H 列當成候選值。PyTorch 以 i, f, g, o 的順序堆疊它們，權重是如此，"
            "你回傳的梯度也是如此。"
        ),
        flags={"order": ("i", "f", "o", "g")},
    ),
]
