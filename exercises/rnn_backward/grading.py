"""Grading of rnn_backward: the backward pass of a tanh RNN over a sequence, written in NumPy.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means). The
learner gets NumPy arrays; the answer is torch autograd's, on the forward rebuilt from the leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_tanh = torch.tanh
_stack = torch.stack
_matmul = torch.matmul
_grad = torch.autograd.grad
_enable_grad = torch.enable_grad
_randn = torch.randn

OUTPUT = ("dx", "dh0", "dWx", "dWh", "db")
DTYPES = (torch.float64,)
# NumPy track: the gradients are to be derived by hand, not asked of autograd.
FORBIDDEN = kit.AUTOGRAD_APIS

Grads = tuple[Tensor, Tensor, Tensor, Tensor, Tensor]


def _forward(x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor) -> Tensor:
    """h_t = tanh(x_t Wx + h_{t-1} Wh + b) for t = 1..T, stacked to [N, T, H]."""
    states = []
    prev = h0
    for t in range(x.shape[1]):
        prev = _tanh(_matmul(x[:, t], Wx) + _matmul(prev, Wh) + b)
        states.append(prev)
    return _stack(states, 1)


def reference(
    x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor, h: Tensor, dh: Tensor
) -> Grads:
    """Autograd's gradients of sum(h * dh) with respect to x, h0, Wx, Wh and b."""
    leaves = [t.detach().requires_grad_() for t in (x, h0, Wx, Wh, b)]
    with _enable_grad():
        states = _forward(*leaves)
        dx, dh0, dWx, dWh, db = _grad(states, leaves, dh)
    return dx, dh0, dWx, dWh, db


def variant(
    *,
    derivative: str = "1-h^2",
    carry: bool = True,
    overwrite: str = "none",
    first_prev: str = "h0",
    wh_untransposed: bool = False,
    dwh_transposed: bool = False,
    db: str = "sum",
) -> Callable[..., Any]:
    """The backward loop written by hand, with slips switched on by the flags.

    derivative: "1-h^2" (right), "1-tanh(h)^2" (tanh applied again to the activated state),
        "1-h" (square forgotten), "previous" (1 - h_{t-1}^2: the step before's state).
    carry: False uses only dh[:, t] at step t (the gradient from step t+1 is never added).
    overwrite: "dWh" (dWh = ... in the loop, so only step 0's term survives), "all" (dWx, dWh
        and db all overwritten).
    first_prev: the previous state used for dWh at t = 0: "h0" (right), "wrapped" (h[:, -1],
        NumPy's reading of h[:, t - 1] at t = 0), "zeros".
    wh_untransposed: the gradient goes back to h_{t-1} through Wh instead of Wh^T.
    dwh_transposed: dWh accumulates da^T h_{t-1} instead of h_{t-1}^T da.
    db: "sum" (right), "mean" (averaged over the batch), "per_step" (summed over the batch
        only: [T, H]).
    """

    def compute(
        *, x: Tensor, h0: Tensor, Wx: Tensor, Wh: Tensor, b: Tensor, h: Tensor, dh: Tensor
    ) -> Grads:
        steps = x.shape[1]
        dx = torch.zeros_like(x)
        dWx = torch.zeros_like(Wx)
        dWh = torch.zeros_like(Wh)
        dbias = torch.zeros_like(dh[0]) if db == "per_step" else torch.zeros_like(b)
        carried = torch.zeros_like(h0)
        for t in reversed(range(steps)):
            h_t = h[:, t]
            prev = h[:, t - 1] if t > 0 else h0
            if t == 0 and first_prev == "wrapped":
                prev_w = h[:, -1]
            elif t == 0 and first_prev == "zeros":
                prev_w = torch.zeros_like(h0)
            else:
                prev_w = prev
            upstream = dh[:, t] + carried if carry else dh[:, t]
            if derivative == "1-tanh(h)^2":
                local = 1 - _tanh(h_t) ** 2
            elif derivative == "1-h":
                local = 1 - h_t
            elif derivative == "previous":
                local = 1 - prev**2
            else:
                local = 1 - h_t**2
            da = upstream * local
            dx[:, t] = _matmul(da, Wx.T)
            d_wx = _matmul(x[:, t].T, da)
            d_wh = _matmul(da.T, prev_w) if dwh_transposed else _matmul(prev_w.T, da)
            d_b = da.mean(0) if db == "mean" else da.sum(0)
            dWx = d_wx if overwrite == "all" else dWx + d_wx
            dWh = d_wh if overwrite in ("dWh", "all") else dWh + d_wh
            if db == "per_step":
                dbias[t] = d_b
            elif overwrite == "all":
                dbias = d_b
            else:
                dbias = dbias + d_b
            carried = _matmul(da, Wh if wh_untransposed else Wh.T)
        return dx, carried, dWx, dWh, dbias

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, N, T, D, H, input scale, upstream gradient only at the last step)
_SHAPES = (
    ("N=3, T=4, D=5, H=4", 3, 4, 5, 4, 1.0, False),
    ("N=1, T=1, D=3, H=5", 1, 1, 3, 5, 1.0, False),
    ("N=2, T=5, D=4, H=4 (D = H)", 2, 5, 4, 4, 1.0, False),
    ("N=2, T=20, D=3, H=6, long sequence", 2, 20, 3, 6, 1.0, False),
    ("N=3, T=4, D=4, H=3, large inputs (x10)", 3, 4, 4, 3, 10.0, False),
    ("N=4, T=6, D=2, H=3, dh only at the last step", 4, 6, 2, 3, 1.0, True),
    ("N=1, T=3, D=6, H=2", 1, 3, 6, 2, 1.0, False),
)


