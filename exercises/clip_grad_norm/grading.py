"""Grading of clip_grad_norm: gradients scaled in place to a global p-norm, as
torch.nn.utils.clip_grad_norm_ does to parameters holding those gradients.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means). The
function changes its `grads` in place (MUTATES): its outputs are (what it returned, the grads as
the call left them), and the reference and every model return that pair, working on clones.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_clip_grad_norm_ = torch.nn.utils.clip_grad_norm_
_Parameter = torch.nn.Parameter
_zeros_like = torch.zeros_like
_vector_norm: Callable[..., Tensor] = torch.linalg.vector_norm
_stack = torch.stack
_clamp = torch.clamp
_randn = torch.randn

OUTPUT = ("total_norm", "grads")
MUTATES = ("grads",)
# The ready-made clipping, its two halves (the total norm, the scaling) and the per-tensor norms
# in one call: the exercise is to write them.
FORBIDDEN = (
    "torch.nn.utils.clip_grad_norm_",
    "torch.nn.utils.clip_grad_norm",
    "torch.nn.utils.clip_grad_value_",
    "torch.nn.utils.get_total_norm",
    "torch.nn.utils.clip_grads_with_norm_",
    "torch._foreach_norm",
)

Grads = list[Tensor | None]
Result = tuple[Tensor, Grads]


def _clones(grads: Grads) -> Grads:
    return [None if g is None else g.clone() for g in grads]


def reference(grads: Grads, max_norm: float, norm_type: float = 2.0) -> Result:
    """torch's clip_grad_norm_ on parameters whose .grad are clones of `grads` (a None entry is
    a parameter without a gradient): (the total norm it returns, the gradients it left)."""
    some = next(g for g in grads if g is not None)  # every case holds at least one gradient
    params = []
    for g in grads:
        param = _Parameter(_zeros_like(some if g is None else g))
        param.grad = None if g is None else g.clone()
        params.append(param)
    total_norm = _clip_grad_norm_(params, max_norm, norm_type)
    return total_norm, [p.grad for p in params]


def variant(
    *,
    clip: str = "global",
    returns: str = "before",
    clamp: bool = True,
    eps: float = 1e-6,
    inf: str = "max",
    outer: str = "p",
    order: str = "given",
    apply: str = "in_place",
) -> kit.Model:
    """Clipping written out, with slips switched on by the flags.

    clip: "global" (one coefficient from the total norm, right), "per_tensor" (each gradient
        scaled by max_norm over its own norm), "value" (each element clamped to
        [-max_norm, max_norm]).
    returns: "before" (the total norm measured before scaling, right) or "after" (the total norm
        of the clipped gradients).
    clamp: False leaves the coefficient max_norm / (norm + eps) unclamped (small gradients grow).
    eps: the term added to the norm in the coefficient's denominator (1e-6 in PyTorch).
    inf: "max" (the largest |g| for p = inf, right) or "power_sum" (sum(|g|^p)^(1/p) for every
        p, which for p = inf is inf^0 or 0^0 = 1).
    outer: "p" (the per-tensor norms combined with the same p, right) or "two" (combined with
        the default 2-norm whatever p is).
    order: "given" (norm_type used, right) or "two" (every norm a 2-norm).
    apply: "in_place" (right) or "copy" (new tensors computed, the given ones left unchanged).
    """

    def compute(*, grads: Grads, max_norm: float, norm_type: float = 2.0) -> Result:
        work = _clones(grads)
        present = [g for g in work if g is not None]
        p = 2.0 if order == "two" else float(norm_type)

        def norm(t: Tensor, q: float) -> Tensor:
            if inf == "power_sum":
                return t.abs().pow(q).sum().pow(1.0 / q)
            return _vector_norm(t, q)

        def total(tensors: list[Tensor]) -> Tensor:
            norms = _stack([norm(t, p) for t in tensors])
            return norm(norms, 2.0 if outer == "two" else p)

        before = total(present)
        if clip == "value":
            for g in present:
                g.clamp_(-max_norm, max_norm)
        else:
            groups = (
                [(present, before)] if clip == "global" else [([g], total([g])) for g in present]
            )
            for group, size in groups:
                coef = max_norm / (size + eps)
                if clamp:
                    coef = _clamp(coef, max=1.0)
                for g in group:
                    g.mul_(coef)
        returned = before if returns == "before" else total(present)
        return returned, (_clones(grads) if apply == "copy" else work)

    return compute


# -- the cases -----------------------------------------------------------------------------------

Shape = tuple[int, ...] | None  # None: a parameter without a gradient

# (label, shapes, max_norm, norm_type, scale of the gradients)
_CASES: tuple[tuple[str, tuple[Shape, ...], float, float, float], ...] = (
    (
        "p=2, a matrix [4, 3], a vector [3] and a 0-d tensor, clipped",
        ((4, 3), (3,), ()),
        1.0,
        2.0,
        2.0,
    ),
    ("p=2, [3, 2] and [2], below max_norm (untouched)", ((3, 2), (2,)), 5.0, 2.0, 0.1),
    ("p=1, [2, 5], None, [5], clipped", ((2, 5), None, (5,)), 2.0, 1.0, 1.0),
    ("p=inf, [3, 4] and [4], clipped", ((3, 4), (4,)), 1.0, math.inf, 2.0),
    ("p=inf, None, [4] and [2, 2], below max_norm", (None, (4,), (2, 2)), 3.0, math.inf, 0.2),
    ("p=3, [2, 3], [3] and a 0-d tensor, clipped", ((2, 3), (3,), ()), 0.5, 3.0, 2.0),
    ("p=1.5, [4, 2] and [2], below max_norm", ((4, 2), (2,)), 4.0, 1.5, 0.2),
    ("one tensor only, [5, 4], p=2, clipped", ((5, 4),), 1.0, 2.0, 1.0),
    (
        "tiny gradients (x0.001), [3, 3] and [3], p=2, max_norm 0.001",
        ((3, 3), (3,)),
        1e-3,
        2.0,
        1e-3,
    ),
    (
        "exploding gradients (x100), [6, 4], [4] and [4, 4], p=2, max_norm 5",
        ((6, 4), (4,), (4, 4)),
        5.0,
        2.0,
        100.0,
    ),
)


def cases(seed: int) -> list[kit.Case]:
    """Gradients ~ N(0, 1) times the case's scale, in float64 from `seed`."""
    drawn = []
    for index, (label, shapes, max_norm, norm_type, scale) in enumerate(_CASES):
        gen = kit.generator(seed, index)
        grads: Grads = [
            None if shape is None else _randn(shape, generator=gen, dtype=torch.float64) * scale
            for shape in shapes
        ]
        inputs: dict[str, Any] = {"grads": grads, "max_norm": max_norm, "norm_type": norm_type}
        # Tiny gradients are held to a tolerance as tiny (atol times the scale): there the 1e-6
        # in the coefficient's denominator weighs more than float32's rounding.
        drawn.append(kit.Case(label, inputs, scale=min(scale, 1.0)))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "clip_grad_norm.per_tensor",
        "Your code clips each gradient to max_norm on its own norm. clip_grad_norm_ measures ONE"
        " total norm over all the gradients (as if they were concatenated into one vector) and"
        " scales every gradient by the same coefficient, so the update keeps its direction.",
        zh=(
            "你的程式碼把每個梯度依它自己的範數各自裁剪到 max_norm。clip_grad_norm_"
            " 是對所有梯度量「一個」總範數（就像把它們串成一個向量），再把每個梯度乘上同一個"
            "係數，更新的方向因此不變。"
        ),
        flags={"clip": "per_tensor"},
    ),
    kit.Mistake(
        "clip_grad_norm.returns_clipped_norm",
        "Your function returns the total norm measured AFTER clipping, which is never above"
        " max_norm. clip_grad_norm_ returns the norm measured before scaling: the number you log"
        " to see gradient spikes. Compute it first and return that tensor.",
        zh=(
            "你的函數回傳的是裁剪「之後」量到的總範數，它永遠不會超過 max_norm。clip_grad_norm_"
            " 回傳的是縮放之前的範數：也就是你記錄下來、用來看出梯度暴衝的那個數。請先算出它，"
            "再回傳這個張量。"
        ),
        flags={"returns": "after"},
    ),
    kit.Mistake(
        "clip_grad_norm.scales_up",
        "Your code multiplies the gradients by max_norm / (total_norm + 1e-6) even when the norm"
        " is already below max_norm, so small gradients are scaled UP to max_norm. Clamp the"
        " coefficient to at most 1.0 (torch.clamp(coef, max=1.0)): clipping only shrinks.",
        zh=(
            "即使範數已經低於 max_norm，你的程式碼仍把梯度乘上 max_norm / (total_norm + 1e-6)，"
            "於是小的梯度被「放大」到 max_norm。請把係數夾在 1.0 以下"
            "（torch.clamp(coef, max=1.0)）：裁剪只會縮小。"
        ),
        flags={"clamp": False},
    ),
    kit.Mistake(
        "clip_grad_norm.clips_by_value",
        "Your code clamps every element to [-max_norm, max_norm]: that is clip_grad_value_, not"
        " norm clipping. It leaves small entries as they are and cuts large ones, which turns"
        " the gradient's direction. Scale every gradient by one coefficient,"
        " min(1, max_norm / (total_norm + 1e-6)).",
        zh=(
            "你的程式碼把每個元素夾到 [-max_norm, max_norm]：那是 clip_grad_value_，不是依範數"
            "裁剪。它讓小的元素保持原樣、只砍大的元素，梯度的方向因此偏斜。請把每個梯度乘上同一個"
            "係數 min(1, max_norm / (total_norm + 1e-6))。"
        ),
        flags={"clip": "value"},
    ),
    kit.Mistake(
        "clip_grad_norm.no_epsilon",
        "Your coefficient is max_norm / total_norm: the 1e-6 that clip_grad_norm_ adds to the"
        " denominator is missing (the clipped gradients come out about 1e-6 / total_norm too"
        " large, relative). It keeps a zero norm from dividing by zero; use"
        " max_norm / (total_norm + 1e-6).",
        zh=(
            "你的係數是 max_norm / total_norm：少了 clip_grad_norm_ 加在分母上的 1e-6（裁剪後的梯度"
            "相對大了約 1e-6 / total_norm）。它讓範數為零時不會除以零；請用"
            " max_norm / (total_norm + 1e-6)。"
        ),
        flags={"eps": 0.0},
    ),
    kit.Mistake(
        "clip_grad_norm.inf_as_power_sum",
        "With norm_type = inf your total norm is 1.0: sum(|g|^p) ** (1/p) with p = inf is"
        " inf ** 0 or 0 ** 0, which is 1 whatever the gradients are. The inf-norm is the largest"
        " |g| over all the gradients: handle p = inf on its own (g.abs().max()), or use"
        " torch.linalg.vector_norm(g, p), which does.",
        zh=(
            "在 norm_type = inf 時，你的總範數是 1.0：p = inf 時 sum(|g|^p) ** (1/p) 是"
            " inf ** 0 或 0 ** 0，不論梯度為何都是 1。inf 範數是所有梯度中最大的 |g|：請單獨處理"
            " p = inf（g.abs().max()），或使用會處理它的 torch.linalg.vector_norm(g, p)。"
        ),
        flags={"inf": "power_sum"},
    ),
    kit.Mistake(
        "clip_grad_norm.norms_combined_by_2",
        "Your code takes each gradient's p-norm but combines those norms with a 2-norm (as"
        " torch.stack(norms).norm() does by default). The total p-norm combines them with the"
        " same p: torch.linalg.vector_norm(torch.stack(norms), p), the max of the norms for"
        " p = inf.",
        zh=(
            "你的程式碼對每個梯度取 p 範數，卻用 2 範數把這些範數合起來（torch.stack(norms).norm()"
            " 預設就是如此）。總 p 範數要用同一個 p 合併：torch.linalg.vector_norm("
            "torch.stack(norms), p)，p = inf 時就是這些範數的最大值。"
        ),
        flags={"outer": "two"},
    ),
    kit.Mistake(
        "clip_grad_norm.ignores_norm_type",
        "Your code always uses the 2-norm: norm_type is never used. With norm_type = 1, 3 or inf"
        " the total norm, and so the coefficient, differ. Pass p to every norm"
        " (torch.linalg.vector_norm(g, norm_type)), for each gradient and for combining them.",
        zh=(
            "你的程式碼一律使用 2 範數：從未用到 norm_type。norm_type 為 1、3 或 inf 時，總範數"
            "以及係數都會不同。請把 p 傳給每一個範數（torch.linalg.vector_norm(g, norm_type)），"
            "不論是每個梯度的範數還是合併它們的範數。"
        ),
        flags={"order": "two"},
    ),
    kit.Mistake(
        "clip_grad_norm.not_in_place",
        "Your function returns the right total norm but leaves the given gradients as they were:"
        " `g = g * coef` makes a new tensor and the caller never sees it. clip_grad_norm_ changes"
        " the gradients in place: g.mul_(coef) on each tensor of the list.",
        zh=(
            "你的函數回傳了正確的總範數，給定的梯度卻原封不動：`g = g * coef` 建立了一個新的張量，"
            "呼叫端永遠看不到它。clip_grad_norm_ 是就地修改梯度：對串列中的每個張量呼叫"
            " g.mul_(coef)。"
        ),
        flags={"apply": "copy"},
    ),
]
