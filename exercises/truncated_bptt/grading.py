"""Grading of truncated_bptt: a tanh RNN trained on one long sequence with truncated
backpropagation through time (chunks of K steps, one plain SGD step per chunk, the hidden state
carried across chunks and detached at each boundary), judged by the trained parameters and the
final hidden state.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
torch has no built-in for the training loop, so the reference is a plain loop on torch autograd.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import RECURRENT_APIS

# Bound at import: the learner's file cannot change what the reference calls.
_tanh = torch.tanh
_linear = F.linear
_mse_loss = F.mse_loss
_stack = torch.stack
_grad = torch.autograd.grad
_enable_grad = torch.enable_grad
_randn = torch.randn

OUTPUT = ("w_ih", "w_hh", "b", "w_out", "h_T")
FORBIDDEN = RECURRENT_APIS

Result = tuple[Tensor, Tensor, Tensor, Tensor, Tensor]


def reference(
    x: Tensor,
    y: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b: Tensor,
    w_out: Tensor,
    h0: Tensor,
    k: int,
    lr: float,
) -> Result:
    """Truncated BPTT, one SGD step per chunk of k steps (the last chunk may be shorter):
    the chunk's loss is F.mse_loss (mean) over its steps, its gradient reaches back to the
    chunk's first step only (the carried state is detached), p <- p - lr * grad."""
    steps = x.shape[0]
    with _enable_grad():
        params = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
        h = h0.detach()
        for start in range(0, steps, k):
            end = min(start + k, steps)
            h = h.detach()  # keep the values, cut the graph: the gradient stops here
            wi, wh, bias, wo = params
            predictions = []
            for t in range(start, end):
                h = _tanh(_linear(x[t], wi) + _linear(h, wh, bias))
                predictions.append(_linear(h, wo))
            loss = _mse_loss(_stack(predictions), y[start:end])
            grads = _grad(loss, params)
            params = [
                (p - lr * g).detach().requires_grad_() for p, g in zip(params, grads, strict=True)
            ]
    new_w_ih, new_w_hh, new_b, new_w_out = (p.detach() for p in params)
    return new_w_ih, new_w_hh, new_b, new_w_out, h.detach()


def variant(
    *,
    state: str = "detached",
    loss: str = "mean",
    update: str = "chunk",
    last_chunk: str = "kept",
    zero_grad: bool = True,
) -> kit.Model:
    """The training loop with slips switched on by the flags.

    state: how the hidden state meets a chunk boundary. "detached" (right); "kept" (never
        detached: the chunk's gradient runs back through every earlier chunk, each with the
        parameter values it ran with, as backward(retain_graph=True) on parameters updated out
        of place gives); "reset" (every chunk starts again from h0); "every_step" (detached
        before every step, so each gradient reaches back one step only).
    loss: "mean" (right), "sum" (reduction="sum": summed over steps, batch and outputs),
        "step_sum" (each step's mean squared error, summed over the chunk's steps).
    update: "chunk" (right) or "step" (an SGD step after every time step, on that step's loss).
    last_chunk: "kept" (right) or "dropped" (only the T // k full chunks are trained on).
    zero_grad: False lets the gradients pile up: each update uses the sum of every gradient
        computed so far.
    """

    def compute(
        *,
        x: Tensor,
        y: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b: Tensor,
        w_out: Tensor,
        h0: Tensor,
        k: int,
        lr: float,
    ) -> Result:
        steps = x.shape[0]
        stop = steps if last_chunk == "kept" else steps // k * k
        kept = state == "kept"
        with _enable_grad():
            origin = [p.detach().clone().requires_grad_() for p in (w_ih, w_hh, b, w_out)]
            params = list(origin)
            total: list[Tensor] | None = None
            h = h0.detach()

            def sgd(predictions: list[Tensor], targets: Tensor) -> None:
                nonlocal params, total
                stacked = _stack(predictions)
                if loss == "sum":
                    value = _mse_loss(stacked, targets, reduction="sum")
                elif loss == "step_sum":
                    value = sum(
                        (_mse_loss(p, t) for p, t in zip(predictions, targets, strict=True)),
                        stacked.new_zeros(()),
                    )
                else:
                    value = _mse_loss(stacked, targets)
                grads = list(_grad(value, origin if kept else params, retain_graph=kept))
                if not zero_grad:
                    total = (
                        grads
                        if total is None
                        else [a + g for a, g in zip(total, grads, strict=True)]
                    )
                    grads = total
                if kept:  # out of place, still tied to the first parameters
                    params = [p - lr * g for p, g in zip(params, grads, strict=True)]
                else:
                    params = [
                        (p - lr * g).detach().requires_grad_()
                        for p, g in zip(params, grads, strict=True)
                    ]

            for start in range(0, stop, k):
                end = min(start + k, stop)
                if state == "reset":
                    h = h0.detach()
                elif not kept:
                    h = h.detach()
                predictions: list[Tensor] = []
                for t in range(start, end):
                    if state == "every_step":
                        h = h.detach()
                    wi, wh, bias, wo = params
                    h = _tanh(_linear(x[t], wi) + _linear(h, wh, bias))
                    predictions.append(_linear(h, wo))
                    if update == "step":
                        sgd(predictions[-1:], y[t : t + 1])
                if update == "chunk":
                    sgd(predictions, y[start:end])
        new_w_ih, new_w_hh, new_b, new_w_out = (p.detach().clone() for p in params)
        return new_w_ih, new_w_hh, new_b, new_w_out, h.detach().clone()

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, T, K, B, I, H, O, lr)
_SHAPES = (
    ("T=12, k=4 (3 chunks of 4), B=3, I=4, H=5, O=2, lr=0.2", 12, 4, 3, 4, 5, 2, 0.2),
    ("T=10, k=4 (chunks of 4, 4, 2), B=2, I=3, H=4, O=3, lr=0.3", 10, 4, 2, 3, 4, 3, 0.3),
    ("T=6, k=1 (one step per chunk), B=3, I=2, H=3, O=1, lr=0.2", 6, 1, 3, 2, 3, 1, 0.2),
    ("T=5, k=8 (one chunk: full BPTT), B=2, I=3, H=4, O=2, lr=0.5", 5, 8, 2, 3, 4, 2, 0.5),
    ("T=7, k=3 (chunks of 3, 3, 1), B=1, I=2, H=5, O=1, lr=0.5", 7, 3, 1, 2, 5, 1, 0.5),
    ("T=1, k=3 (a single step), B=2, I=3, H=2, O=2, lr=0.5", 1, 3, 2, 3, 2, 2, 0.5),
    ("T=8, k=8 (k = T: one chunk), B=4, I=2, H=3, O=2, lr=0.5", 8, 8, 4, 2, 3, 2, 0.5),
    ("T=9, k=2 (chunks of 2, 2, 2, 2, 1), B=2, I=1, H=3, O=1, lr=0.3", 9, 2, 2, 1, 3, 1, 0.3),
    ("T=20, k=5 (4 chunks of 5), B=4, I=3, H=6, O=2, lr=0.05", 20, 5, 4, 3, 6, 2, 0.05),
)


