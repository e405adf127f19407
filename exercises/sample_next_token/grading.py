"""Grading of sample_next_token: temperature, top-k and top-p (nucleus) filtering of next-token
logits, then one token drawn per row with torch.multinomial and the caller's generator.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
torch has no sampler of its own, so the reference is the pipeline written out below with torch
ops, in float64, with the semantics of Hugging Face's TopKLogitsWarper and TopPLogitsWarper
(min_tokens_to_keep=1): every token tied with the k-th largest logit is kept, and top-p keeps the
token that crosses p. The probabilities are then cast to the logits' dtype and the token drawn
from them, as the learner must, from a copy of the case's generator (kit.fresh_generator).

The cases are drawn so that every decision (the top-k cut, the top-p cut, the drawn token) is
clear by a margin, for the reference and for every known mistake: ties are exact by
construction, any other gap is at least MARGIN, and the token does not move when the
probabilities move by a relative 1e-5 or are rounded to float32.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
from torch import Tensor

from exercises import kit

# Bound at import: the learner's file cannot change what the reference calls.
_softmax = torch.softmax
_sort = torch.sort
_topk = torch.topk
_cumsum = torch.cumsum
_multinomial = torch.multinomial
_randn = torch.randn
_randint = torch.randint
_rand = torch.rand
_Generator = torch.Generator

OUTPUT = ("probs", "token")
# torch has no ready-made sampler to forbid; torch.multinomial is the draw the task asks for.
FORBIDDEN: tuple[str, ...] = ()

# Every cut of the reference and of every mistake is at least this far from flipping: a logit
# that is not exactly tied with the k-th largest differs from it by MARGIN or more, and every
# cumulative probability compared with top_p differs from it by MARGIN or more.
MARGIN = 1e-3
# The drawn token must not change when the probabilities move by this much (relative).
TOKEN_WOBBLE = 1e-5

Result = tuple[Tensor, Tensor]


def _active_k(top_k: int | None, vocab: int) -> int:
    """The number of tokens top-k keeps at least, or 0 when it is off."""
    if top_k is None or top_k <= 0:
        return 0
    return min(int(top_k), vocab)


def _top_k(masked: Tensor, k: int, ties: str, margins: list[float] | None) -> Tensor:
    """The rows' logits (-inf where already removed) with top-k applied. ties: "keep" (every
    logit >= the k-th largest stays, right) or "exact" (exactly torch.topk's k indices)."""
    values, indices = _topk(masked, k, dim=-1)
    kth = values[..., -1:]
    if ties == "exact":
        keep = torch.zeros_like(masked, dtype=torch.bool).scatter(-1, indices, True)
        remove = ~keep
    else:
        remove = masked < kth
    if margins is not None:
        gaps = (masked - kth).abs()
        counted = torch.isfinite(masked) & torch.isfinite(kth) & (gaps > 0)
        if bool(counted.any()):
            margins.append(float(gaps[counted].min()))
    return masked.masked_fill(remove, -math.inf)


def _top_p(
    masked: Tensor, probs: Tensor, top_p: float, crossing: str, margins: list[float] | None
) -> Tensor:
    """The rows' logits with top-p applied on `probs` (the distribution at this point: zero where
    removed). crossing: "include" (the smallest prefix whose cumulative probability reaches
    top_p, the crossing token included, right) or "exclude" (the tokens whose cumulative
    probability, their own included, stays <= top_p; the most probable is always kept)."""
    sorted_probs, order = _sort(probs, dim=-1, descending=True)
    upto = _cumsum(sorted_probs, dim=-1)
    before = upto - sorted_probs
    if crossing == "exclude":
        compared = upto
        remove_sorted = upto > top_p
        remove_sorted[..., 0] = False
    else:
        compared = before
        remove_sorted = before >= top_p
    if margins is not None:
        live = sorted_probs > 0
        margins.append(float((compared - top_p).abs()[live].min()))
        # A cut between two tied tokens would keep one of them by the sort's whim.
        tied = sorted_probs[..., 1:] == sorted_probs[..., :-1]
        split = remove_sorted[..., 1:] != remove_sorted[..., :-1]
        if bool((tied & split & live[..., 1:]).any()):
            margins.append(0.0)
    remove = torch.zeros_like(remove_sorted).scatter(-1, order, remove_sorted)
    return masked.masked_fill(remove, -math.inf)


def _sample(
    logits: Tensor,
    temperature: float,
    top_k: int | None,
    top_p: float,
    generator: torch.Generator,
    *,
    scaling: str = "divide",
    ties: str = "keep",
    crossing: str = "include",
    space: str = "logits",
    order: str = "k_then_p",
    token: str = "sample",
    margins: list[float] | None = None,
) -> Result:
    """The pipeline of the README in float64; the keyword flags switch on the slips (variant).
    `margins`, when given, collects how far every cut is from flipping."""
    x = logits.to(torch.float64)
    if scaling == "divide":
        x = x / temperature
    elif scaling == "multiply":
        x = x * temperature
    full = _softmax(x, dim=-1)

    def distribution(masked: Tensor) -> Tensor:
        if space == "probs":  # one softmax over everything, removed tokens zeroed
            return full.masked_fill(masked == -math.inf, 0.0)
        return _softmax(masked, dim=-1)

    k = _active_k(top_k, x.shape[-1])
    steps = ["k", "p"] if order == "k_then_p" else ["p", "k"]
    masked = x
    for step in steps:
        if step == "k" and k > 0:
            masked = _top_k(masked, k, ties, margins)
        elif step == "p" and top_p < 1.0:
            masked = _top_p(masked, distribution(masked), top_p, crossing, margins)
    probs = distribution(masked)
    if scaling == "after_softmax":
        probs = probs / temperature
    probs = probs.to(logits.dtype)
    if token == "argmax":
        drawn = probs.argmax(dim=-1)
    else:
        drawn = _multinomial(probs, 1, generator=kit.fresh_generator(generator)).squeeze(1)
    return probs, drawn


def reference(
    logits: Tensor,
    temperature: float,
    top_k: int | None,
    top_p: float,
    generator: torch.Generator,
) -> Result:
    """(probs [B, V] in the logits' dtype, token [B] int64): logits / temperature, top-k (ties
    kept), top-p (crossing token kept), softmax over the kept logits, then
    torch.multinomial(probs, 1, generator=copy of generator).squeeze(1)."""
    return _sample(logits, temperature, top_k, top_p, generator)


def variant(
    *,
    scaling: str = "divide",
    ties: str = "keep",
    crossing: str = "include",
    space: str = "logits",
    order: str = "k_then_p",
    token: str = "sample",
) -> kit.Model:
    """The sampler with slips switched on by the flags.

    scaling: "divide" (logits / T, right), "ignored" (T never used, or the probabilities divided
        by T and renormalised, which cancels), "multiply" (logits * T, or probs ** T
        renormalised), "after_softmax" (the probabilities divided by T at the end, unnormalised).
    ties: "keep" (right) or "exact" (exactly k tokens, torch.topk's pick among ties).
    crossing: "include" (right) or "exclude" (the token that crosses top_p is dropped).
    space: "logits" (right: filter the logits, one softmax over the kept ones) or "probs" (one
        softmax over all, removed tokens zeroed, never renormalised; top-p sums those).
    order: "k_then_p" (right) or "p_then_k".
    token: "sample" (right) or "argmax" (the most probable token, no draw).
    """

    def compute(
        *,
        logits: Tensor,
        temperature: float,
        top_k: int | None,
        top_p: float,
        generator: torch.Generator,
    ) -> Result:
        return _sample(
            logits,
            temperature,
            top_k,
            top_p,
            generator,
            scaling=scaling,
            ties=ties,
            crossing=crossing,
            space=space,
            order=order,
            token=token,
        )

    return compute


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "sample_next_token.temperature_ignored",
        "Your probabilities are those of temperature 1: the temperature changes nothing. That is"
        " what leaving it out gives, and also dividing the probabilities by T and renormalising"
        " (the division cancels). Divide the logits by T before the softmax: T < 1 sharpens the"
        " distribution, T > 1 flattens it.",
        zh=(
            "你的機率是溫度 1 的機率：溫度完全沒有作用。漏掉溫度會這樣，把機率除以 T"
            " 再重新正規化也會這樣（除法被抵消了）。請在 softmax 之前把 logits 除以 T："
            "T < 1 讓分布更尖銳，T > 1 讓分布更平坦。"
        ),
        flags={"scaling": "ignored"},
    ),
    kit.Mistake(
        "sample_next_token.temperature_after_softmax",
        "Your code divides the probabilities by T after the softmax: the rows then sum to 1 / T,"
        " and the shape of the distribution is still that of temperature 1. The temperature"
        " belongs inside the softmax: softmax(logits / T).",
        zh=(
            "你的程式碼在 softmax 之後才把機率除以 T：每列的總和於是變成 1 / T，"
            "分布的形狀仍是溫度 1 的形狀。溫度要放在 softmax 裡面：softmax(logits / T)。"
        ),
        flags={"scaling": "after_softmax"},
    ),
    kit.Mistake(
        "sample_next_token.temperature_inverted",
        "Your code multiplies the logits by T (or raises the probabilities to the power T): a"
        " temperature above 1 then sharpens the distribution instead of flattening it. Divide"
        " the logits by T.",
        zh=(
            "你的程式碼把 logits 乘以 T（或把機率取 T 次方）：溫度大於 1 時分布反而變尖銳，"
            "而不是變平坦。請把 logits 除以 T。"
        ),
        flags={"scaling": "multiply"},
    ),
    kit.Mistake(
        "sample_next_token.top_k_drops_ties",
        "Your top-k keeps exactly k tokens, torch.topk's indices, even when other tokens tie"
        " with the k-th largest logit: which of the tied tokens survive then depends on"
        " torch.topk's order. This exercise keeps every token whose logit is >= the k-th"
        " largest, as Hugging Face's TopKLogitsWarper does: logits < topk(logits, k).values[...,"
        " -1:] are the ones to remove.",
        zh=(
            "你的 top-k 只保留剛好 k 個詞，也就是 torch.topk 給的索引，"
            "即使還有別的詞與第 k 大的 logit 相等：哪些相等的詞能留下，"
            "就取決於 torch.topk 的順序。本題保留 logit >= 第 k 大值的所有詞，"
            "與 Hugging Face 的 TopKLogitsWarper 相同：要移除的是"
            " logits < topk(logits, k).values[..., -1:] 的詞。"
        ),
        flags={"ties": "exact"},
    ),
    kit.Mistake(
        "sample_next_token.top_p_excludes_crossing",
        "Your top-p drops the token that makes the cumulative probability cross top_p: it keeps"
        " only the tokens whose cumulative probability, their own included, stays <= top_p, so"
        " the kept mass falls short of top_p. The nucleus is the smallest prefix (most probable"
        " first) whose cumulative probability reaches top_p, the crossing token included: remove"
        " a token when the probability BEFORE it already reaches top_p (shift the mask right by"
        " one).",
        zh=(
            "你的 top-p 丟掉了讓累積機率越過 top_p 的那個詞：它只保留累積機率（含自己）"
            "<= top_p 的詞，所以保留的機率總和不到 top_p。核集合是由最可能的詞排起、"
            "累積機率達到 top_p 的最短前綴，包含越過的那個詞：當一個詞「之前」的累積機率"
            "已經達到 top_p 時才移除它（把遮罩向右移一格）。"
        ),
        flags={"crossing": "exclude"},
    ),
    kit.Mistake(
        "sample_next_token.not_renormalised",
        "Your code takes one softmax over the whole vocabulary, then zeroes the filtered tokens"
        " without renormalising: the rows no longer sum to 1 (and top-p after top-k then sums"
        " probabilities that do not add up to 1). Filter the logits (set the removed ones to"
        " -inf) and take the softmax after filtering, or divide the kept probabilities by their"
        " sum after every filter.",
        zh=(
            "你的程式碼對整個詞彙表做一次 softmax，再把被篩掉的詞歸零，卻沒有重新正規化："
            "每列的總和不再是 1（而且 top-k 之後的 top-p 累加的機率總和也不是 1）。"
            "請篩選 logits（把移除的設為 -inf），篩選之後才做 softmax；"
            "或在每次篩選後把保留的機率除以它們的總和。"
        ),
        flags={"space": "probs"},
    ),
    kit.Mistake(
        "sample_next_token.top_p_before_top_k",
        "Your code applies top-p before top-k. The order matters: top-k first cuts the"
        " vocabulary to the k most likely tokens, then top-p takes the nucleus of that"
        " renormalised distribution (as Hugging Face's warpers run: temperature, top-k, top-p).",
        zh=(
            "你的程式碼先做 top-p 再做 top-k。順序很重要：先由 top-k 把詞彙表縮到最可能的 k"
            " 個詞，再由 top-p 在重新正規化後的分布上取核集合（與 Hugging Face 的 warper"
            " 順序相同：溫度、top-k、top-p）。"
        ),
        flags={"order": "p_then_k"},
    ),
    kit.Mistake(
        "sample_next_token.argmax_token",
        "Your token is the most probable one (argmax), not a sample: that is greedy decoding."
        " Draw it from the filtered distribution with"
        " torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1).",
        zh=(
            "你的詞是機率最高的那一個（argmax），不是採樣而來：那是貪婪解碼。請用"
            " torch.multinomial(probs, num_samples=1, generator=generator).squeeze(1)"
            " 從篩選後的分布採樣。"
        ),
        flags={"token": "argmax"},
    ),
]