def cases(seed: int) -> list[kit.Case]:
    """x, dh ~ N(0, 1) (x times the scale); h0 ~ U(-0.9, 0.9); Wx, Wh, b ~ U(-1/sqrt(H),
    1/sqrt(H)); h from the forward pass in float64."""
    drawn = []
    for index, (label, n, t, d, hidden, scale, last_only) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        bound = kit.init_bound(hidden)
        x = _randn(n, t, d, generator=gen, dtype=torch.float64) * scale
        h0 = kit.uniform(gen, n, hidden, bound=0.9)
        Wx = kit.uniform(gen, d, hidden, bound=bound)
        Wh = kit.uniform(gen, hidden, hidden, bound=bound)
        b = kit.uniform(gen, hidden, bound=bound)
        dh = _randn(n, t, hidden, generator=gen, dtype=torch.float64)
        if last_only:
            dh[:, :-1] = 0
        with torch.no_grad():
            h = _forward(x, h0, Wx, Wh, b)
        inputs = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b, "h": h, "dh": dh}
        drawn.append(kit.Case(label, inputs, scale=scale, time_axes={"dx": 1}))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "rnn_backward.not_accumulated",
        "Your dWh keeps only one time step's term: it is assigned (dWh = ...) inside the loop"
        " instead of added to (dWh += ...), so only the last step the loop visits, t = 0,"
        " survives. Wh is shared by every step, so its gradient is the sum of h_{t-1}^T da_t"
        " over all t.",
        zh=(
            "你的 dWh 只保留了一個時間步的項：它在迴圈裡被直接指定（dWh = ...），而不是累加（dWh "
            "+= ...），所以只有迴圈最後走到的那一步 t = 0 留了下來。Wh 由每個時間步共享，所以它的"
            "梯度是 h_{t-1}^T da_t 對所有 t 的總和。"
        ),
        flags={"overwrite": "dWh"},
    ),
    kit.Mistake(
        "rnn_backward.not_accumulated",
        "Your dWx, dWh and db keep only one time step's term: they are assigned (= ...) inside"
        " the loop instead of added to (+= ...), so only t = 0, the last step the loop visits,"
        " survives. The weights are shared by every step, so each gradient is a sum over all"
        " steps.",
        zh=(
            "你的 dWx、dWh 與 db 只保留了一個時間步的項：它們在迴圈裡被直接指定（= ...），而不是累"
            "加（+= ...），所以只有迴圈最後走到的 t = 0 留了下來。權重由每個時間步共享，所以每個梯"
            "度都是對所有時間步的總和。"
        ),
        flags={"overwrite": "all"},
    ),
    kit.Mistake(
        "rnn_backward.tanh_derivative",
        "Your code computes the tanh derivative as 1 - tanh(h)^2, but h is already tanh of the"
        " pre-activation. With h_t = tanh(a_t), dh_t/da_t = 1 - h_t^2: square the stored state,"
        " do not apply tanh to it again.",
        zh=(
            "你的程式碼把 tanh 的導數算成 1 - tanh(h)^2，但 h 已經是預活化值的 tanh。既然 h_t = "
            "tanh(a_t)，dh_t/da_t = 1 - h_t^2：把存下來的狀態平方即可，不要再對它套一次 tanh。"
        ),
        flags={"derivative": "1-tanh(h)^2"},
    ),
    kit.Mistake(
        "rnn_backward.tanh_derivative",
        "Your code multiplies by 1 - h where the tanh derivative is 1 - h^2: with h_t = tanh(a_t),"
        " dh_t/da_t = 1 - tanh(a_t)^2 = 1 - h_t^2, applied elementwise.",
        zh=(
            "你的程式碼乘上的是 1 - h，但 tanh 的導數是 1 - h^2：既然 h_t = tanh(a_t)，dh_t/da_t = "
            "1 - tanh(a_t)^2 = 1 - h_t^2，逐元素套用。"
        ),
        flags={"derivative": "1-h"},
    ),
    kit.Mistake(
        "rnn_backward.tanh_derivative",
        "Your code takes the tanh derivative at the previous state, 1 - h_{t-1}^2. Step t's"
        " activation produced h_t = tanh(a_t), so the gradient through it is multiplied by"
        " 1 - h_t^2, the state that step computed.",
        zh=(
            "你的程式碼在前一個狀態上取 tanh 的導數：1 - h_{t-1}^2。第 t 步的活化函數產生的是 h_t "
            "= tanh(a_t)，所以穿過它的梯度要乘上 1 - h_t^2，也就是該步自己算出的狀態。"
        ),
        flags={"derivative": "previous"},
    ),
    kit.Mistake(
        "rnn_backward.no_carry",
        "Each step of your loop uses only dh[:, t]: the gradient flowing back from step t+1"
        " (da_{t+1} Wh^T) is computed but never added. h_t also feeds step t+1, so its total"
        " gradient is dh[:, t] plus that carried term; without it nothing travels back in time.",
        zh=(
            "你的迴圈每一步只用了 dh[:, t]：從第 t+1 步往回傳的梯度（da_{t+1} Wh^T）算出來了，卻從"
            "沒加上去。h_t 也會送進第 t+1 步，所以它的總梯度是 dh[:, t] 加上這個帶過來的項；少了它"
            "，就沒有任何東西沿時間往回傳。"
        ),
        flags={"carry": False},
    ),
    kit.Mistake(
        "rnn_backward.transposed_weights",
        "Your code sends the gradient back to h_{t-1} through Wh (da @ Wh) instead of its"
        " transpose. The forward computes h_{t-1} @ Wh, so the gradient with respect to h_{t-1}"
        " is da @ Wh.T. Both run because Wh is square, which is why shapes did not catch it.",
        zh=(
            "你的程式碼經由 Wh（da @ Wh）把梯度傳回 h_{t-1}，而不是經由它的轉置。前向傳播算的是 "
            "h_{t-1} @ Wh，所以對 h_{t-1} 的梯度是 da @ Wh.T。因為 Wh 是方陣，兩種寫法都能執行，所"
            "以形狀檢查抓不到這個錯誤。"
        ),
        flags={"wh_untransposed": True},
    ),
    kit.Mistake(
        "rnn_backward.transposed_weights",
        "Your dWh is transposed: it adds da^T h_{t-1} instead of h_{t-1}^T da. With the forward"
        " h_{t-1} @ Wh, entry (i, j) of Wh links state unit i to pre-activation j, so"
        " dWh = sum_t h_{t-1}^T da_t; the shape is the same, which hides the slip.",
        zh=(
            "你的 dWh 轉置了：它加上的是 da^T h_{t-1}，而不是 h_{t-1}^T da。前向傳播是 h_{t-1} @ "
            "Wh，Wh 的第 (i, j) 個元素把狀態單元 i 連到預活化值 j，所以 dWh = sum_t h_{t-1}^T da_t"
            "；兩者形狀相同，這個錯誤因此不易察覺。"
        ),
        flags={"dwh_transposed": True},
    ),
    kit.Mistake(
        "rnn_backward.wrong_first_state",
        "At t = 0 your dWh term uses h[:, -1], the LAST state, as the previous state: with NumPy,"
        " h[:, t - 1] at t = 0 wraps around. The state before step 0 is h0, so that step adds"
        " h0^T da_0.",
        zh=(
            "在 t = 0 時，你的 dWh 項把 h[:, -1]，也就是「最後一個」狀態，當成前一個狀態：在 NumPy "
            "中，t = 0 時的 h[:, t - 1] 會繞回到尾端。第 0 步之前的狀態是 h0，所以那一步要加上 "
            "h0^T da_0。"
        ),
        flags={"first_prev": "wrapped"},
    ),
    kit.Mistake(
        "rnn_backward.wrong_first_state",
        "At t = 0 your dWh term treats the previous state as zeros, so it adds nothing. The"
        " forward started from the given h0, so step 0 adds h0^T da_0 to dWh.",
        zh=(
            "在 t = 0 時，你的 dWh 項把前一個狀態當成零，所以什麼也沒加上。前向傳播是從給定的 h0 "
            "開始的，所以第 0 步要把 h0^T da_0 加到 dWh。"
        ),
        flags={"first_prev": "zeros"},
    ),
    kit.Mistake(
        "rnn_backward.db_not_summed",
        "Your db averages da over the batch. The forward adds the same b to every sequence and"
        " every step, so db is the plain sum of da over the batch and over time (the upstream"
        " dh already carries any averaging of the loss).",
        zh=(
            "你的 db 對批次取了 da 的平均。前向傳播對每條序列、每個時間步加上的都是同一個 b，所以 "
            "db 就是 da 對批次與時間的單純加總（損失若有任何平均，上游的 dh 已經帶著了）。"
        ),
        flags={"db": "mean"},
    ),
    kit.Mistake(
        "rnn_backward.db_not_summed",
        "Your db is [T, H]: da is summed over the batch but not over time. b is shared by every"
        " step, so sum over both axes: da.sum(axis=(0, 1)), shape [H].",
        zh=(
            "你的 db 是 [T, H]：da 對批次加總了，卻沒有對時間加總。b 由每個時間步共享，所以要對兩"
            "個軸都加總：da.sum(axis=(0, 1))，形狀為 [H]。"
        ),
        flags={"db": "per_step"},
    ),
]