def cases(seed: int) -> list[kit.Case]:
    """x, y ~ N(0, 1); h0 ~ U(-0.5, 0.5); w_ih, w_hh, b ~ U(-1/sqrt(H), 1/sqrt(H)) and w_out
    ~ U(-1/sqrt(H), 1/sqrt(H)) (torch's initialisation of an RNN and of a Linear(H, O))."""
    drawn = []
    for index, (label, steps, k, batch, inputs, hidden, outputs, lr) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        bound = kit.init_bound(hidden)
        case = {
            "x": _randn(steps, batch, inputs, generator=gen, dtype=torch.float64),
            "y": _randn(steps, batch, outputs, generator=gen, dtype=torch.float64),
            "w_ih": kit.uniform(gen, hidden, inputs, bound=bound),
            "w_hh": kit.uniform(gen, hidden, hidden, bound=bound),
            "b": kit.uniform(gen, hidden, bound=bound),
            "w_out": kit.uniform(gen, outputs, hidden, bound=bound),
            "h0": kit.uniform(gen, batch, hidden, bound=0.5),
            "k": k,
            "lr": lr,
        }
        drawn.append(kit.Case(label, case))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "truncated_bptt.no_detach",
        "Your hidden state goes into the next chunk without .detach(), and the gradient is"
        " taken with retain_graph=True: each chunk's gradient then runs back through every"
        " earlier chunk, to the start of the sequence. That is full BPTT over a growing graph,"
        " not truncation: memory and time grow with every chunk. Cut the graph at each chunk"
        " boundary with h = h.detach(): the values carry on, the gradient stops there.",
        zh=(
            "你的隱藏狀態沒有 .detach() 就進入下一段，梯度又以 retain_graph=True 計算：每一段的梯度"
            "於是往回穿過之前的每一段，一路到序列開頭。這是在越長越大的計算圖上做完整的 BPTT，"
            "不是截斷：記憶體與時間隨每一段成長。請在每個區段邊界用 h = h.detach() 切斷計算圖："
            "數值延續下去，梯度停在那裡。"
        ),
        flags={"state": "kept"},
    ),
    kit.Mistake(
        "truncated_bptt.state_reset",
        "Every chunk of your loop starts again from h0: the state reached at the end of a chunk"
        " is thrown away. The chunks are consecutive pieces of ONE sequence, so the next chunk"
        " starts from the previous chunk's last state, detached (h = h.detach()), not reset;"
        " only the first chunk starts from h0.",
        zh=(
            "你的迴圈每一段都重新從 h0 開始：一段結束時得到的狀態被丟掉了。這些區段是同一條"
            "序列的連續片段，所以下一段要從上一段最後的狀態出發，先 detach（h = h.detach()），"
            "而不是重設；只有第一段從 h0 開始。"
        ),
        flags={"state": "reset"},
    ),
    kit.Mistake(
        "truncated_bptt.detach_every_step",
        "Your code detaches the hidden state before every time step, not once per chunk: the"
        " update still comes once per chunk, but each step's gradient stops one step back, as"
        " with K = 1. Detach once, at the start of the chunk, so that the gradient flows back"
        " through all K steps of the chunk.",
        zh=(
            "你的程式碼在每個時間步之前都 detach 隱藏狀態，而不是每段一次：更新仍然每段一次，"
            "但每一步的梯度只往回一步就停了，就像 K = 1。請只在區段開頭 detach 一次，讓梯度流回"
            "這一段的全部 K 步。"
        ),
        flags={"state": "every_step"},
    ),
    kit.Mistake(
        "truncated_bptt.step_per_time",
        "Your code takes an SGD step after every time step, on that step's loss alone: that is"
        " truncated BPTT with K = 1, whatever k says. Run the whole chunk forward, take ONE"
        " loss over its steps, one gradient and one update per chunk: ceil(T / k) updates in"
        " all.",
        zh=(
            "你的程式碼在每個時間步之後、只用那一步的損失就做一次 SGD 更新：不論 k 是多少，這都是"
            " K = 1 的截斷 BPTT。請先對整段做前向傳播，對這一段的各步取一個損失，每段只算一次梯度、"
            "更新一次：總共 ceil(T / k) 次更新。"
        ),
        flags={"update": "step"},
    ),
    kit.Mistake(
        "truncated_bptt.loss_summed",
        "Your chunk loss is the SUM of the squared errors (reduction='sum'), not their mean:"
        " the gradient, and so every update, is K * B * O times too large. Use"
        " F.mse_loss(predictions, targets) with its default reduction='mean' over the chunk's"
        " K steps, B sequences and O outputs.",
        zh=(
            "你每段的損失是平方誤差的總和（reduction='sum'），不是平均：梯度、也就是每次更新，"
            "都大了 K * B * O 倍。請用 F.mse_loss(predictions, targets)，保留預設的"
            " reduction='mean'，對這一段的 K 步、B 條序列與 O 個輸出取平均。"
        ),
        flags={"loss": "sum"},
    ),
    kit.Mistake(
        "truncated_bptt.loss_summed",
        "Your chunk loss adds up each time step's mean squared error (loss = loss +"
        " F.mse_loss(y_hat_t, y_t)): the gradient, and so every update, is K times too large"
        " on a chunk of K steps. The chunk loss is the mean over its steps too: divide that sum"
        " by the chunk's length, or call F.mse_loss once on the stacked [K, B, O] predictions.",
        zh=(
            "你每段的損失把每個時間步的均方誤差加起來（loss = loss + F.mse_loss(y_hat_t, y_t)）："
            "在 K 步的區段上，梯度、也就是每次更新，都大了 K 倍。每段的損失也要對各步取平均："
            "把這個總和除以區段長度，或對堆疊起來的 [K, B, O] 預測只呼叫一次 F.mse_loss。"
        ),
        flags={"loss": "step_sum"},
    ),
    kit.Mistake(
        "truncated_bptt.last_chunk_dropped",
        "Your loop trains on T // k full chunks only: when T is not a multiple of k, the last"
        " T % k steps are never run (and T < k runs nothing at all). The last chunk is simply"
        " shorter: loop with range(0, T, k) and slice x[start:start + k], which stops at T by"
        " itself.",
        zh=(
            "你的迴圈只訓練 T // k 個完整的區段：T 不是 k 的倍數時，最後 T % k 步從未執行"
            "（T < k 時更是什麼都沒跑）。最後一段只是比較短：用 range(0, T, k) 迴圈並切出"
            " x[start:start + k]，切片自己會停在 T。"
        ),
        flags={"last_chunk": "dropped"},
    ),
    kit.Mistake(
        "truncated_bptt.grad_not_zeroed",
        "Your gradients are never zeroed: .backward() adds into .grad, so each update uses the"
        " sum of the gradients of every chunk so far, not this chunk's. Set p.grad = None (or"
        " p.grad.zero_()) after every update, or take the gradients with torch.autograd.grad,"
        " which returns fresh ones.",
        zh=(
            "你的梯度從未清零：.backward() 會累加到 .grad 上，所以每次更新用的是到目前為止每一段"
            "梯度的總和，而不是這一段的梯度。請在每次更新後設 p.grad = None（或 p.grad.zero_()），"
            "或改用 torch.autograd.grad 取梯度，它每次都回傳新的梯度。"
        ),
        flags={"zero_grad": False},
    ),
]


# -- structural probes ---------------------------------------------------------------------------


def _shift(name: str, step: int | None) -> Any:
    """The input `name` moved by 0.5, at one time step (axis 0) or everywhere."""

    def perturb(inputs: dict[str, Any]) -> dict[str, Any]:
        value: Tensor = inputs[name]
        moved = value.clone()
        if step is None:
            moved += 0.5
        else:
            moved[step] += 0.5
        return {**inputs, name: moved}

    return perturb


PROBES = [
    kit.Probe(
        "structure.ignores_hidden",
        "the initial hidden state h0",
        _shift("h0", None),
        part_zh="初始隱藏狀態 h0",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the first time step of x",
        _shift("x", 0),
        part_zh="x 的第一個時間步",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the targets y at the first time step",
        _shift("y", 0),
        part_zh="第一個時間步的目標 y",
    ),
]