# -- the cases -----------------------------------------------------------------------------------


class _Spec(NamedTuple):
    """One graded case. `ties` > 0 makes that many more logits of each row exactly equal to the
    k-th largest; `targets` are the mistakes (ids without the prefix) that must give another
    result than the reference on this case."""

    label: str
    batch: int
    vocab: int
    temperature: float
    top_k: int | None
    top_p: float
    spread: float = 2.0
    ties: int = 0
    targets: tuple[str, ...] = ()


# fmt: off
_CASES = (
    _Spec("B=3, V=8, T=1, no filtering (top_k=0, top_p=1)", 3, 8, 1.0, 0, 1.0,
          targets=("argmax_token",)),
    _Spec("B=2, V=10, T=0.7, top_k=4", 2, 10, 0.7, 4, 1.0,
          targets=("temperature_ignored", "temperature_after_softmax", "temperature_inverted",
                   "not_renormalised")),
    _Spec("B=4, V=12, T=1.5, top_p=0.8", 4, 12, 1.5, None, 0.8,
          targets=("top_p_excludes_crossing", "not_renormalised", "temperature_ignored",
                   "temperature_inverted", "argmax_token")),
    _Spec("B=1, V=6, T=1, top_k=1 (greedy)", 1, 6, 1.0, 1, 1.0,
          targets=("not_renormalised",)),
    _Spec("B=3, V=9, T=0.8, top_k=5, top_p=0.7", 3, 9, 0.8, 5, 0.7,
          targets=("top_p_before_top_k", "not_renormalised", "top_p_excludes_crossing")),
    _Spec("B=3, V=10, T=1.3, top_k=3, ties at the 3rd largest logit", 3, 10, 1.3, 3, 1.0,
          ties=1, targets=("top_k_drops_ties",)),
    _Spec("B=2, V=5, T=2, top_k=None, top_p=0.9", 2, 5, 2.0, None, 0.9,
          targets=("temperature_ignored", "temperature_inverted", "temperature_after_softmax")),
    _Spec("B=1, V=11, T=0.5, top_k=6, top_p=0.6", 1, 11, 0.5, 6, 0.6, spread=1.0,
          targets=("top_p_before_top_k",)),
    _Spec("B=2, V=7, T=0.6, top_k=2, three logits tied at the 2nd largest", 2, 7, 0.6, 2, 1.0,
          spread=1.0, ties=2, targets=("top_k_drops_ties", "temperature_inverted")),
)
# fmt: on

