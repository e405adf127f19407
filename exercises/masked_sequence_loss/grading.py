"""Grading of masked_sequence_loss: the mean cross-entropy over the real (unpadded) tokens of a
padded batch, as F.cross_entropy computes it on those tokens alone.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_cross_entropy = F.cross_entropy
_arange = torch.arange

OUTPUT = "loss"
DIFFERENTIABLE = ("logits",)


def _valid(lengths: Tensor, steps: int, device: torch.device) -> Tensor:
    """[B, T] bool: True where t < lengths[b]."""
    return _arange(steps, device=device)[None, :] < lengths[:, None]


def reference(logits: Tensor, targets: Tensor, lengths: Tensor) -> Tensor:
    """F.cross_entropy (mean) over the valid tokens only: a 0-d tensor of the logits' dtype."""
    valid = _valid(lengths, logits.shape[1], logits.device)
    return _cross_entropy(logits[valid], targets[valid])


def variant(*, mask: str = "lengths", where: str = "losses", reduce: str = "tokens") -> kit.Model:
    """The loss written out with per-token losses [B, T] and a mask, slips switched on by flags.

    mask: "lengths" (t < lengths[b], right), "off_by_one" (t <= lengths[b]), "none" (all ones).
    where: "losses" (per-token losses times the mask, right) or "logits" (the logits times the
        mask, the losses summed unmasked).
    reduce: "tokens" (sum / number of valid tokens, right), "positions" (sum / (B * T)),
        "batch" (sum / B), "sequences" (each sequence's mean, then the mean over sequences),
        "batch_mean_first" (per-token losses averaged over the batch, pads included, into [T],
        then masked by broadcasting against the [B, T] mask and divided by the token count).
    """

    def compute(*, logits: Tensor, targets: Tensor, lengths: Tensor) -> Tensor:
        batch, steps, vocab = logits.shape
        positions = _arange(steps, device=logits.device)[None, :]
        if mask == "off_by_one":
            keep = positions <= lengths[:, None]
        elif mask == "none":
            keep = (positions >= 0).expand(batch, steps)
        else:
            keep = positions < lengths[:, None]
        m = keep.to(logits.dtype)
        if where == "logits":
            logits = logits * m[..., None]
        losses = _cross_entropy(
            logits.reshape(-1, vocab), targets.reshape(-1), reduction="none"
        ).reshape(batch, steps)
        kept = losses * m if where == "losses" else losses
        if reduce == "positions":
            return kept.sum() / (batch * steps)
        if reduce == "batch":
            return kept.sum() / batch
        if reduce == "sequences":
            return (kept.sum(1) / m.sum(1)).mean()
        if reduce == "batch_mean_first":
            return (losses.mean(0) * m).sum() / m.sum()
        return kept.sum() / m.sum()

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, B, T, V, lengths, scale)
_SHAPES = (
    ("B=3, T=5, V=7, lengths [5, 2, 4]", 3, 5, 7, [5, 2, 4], 1.0),
    ("B=1, T=4, V=5, lengths [3]", 1, 4, 5, [3], 1.0),
    ("B=4, T=3, V=6, no padding", 4, 3, 6, [3, 3, 3, 3], 1.0),
    ("B=3, T=4, V=5, every length 1", 3, 4, 5, [1, 1, 1], 1.0),
    ("B=2, T=6, V=1000, lengths [6, 3]", 2, 6, 1000, [6, 3], 1.0),
    ("B=3, T=4, V=8, lengths [4, 1, 3], large logits (x100)", 3, 4, 8, [4, 1, 3], 100.0),
    ("B=4, T=6, V=5, lengths [2, 5, 1, 3]", 4, 6, 5, [2, 5, 1, 3], 1.0),
    ("B=3, T=1, V=4", 3, 1, 4, [1, 1, 1], 1.0),
)


