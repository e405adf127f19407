"""Grading of attention_step: one decoder step of dot-product attention over padded encoder outputs,
as F.scaled_dot_product_attention computes it with a boolean source mask.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn.attention import SDPBackend, sdpa_kernel

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_sdpa = F.scaled_dot_product_attention
_sdpa_kernel = sdpa_kernel
_MATH = SDPBackend.MATH
_softmax = torch.softmax
_matmul = torch.matmul
_randn = torch.randn
_arange = torch.arange
_tensor = torch.tensor
_sqrt = math.sqrt
_inf = math.inf

OUTPUT = ("context", "weights")
DIFFERENTIABLE = ("query", "keys", "values")
# The exercise is the attention step itself: the ready-made attention functions are refused.
FORBIDDEN = (
    "torch.nn.functional.scaled_dot_product_attention",
    "torch.nn.functional.multi_head_attention_forward",
    "torch.nn.MultiheadAttention",
)

KINDS = ("dot", "scaled")


def _scale(kind: str, hidden: int) -> float:
    if kind not in KINDS:
        raise ValueError(f"kind must be 'dot' or 'scaled', not {kind!r}")
    return 1.0 if kind == "dot" else 1.0 / _sqrt(hidden)


def reference(
    query: Tensor, keys: Tensor, values: Tensor, mask: Tensor, kind: str
) -> tuple[Tensor, Tensor]:
    """(context [B, H], weights [B, S]): the context from torch's own scaled_dot_product_attention
    (one query per row, attn_mask True where a token takes part), the weights it applies as the
    masked softmax of the same scores."""
    scale = _scale(kind, query.shape[-1])
    q = query.unsqueeze(1)  # [B, 1, H]: one query per batch row
    attn_mask = mask.unsqueeze(1)  # [B, 1, S], True where a token takes part
    if q.is_cuda:
        # The plain-arithmetic kernel: the fused ones may round float32 products like TF32.
        with _sdpa_kernel(_MATH):
            context = _sdpa(q, keys, values, attn_mask=attn_mask, scale=scale).squeeze(1)
    else:
        context = _sdpa(q, keys, values, attn_mask=attn_mask, scale=scale).squeeze(1)
    scores = _matmul(q, keys.transpose(1, 2)).squeeze(1) * scale  # [B, S]
    weights = _softmax(scores.masked_fill(~mask, -_inf), dim=-1)
    return context, weights


def variant(
    *,
    mask_as: str = "neg_inf",
    axis: str = "source",
    scale_scaled: bool = True,
    scale_dot: bool = False,
    root: str = "sqrt",
    read: str = "values",
) -> kit.Model:
    """The step written out (scores, mask, softmax, weighted sum), slips switched on by flags.

    mask_as: "neg_inf" (padding scores set to -inf before the softmax, right), "after_softmax"
        (softmax over every position, then the padding weights zeroed, rows not renormalised),
        "zero" (padding scores set to 0 before the softmax), "none" (the mask never used).
    axis: "source" (softmax over the S positions of each row, right), "batch" (over axis 0).
    scale_scaled: False leaves 'scaled' scores undivided.
    scale_dot: True divides 'dot' scores too.
    root: "sqrt" (divide by sqrt(H), right) or "h" (divide by H).
    read: "values" (context = weights @ values, right) or "keys" (weights @ keys).
    """

    def compute(*, query: Tensor, keys: Tensor, values: Tensor, mask: Tensor, kind: str) -> Any:
        _scale(kind, query.shape[-1])
        hidden = query.shape[-1]
        scores = _matmul(keys, query.unsqueeze(-1)).squeeze(-1)  # [B, S]
        if (kind == "scaled" and scale_scaled) or (kind == "dot" and scale_dot):
            scores = scores / (_sqrt(hidden) if root == "sqrt" else hidden)
        if mask_as == "neg_inf":
            scores = scores.masked_fill(~mask, -_inf)
        elif mask_as == "zero":
            scores = scores.masked_fill(~mask, 0.0)
        weights = _softmax(scores, dim=0 if axis == "batch" else 1)
        if mask_as == "after_softmax":
            weights = weights.masked_fill(~mask, 0.0)
        source = keys if read == "keys" else values
        context = _matmul(weights.unsqueeze(1), source).squeeze(1)
        return context, weights

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (B, S, H, lengths, left-padded, kind, query and keys scale, tolerance scale). Every batch is
# padded to its longest source, so each position s is a real token of some row.
_SHAPES = (
    (3, 5, 4, [5, 2, 4], False, "dot", 1, 1),
    (3, 5, 4, [3, 5, 1], False, "scaled", 1, 1),
    (1, 4, 3, [4], False, "scaled", 1, 1),
    (2, 1, 5, [1, 1], False, "dot", 1, 1),
    (4, 6, 6, [6, 3, 5, 2], True, "scaled", 1, 1),
    (2, 7, 16, [4, 7], False, "scaled", 1, 1),
    (5, 3, 2, [1, 3, 2, 3, 1], False, "dot", 1, 1),
    (3, 4, 8, [4, 1, 2], False, "dot", 30, 100),  # large scores: a bare exp() overflows
)


def _label(b: int, s: int, h: int, lengths: list[int], left: bool, kind: str, big: int) -> str:
    """The case's name, e.g. "B=4, S=6, H=6, left-padded [6, 3, 5, 2], scaled"."""
    if min(lengths) == s:
        padding = "no padding"
    else:
        padding = f"{'left-padded' if left else 'lengths'} {lengths}"
    large = f", query and keys x{big}" if big != 1 else ""
    return f"B={b}, S={s}, H={h}, {padding}, {kind}{large}"