_ATTEMPTS = 500


# The reference ("", no flags) and every mistake, by id without the prefix -> its flags.
_FLAGS: dict[str, dict[str, Any]] = {
    "": {},
    **{m.id.split(".", 1)[1]: dict(m.flags) for m in MISTAKES},
}


def _steady(probs: Tensor, generator: torch.Generator, want: Tensor) -> bool:
    """Whether the draw stays `want` when the probabilities wobble or are rounded to float32."""
    wobble = _Generator().manual_seed(12345)
    tries = [probs.to(torch.float32)]
    for _ in range(3):
        noise = _rand(probs.shape, generator=wobble, dtype=torch.float64) * 2 - 1
        tries.append(probs * (1 + TOKEN_WOBBLE * noise))
    for moved in tries:
        got = _multinomial(moved, 1, generator=kit.fresh_generator(generator)).squeeze(1)
        if not torch.equal(got, want):
            return False
    return True


def _differs(a: Result, b: Result, tol: float = 1e-6) -> bool:
    if not torch.equal(a[1], b[1]):
        return True
    return bool(((a[0] - b[0]).abs() > tol).any())


def _clear(inputs: dict[str, Any], spec: _Spec) -> bool:
    """Whether every cut of the reference and of every mistake is clear by MARGIN, every draw is
    steady, the excluding top-p keeps at least one token by itself, and the targeted mistakes
    give other results than the reference."""
    want = reference(**inputs)
    for name, flags in _FLAGS.items():
        margins: list[float] = []
        probs, drawn = _sample(**inputs, **flags, margins=margins)
        if margins and min(margins) < MARGIN:
            return False
        if flags.get("token") != "argmax" and not _steady(probs, inputs["generator"], drawn):
            return False
        if name in spec.targets and not _differs((probs, drawn), want):
            return False
        # The same decisions in float32 (ties stay ties, torch.topk picks alike).
        low = _sample(**{**inputs, "logits": inputs["logits"].to(torch.float32)}, **flags)
        if _differs((low[0].to(torch.float64), low[1]), (probs, drawn), 1e-5):
            return False
    if spec.top_p < 1.0:
        # Even code that drops the crossing token without keeping the first must keep one: the
        # most probable token (after temperature and top-k) stays below top_p.
        before_p, _drawn = reference(**{**inputs, "top_p": 1.0})
        if bool((before_p.max(dim=-1).values >= inputs["top_p"] - MARGIN).any()):
            return False
    return True