def cases(seed: int) -> list[kit.Case]:
    """Logits ~ N(0, 1) times the scale; targets uniform over the vocabulary, pads included."""
    drawn = []
    for index, (label, b, t, v, lengths, scale) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        logits = torch.randn(b, t, v, generator=gen, dtype=torch.float64) * scale
        targets = torch.randint(0, v, (b, t), generator=gen, dtype=torch.int64)
        inputs = {
            "logits": logits,
            "targets": targets,
            "lengths": torch.tensor(lengths, dtype=torch.int64),
        }
        drawn.append(kit.Case(label, inputs, scale=scale))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "masked_sequence_loss.unmasked",
        "Your loss is the mean cross-entropy over every position, pads included: `lengths` is"
        " never used. The targets at padded positions are filler, so their losses only add"
        " noise; average over the tokens with t < lengths[b] alone.",
        zh=(
            "你的損失是所有位置的平均交叉熵，填充也算在內：從未使用 `lengths`。填充位置上的 targets"
            " 只是填充用的值，它們的損失只會加入雜訊；請只對 t < lengths[b] 的詞取平均。"
        ),
        flags={"mask": "none"},
    ),
    kit.Mistake(
        "masked_sequence_loss.pads_in_mean",
        "Your loss zeroes the padded positions, then takes the mean over all B * T positions,"
        " as (loss * mask).mean() does: the pads still count in the denominator, so batches"
        " with more padding get smaller losses. Divide the masked sum by mask.sum(), the number"
        " of valid tokens.",
        zh=(
            "你的損失把填充位置歸零，然後對全部 B * T 個位置取平均，就像 (loss * mask).mean()："
            "填充仍在分母裡，於是填充越多的批次損失越小。請把遮罩後的總和除以有效詞的數量"
            " mask.sum()。"
        ),
        flags={"reduce": "positions"},
    ),
    kit.Mistake(
        "masked_sequence_loss.divided_by_batch",
        "Your loss sums the valid tokens' losses and divides by the batch size B: that is the"
        " mean loss per sequence summed over its tokens, which grows with the sequence length."
        " The task asks for the mean per token: divide by the number of valid tokens.",
        zh=(
            "你的損失把有效詞的損失加總後除以批次大小 B：這是每條序列各詞損失總和的平均，"
            "會隨序列長度變大。題目要的是逐詞平均：請除以有效詞的數量。"
        ),
        flags={"reduce": "batch"},
    ),
    kit.Mistake(
        "masked_sequence_loss.per_sequence_mean",
        "Your loss averages each sequence over its own tokens, then averages those B means:"
        " a token of a short sequence then weighs more than one of a long sequence. The"
        " per-token mean gives every valid token of the batch the same weight: the masked sum"
        " divided by the total number of valid tokens.",
        zh=(
            "你的損失先對每條序列在它自己的詞上取平均，再對這 B 個平均取平均：短序列的一個詞因此比"
            "長序列的一個詞更重。逐詞平均讓批次中每個有效詞的權重都相同：遮罩後的總和除以有效詞的總"
            "數。"
        ),
        flags={"reduce": "sequences"},
    ),
    kit.Mistake(
        "masked_sequence_loss.batch_mean_before_mask",
        "Your loss averages the per-token losses over the batch first, pads included, giving"
        " one number per time step ([T]), and only then multiplies by the [B, T] mask, which"
        " broadcasts without an error: each step's batch mean is counted once per valid token."
        " Mask the [B, T] losses before any reduction.",
        zh=(
            "你的損失先對批次取逐詞損失的平均（填充也算在內），每個時間步得到一個數（[T]），"
            "之後才乘上 [B, T] 的遮罩，而這會直接廣播、不報錯：每個時間步的批次平均被每個有效詞各算"
            "一次。請在任何彙總之前，先對 [B, T] 的損失套遮罩。"
        ),
        flags={"reduce": "batch_mean_first"},
    ),
    kit.Mistake(
        "masked_sequence_loss.mask_on_logits",
        "Your code multiplies the logits by the mask instead of the losses. Zero logits are not"
        " a zero loss: each padded position then adds log(V), the cross-entropy of a uniform"
        " guess. Compute the per-token losses first, then zero the padded ones.",
        zh=(
            "你的程式碼把遮罩乘在 logits 上，而不是損失上。logits 為零不代表損失為零："
            "每個填充位置都會加上 log(V)，也就是均勻猜測的交叉熵。請先算出逐詞損失，"
            "再把填充位置的損失歸零。"
        ),
        flags={"where": "logits"},
    ),
    kit.Mistake(
        "masked_sequence_loss.mask_off_by_one",
        "Your mask keeps t <= lengths[b], one position too many: the first pad of every"
        " sequence shorter than T counts as a real token. With 0-based steps a sequence of"
        " length L holds t = 0 .. L - 1, so the mask is arange(T) < lengths[:, None].",
        zh=(
            "你的遮罩保留 t <= lengths[b]，多了一個位置：每條短於 T 的序列的第一個填充被當成真實"
            "詞。時間步從 0 算起時，長度 L 的序列占 t = 0 .. L - 1，所以遮罩是 arange(T) <"
            " lengths[:, None]。"
        ),
        flags={"mask": "off_by_one"},
    ),
]


# -- structural probes ---------------------------------------------------------------------------


def _nudge_token(last: bool) -> Any:
    """The logits of each sequence's first or last valid token moved by a fixed amount."""

    def perturb(inputs: dict[str, Any]) -> dict[str, Any]:
        logits, lengths = inputs["logits"], inputs["lengths"]
        gen = torch.Generator().manual_seed(4321)
        noise = torch.randn(logits.shape, generator=gen, dtype=torch.float64)
        noise = noise.to(device=logits.device, dtype=logits.dtype)
        steps = _arange(logits.shape[1], device=logits.device)[None, :]
        pick = steps == (lengths[:, None] - 1 if last else 0)
        return {**inputs, "logits": logits + noise * pick[..., None].to(logits.dtype)}

    return perturb


PROBES = [
    kit.Probe(
        "structure.ignores_input",
        "the logits of each sequence's last real token (t = lengths[b] - 1)",
        _nudge_token(last=True),
        part_zh="每條序列最後一個真實詞（t = lengths[b] - 1）的 logits",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the logits of each sequence's first token (t = 0)",
        _nudge_token(last=False),
        part_zh="每條序列第一個詞（t = 0）的 logits",
    ),
]