def cases(seed: int) -> list[kit.Case]:
    """query, keys and values ~ N(0, 1) (query and keys times the case's scale); the mask is
    True at the first lengths[b] positions of row b (the last ones when left-padded)."""
    drawn = []
    for index, (b, s, h, lengths, left, kind, big, tol) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        query = _randn(b, h, generator=gen, dtype=torch.float64) * big
        keys = _randn(b, s, h, generator=gen, dtype=torch.float64) * big
        values = _randn(b, s, h, generator=gen, dtype=torch.float64)
        length = _tensor(lengths, dtype=torch.int64)[:, None]
        steps = _arange(s)[None, :]
        mask = steps >= s - length if left else steps < length
        inputs = {"query": query, "keys": keys, "values": values, "mask": mask, "kind": kind}
        label = _label(b, s, h, lengths, left, kind, big)
        drawn.append(kit.Case(label, inputs, scale=float(tol)))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "attention_step.mask_after_softmax",
        "Your code takes the softmax over every source position, padding included, and only"
        " then zeroes the weights of the padding: each row with padding now sums to less than 1,"
        " and the real tokens keep the small weights they had next to the pads. Mask the SCORES"
        " before the softmax (scores.masked_fill(~mask, float('-inf'))), so the softmax spreads"
        " the whole weight over the real tokens.",
        zh=(
            "你的程式碼先在所有來源位置（包括填充）上做 softmax，之後才把填充的權重歸零："
            "每一列有填充的權重加總都小於 1，而真實詞仍保有它們與填充並列時那份較小的權重。請在"
            " softmax「之前」遮罩分數（scores.masked_fill(~mask, float('-inf'))），讓 softmax"
            " 把全部權重分給真實詞。"
        ),
        flags={"mask_as": "after_softmax"},
    ),
    kit.Mistake(
        "attention_step.mask_with_zero",
        "Your code sets the scores of the padding to 0 before the softmax. A score of 0 is an"
        " ordinary score, not an absent one: exp(0) still gives every pad a share of the weight."
        " Fill the padding scores with -inf (or a very large negative number), whose exp is 0.",
        zh=(
            "你的程式碼在 softmax 之前把填充的分數設為 0。分數 0 是一個普通的分數，不代表沒有分數："
            "exp(0) 仍會讓每個填充分到一份權重。請把填充的分數填成 -inf（或很大的負數），它的 exp"
            " 才是 0。"
        ),
        flags={"mask_as": "zero"},
    ),
    kit.Mistake(
        "attention_step.mask_ignored",
        "Your code never uses the mask: the padding positions get attention weights like real"
        " tokens, and their encoder outputs leak into the context. Fill the scores of the"
        " positions where mask is False with -inf before the softmax.",
        zh=(
            "你的程式碼從未使用遮罩：填充位置像真實詞一樣得到注意力權重，它們的編碼器輸出也漏進了上"
            "下文。請在 softmax 之前，把 mask 為 False 的位置的分數填成 -inf。"
        ),
        flags={"mask_as": "none"},
    ),
    kit.Mistake(
        "attention_step.softmax_over_batch",
        "Your softmax runs over axis 0, the batch: each source position's weights sum to 1 across"
        " the sentences of the batch, and each row's weights do not. The attention of one"
        " decoder step is a distribution over ITS source positions: softmax(scores, dim=-1) on"
        " the [B, S] scores.",
        zh=(
            "你的 softmax 作用在第 0 軸，也就是批次上：每個來源位置的權重在批次中的各句子之間加總為"
            " 1，而每一列的權重並不加總為 1。一個解碼步的注意力是在「它自己的」來源位置上的分布：對"
            " [B, S] 的分數做 softmax(scores, dim=-1)。"
        ),
        flags={"axis": "batch"},
    ),
    kit.Mistake(
        "attention_step.scale_missing",
        "With kind='scaled' your scores are not divided by sqrt(H): that is the plain dot score."
        " Scaled dot-product attention divides keys[:, s] . query by sqrt(H), H the size of the"
        " vectors, so the scores' spread does not grow with H and the softmax does not saturate.",
        zh=(
            "kind='scaled' 時你的分數沒有除以 sqrt(H)：那是單純的內積分數。縮放內積注意力把 keys[:,"
            " s] . query 除以 sqrt(H)（H 是向量的大小），分數的分散程度才不會隨 H 變大，softmax"
            " 也不會飽和。"
        ),
        flags={"scale_scaled": False},
    ),
    kit.Mistake(
        "attention_step.scale_on_dot",
        "With kind='dot' your scores are divided by sqrt(H). Luong's dot score is the plain"
        " product keys[:, s] . query; only kind='scaled' divides it by sqrt(H).",
        zh=(
            "kind='dot' 時你的分數除以了 sqrt(H)。Luong 的 dot 分數是單純的乘積 keys[:, s] ."
            " query；只有 kind='scaled' 才除以 sqrt(H)。"
        ),
        flags={"scale_dot": True},
    ),
    kit.Mistake(
        "attention_step.scale_by_h",
        "Your scaled scores are divided by H, not by sqrt(H). The dot product of two vectors of H"
        " unit-variance entries has variance H, so dividing by sqrt(H) brings it back to 1:"
        " scores / math.sqrt(H).",
        zh=(
            "你縮放後的分數除以的是 H，不是 sqrt(H)。兩個 H 維向量的每個元素變異數若都是 1，"
            "它們內積的變異數就是 H，所以除以 sqrt(H) 才能讓它回到 1：scores / math.sqrt(H)。"
        ),
        flags={"root": "h"},
    ),
    kit.Mistake(
        "attention_step.context_from_keys",
        "Your context is the weighted sum of the KEYS. The keys only score the positions; the"
        " context is the weighted sum of the VALUES: weights @ values, [B, S] x [B, S, H]."
        " (In a seq2seq model both are often the encoder outputs, which hides this slip.)",
        zh=(
            "你的上下文是 KEYS 的加權總和。keys 只用來為位置打分數；上下文是 VALUES 的加權總和："
            "weights @ values，[B, S] x [B, S, H]。（在 seq2seq 模型中兩者常常都是編碼器輸出，"
            "因此掩蓋了這個錯誤。）"
        ),
        flags={"read": "keys"},
    ),
]


# -- structural probes ---------------------------------------------------------------------------


def _nudge(name: str, real_only: bool) -> Any:
    """`name` moved by fixed noise (at the real positions only, for keys and values)."""

    def perturb(inputs: dict[str, Any]) -> dict[str, Any]:
        value = inputs[name]
        gen = torch.Generator().manual_seed(4321)
        noise = _randn(value.shape, generator=gen, dtype=torch.float64)
        noise = noise.to(device=value.device, dtype=value.dtype)
        if real_only:
            noise = noise * inputs["mask"][..., None].to(value.dtype)
        return {**inputs, name: value + noise}

    return perturb


PROBES = [
    kit.Probe(
        "structure.ignores_input",
        "the decoder state `query`",
        _nudge("query", False),
        part_zh="解碼器狀態 `query`",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the `keys` of the real tokens",
        _nudge("keys", True),
        part_zh="真實詞的 `keys`",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the `values` of the real tokens",
        _nudge("values", True),
        part_zh="真實詞的 `values`",
    ),
]