def _logits(gen: torch.Generator, spec: _Spec) -> Tensor:
    """N(0, spread^2) logits; with `ties`, the next `ties` logits below the k-th largest of each
    row are set exactly to it."""
    logits = _randn(spec.batch, spec.vocab, generator=gen, dtype=torch.float64) * spec.spread
    if spec.ties and spec.top_k:
        order = logits.argsort(dim=-1, descending=True)
        kth = logits.gather(-1, order[:, spec.top_k - 1 : spec.top_k])
        tied = order[:, spec.top_k : spec.top_k + spec.ties]
        logits = logits.scatter(-1, tied, kth.expand(-1, spec.ties))
    return logits


def cases(seed: int) -> list[kit.Case]:
    """Logits and a sampling generator per case, redrawn (from the case's own stream) until
    every decision is clear and the case tells its targeted mistakes from the reference."""
    drawn = []
    for index, spec in enumerate(_CASES):
        gen = kit.generator(seed, index)
        for _ in range(_ATTEMPTS):
            logits = _logits(gen, spec)
            sampler_seed = int(_randint(0, 2**31 - 1, (), generator=gen))
            inputs = {
                "logits": logits,
                "temperature": spec.temperature,
                "top_k": spec.top_k,
                "top_p": spec.top_p,
                "generator": _Generator().manual_seed(sampler_seed),
            }
            if _clear(inputs, spec):
                break
        else:
            raise RuntimeError(f"sample_next_token: no clear draw for case {spec.label!r}")
        drawn.append(kit.Case(spec.label, inputs))
    return drawn
