"""Grading of beam_search: beam search over a toy language model, exactly as the README states.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
torch has no beam search, so the reference is the search written out below; the graded language
models are drawn so that every decision (top-k cut, final ranking) is clear of ties by a wide
margin (MARGIN, in float64), for the reference and for every known mistake, so float32 models
make the same decisions.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import torch
from torch import Tensor

from exercises import kit

# Bound at import: learner code that patches torch cannot change the model or the reference.
_randn = torch.randn
_randint = torch.randint
_log_softmax = torch.log_softmax
_Generator = torch.Generator
_exp = math.exp

OUTPUT = "best"
# Every decision of the reference and of every mistake is at least this far from a tie (in the
# score it is made on), so float32 rounding (about 1e-6 on these scores) cannot flip one.
MARGIN = 1e-3

Hypothesis = tuple[list[int], float]


class ToyLM:
    """A seeded toy language model: step(tokens) -> log-probabilities of the next token.

    The logits are N(0, spread^2) numbers drawn from a generator seeded by the whole prefix,
    plus `end_bias + end_growth * (len(prefix) - 1)` on the end token (the tokens generated so
    far), so ending grows likelier with length. Values are computed in float64 on the CPU
    (cached), then returned as a FRESH tensor in this model's dtype and device on every call.
    """

    def __init__(
        self,
        vocab: int,
        seed: int,
        end: int,
        *,
        spread: float,
        end_bias: float,
        end_growth: float,
        dtype: torch.dtype = torch.float64,
        device: torch.device | str = "cpu",
        cache: dict[tuple[int, ...], Tensor] | None = None,
    ) -> None:
        self.vocab = vocab
        self.seed = seed
        self.end = end
        self.spread = spread
        self.end_bias = end_bias
        self.end_growth = end_growth
        self.dtype = dtype
        self.device = torch.device(device)
        self._cache = {} if cache is None else cache

    def _logp(self, prefix: tuple[int, ...]) -> Tensor:
        logp = self._cache.get(prefix)
        if logp is None:
            key = zlib.crc32(struct.pack(f"<{len(prefix) + 1}q", self.seed, *prefix))
            gen = _Generator().manual_seed(key)
            logits = _randn(self.vocab, generator=gen, dtype=torch.float64) * self.spread
            logits[self.end] += self.end_bias + self.end_growth * (len(prefix) - 1)
            logp = _log_softmax(logits, 0)
            self._cache[prefix] = logp
        return logp

    def __call__(self, tokens: Sequence[int]) -> Tensor:
        prefix = tuple(int(t) for t in tokens)
        return self._logp(prefix).to(device=self.device, dtype=self.dtype, copy=True)

    def cast(self, dtype: torch.dtype, device: torch.device) -> ToyLM:
        return ToyLM(
            self.vocab,
            self.seed,
            self.end,
            spread=self.spread,
            end_bias=self.end_bias,
            end_growth=self.end_growth,
            dtype=dtype,
            device=device,
            cache=self._cache,
        )

    def _key(self) -> tuple[Any, ...]:
        return (self.vocab, self.seed, self.end, self.spread, self.end_bias, self.end_growth,
                self.dtype, self.device)  # fmt: skip

    def __eq__(self, other: object) -> bool:
        """The same model (a copy compares equal: the cache is not part of the model)."""
        return isinstance(other, ToyLM) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"ToyLM(vocab={self.vocab}, seed={self.seed}, end={self.end})"


def _search(
    step: Callable[[list[int]], Tensor],
    start: int,
    end: int,
    beam_width: int,
    max_len: int,
    alpha: float,
    *,
    greedy: bool = False,
    finish_on_end: bool = True,
    length_norm: bool = True,
    accumulate: str = "log",
    fixed_k: bool = False,
    length: str = "generated",
    live_at_end: str = "always",
    margins: list[float] | None = None,
) -> list[Hypothesis]:
    """The search of the README; the keyword flags switch on the known slips (see variant).
    `margins`, when given, collects the gap at every decision: the score of the k-th kept
    candidate minus the best dropped one, and between neighbours of the final ranking."""
    width = 1 if greedy else beam_width
    live: list[Hypothesis] = [([start], 0.0)]
    finished: list[Hypothesis] = []
    generated = 0
    while len(finished) < width and generated < max_len and live:
        k = width if fixed_k else width - len(finished)
        candidates: list[Hypothesis] = []
        for tokens, score in live:
            for token, logp in enumerate(step(list(tokens)).tolist()):
                gain = _exp(logp) if accumulate == "prob" else logp
                candidates.append(([*tokens, token], score + gain))
        candidates.sort(key=lambda c: c[1], reverse=True)
        if margins is not None and len(candidates) > k:
            margins.append(candidates[k - 1][1] - candidates[k][1])
        generated += 1
        live = []
        for tokens, score in candidates[:k]:
            done = finish_on_end and tokens[-1] == end
            (finished if done else live).append((tokens, score))
    if live_at_end == "always" or (live_at_end == "if_short" and len(finished) < width):
        finished += live

    def normalised(hyp: Hypothesis) -> float:
        tokens, score = hyp
        if not length_norm:
            return score
        count = len(tokens) - 1  # generated tokens, end included
        if length == "without_end" and tokens[-1] == end:
            count -= 1
        elif length == "with_start":
            count += 1
        return score / math.pow(count, alpha)

    ranked = sorted(
        ((tokens, normalised((tokens, s))) for tokens, s in finished), key=_score, reverse=True
    )
    if margins is not None:
        margins.extend(ranked[i][1] - ranked[i + 1][1] for i in range(min(width, len(ranked) - 1)))
    return [(tokens[1:], score) for tokens, score in ranked[:width]]


def _score(hyp: Hypothesis) -> float:
    return hyp[1]


def reference(
    step: Callable[[list[int]], Tensor],
    start: int,
    end: int,
    beam_width: int,
    max_len: int,
    alpha: float = 0.0,
) -> list[Hypothesis]:
    """Up to beam_width (tokens, normalised score) pairs, best first (torch has no beam search)."""
    return _search(step, start, end, beam_width, max_len, alpha)


def variant(
    *,
    greedy: bool = False,
    finish_on_end: bool = True,
    length_norm: bool = True,
    accumulate: str = "log",
    fixed_k: bool = False,
    length: str = "generated",
    live_at_end: str = "always",
) -> Callable[..., Any]:
    """The search with slips switched on by the flags.

    greedy: a beam of width 1 whatever beam_width is (returns one hypothesis).
    finish_on_end: False treats `end` like any other token (hypotheses go on after it).
    length_norm: False ignores alpha (ranks and reports the raw sum).
    accumulate: "log" (right) or "prob" (probabilities summed instead of log-probabilities).
    fixed_k: keeps beam_width candidates every step, however many have finished.
    length: "generated" (right), "without_end" (end not counted), "with_start" (start counted).
    live_at_end: "always" (the live ones join the finished after the loop; for the right search
        the same as "if_short"), "if_short" (only when fewer than beam_width have finished),
        "never" (live hypotheses dropped at max_len).
    """

    def compute(
        *,
        step: Callable[[list[int]], Tensor],
        start: int,
        end: int,
        beam_width: int,
        max_len: int,
        alpha: float = 0.0,
    ) -> list[Hypothesis]:
        return _search(
            step,
            start,
            end,
            beam_width,
            max_len,
            alpha,
            greedy=greedy,
            finish_on_end=finish_on_end,
            length_norm=length_norm,
            accumulate=accumulate,
            fixed_k=fixed_k,
            length=length,
            live_at_end=live_at_end,
        )

    return compute


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "beam_search.greedy",
        "Your search keeps a single hypothesis, the best token at every step, whatever"
        " beam_width is. Beam search keeps the beam_width best extensions of ALL live hypotheses"
        " (k x V candidates ranked by summed log-probability), so a prefix that starts worse can"
        " still win, and it returns up to beam_width hypotheses.",
        zh=(
            "不論 beam_width 是多少，你的搜尋都只保留一個假設，也就是每一步最好的詞。"
            "集束搜尋會保留所有存活假設的延伸中最好的 beam_width 個（k x V 個候選，"
            "依對數機率總和排名），所以開頭較差的前綴仍可能勝出，而且它最多回傳 beam_width 個假設。"
        ),
        flags={"greedy": True},
    ),
    kit.Mistake(
        "beam_search.expands_finished",
        "Your search goes on extending a hypothesis after it has emitted `end`. A kept hypothesis"
        " ending in `end` is finished: it leaves the beam, is no longer extended, and the beam"
        " shrinks to beam_width - len(finished).",
        zh=(
            "你的搜尋在假設輸出 `end` 之後仍繼續延伸它。保留下來且以 `end` 結尾的假設就已完成："
            "它離開集束、不再延伸，集束也縮小為 beam_width - len(finished)。"
        ),
        flags={"finish_on_end": False},
    ),
    kit.Mistake(
        "beam_search.no_length_norm",
        "Your search ignores alpha: it ranks and reports the raw sum of log-probabilities."
        " Finished hypotheses are ranked by sum / len(generated) ** alpha (and that normalised"
        " score is returned), because every extra token lowers a raw sum, so without it short"
        " outputs win.",
        zh=(
            "你的搜尋忽略了 alpha：它以對數機率的原始總和排名並回傳。已完成的假設要依 sum /"
            " len(generated) ** alpha 排名（回傳的也是這個正規化後的分數），因為每多一個詞，"
            "原始總和就會變小，不做正規化的話短的輸出會勝出。"
        ),
        flags={"length_norm": False},
    ),
    kit.Mistake(
        "beam_search.probabilities_summed",
        "Your search adds probabilities (exp of the log-probabilities) along a hypothesis. A"
        " sequence's probability is the PRODUCT of its token probabilities, so the score to add"
        " up is the log-probability: sum of step(tokens)[token], which step already returns.",
        zh=(
            "你的搜尋沿著假設把機率（對數機率的 exp）相加。序列的機率是各詞機率的「乘積」，"
            "所以要累加的分數是對數機率：step(tokens)[token] 的總和，而 step 回傳的已經是對數機率。"
        ),
        flags={"accumulate": "prob"},
    ),
    kit.Mistake(
        "beam_search.fixed_k",
        "Your search keeps beam_width candidates at every step even after some hypotheses have"
        " finished. Each finished hypothesis takes a slot: keep k = beam_width - len(finished)"
        " candidates, so the search stops once beam_width hypotheses are finished.",
        zh=(
            "即使已有假設完成，你的搜尋每一步仍保留 beam_width 個候選。每個已完成的假設都佔一個名"
            "額：保留 k = beam_width - len(finished) 個候選，這樣已完成的假設達到 beam_width"
            " 個時搜尋就會停止。"
        ),
        flags={"fixed_k": True},
    ),
    kit.Mistake(
        "beam_search.fixed_k",
        "Your search keeps beam_width candidates at every step even after some hypotheses have"
        " finished (and leaves the live ones out when it stops on the finished count). Each"
        " finished hypothesis takes a slot: keep k = beam_width - len(finished) candidates.",
        zh=(
            "即使已有假設完成，你的搜尋每一步仍保留 beam_width 個候選（而且因已完成的數量而停止時，"
            "漏掉了存活的假設）。每個已完成的假設都佔一個名額：保留 k = beam_width - len(finished)"
            " 個候選。"
        ),
        flags={"fixed_k": True, "live_at_end": "if_short"},
    ),
    kit.Mistake(
        "beam_search.length_without_end",
        "Your length normalisation does not count the `end` token. Here len(generated) counts"
        " every generated token including `end`: a hypothesis [5, 3, end] has length 3.",
        zh=(
            "你的長度正規化沒有把 `end` 詞算進去。這裡的 len(generated) 計算每一個生成的詞，包含"
            " `end`：假設 [5, 3, end] 的長度是 3。"
        ),
        flags={"length": "without_end"},
    ),
    kit.Mistake(
        "beam_search.length_with_start",
        "Your length normalisation counts the `start` token too (len of the whole token list)."
        " Here len(generated) counts only generated tokens, `end` included and `start` not: a"
        " hypothesis [start, 5, 3, end] has length 3.",
        zh=(
            "你的長度正規化把 `start` 詞也算進去了（整個詞串列的長度）。這裡的 len(generated)"
            " 只計算生成的詞，包含 `end`、不含 `start`：假設 [start, 5, 3, end] 的長度是 3。"
        ),
        flags={"length": "with_start"},
    ),
    kit.Mistake(
        "beam_search.drops_live",
        "Your search returns only the hypotheses that emitted `end`: those still live when"
        " max_len is reached are dropped. At max_len the live hypotheses count as finished and"
        " are ranked with the others, or a search that never emits `end` returns nothing.",
        zh=(
            "你的搜尋只回傳輸出過 `end` 的假設：到達 max_len 時仍存活的假設被丟掉了。到 max_len"
            " 時，存活的假設算作已完成，要與其他假設一起排名，否則從不輸出 `end` 的搜尋什麼都不會回"
            "傳。"
        ),
        flags={"live_at_end": "never"},
    ),
]


# -- the cases -----------------------------------------------------------------------------------


class _Spec(NamedTuple):
    """One graded case: the search's arguments and the toy model's shape. `targets` are the
    mistakes (by id, without the prefix) the case must tell from the reference."""

    label: str
    vocab: int
    start: int
    end: int
    beam_width: int
    max_len: int
    alpha: float
    spread: float  # logits ~ N(0, spread^2) ...
    end_bias: float  # ... plus end_bias + end_growth * (tokens generated so far) on `end`
    end_growth: float
    targets: tuple[str, ...] = ()


# fmt: off
_CASES = (
    _Spec("V=6, k=3, max_len=6, alpha=0.7", vocab=6, start=0, end=1, beam_width=3, max_len=6,
          alpha=0.7, spread=1.5, end_bias=-1.0, end_growth=0.6,
          targets=("greedy", "no_length_norm", "length_without_end", "length_with_start")),
    _Spec("V=5, k=1 (greedy), max_len=6", vocab=5, start=0, end=4, beam_width=1, max_len=6,
          alpha=0.0, spread=2.0, end_bias=-0.5, end_growth=0.8,
          targets=("expands_finished",)),
    _Spec("V=8, k=4, max_len=8, end likely early", vocab=8, start=1, end=0, beam_width=4,
          max_len=8, alpha=0.0, spread=1.5, end_bias=1.5, end_growth=0.8,
          targets=("fixed_k", "expands_finished", "probabilities_summed")),
    _Spec("V=6, k=3, max_len=3, end unlikely", vocab=6, start=5, end=2, beam_width=3, max_len=3,
          alpha=0.0, spread=1.5, end_bias=-4.0, end_growth=0.0,
          targets=("drops_live",)),
    _Spec("V=7, k=5, max_len=7, alpha=1.0", vocab=7, start=0, end=3, beam_width=5, max_len=7,
          alpha=1.0, spread=1.0, end_bias=-0.5, end_growth=0.5,
          targets=("no_length_norm", "length_without_end")),
    _Spec("V=3, k=4 (fewer candidates than k), max_len=4", vocab=3, start=2, end=0,
          beam_width=4, max_len=4, alpha=0.0, spread=1.0, end_bias=-0.5, end_growth=0.3),
    _Spec("V=5, k=2, max_len=8, alpha=0.6", vocab=5, start=0, end=2, beam_width=2, max_len=8,
          alpha=0.6, spread=2.5, end_bias=-1.0, end_growth=0.4,
          targets=("greedy", "fixed_k")),
)
# fmt: on

_ATTEMPTS = 500


def _check(case_inputs: dict[str, Any], targets: tuple[str, ...]) -> bool:
    """Whether the drawn model keeps every decision clear of ties (reference and mistakes),
    every mistake runs, and the targeted mistakes give other answers than the reference."""
    margins: list[float] = []
    want = _search(**case_inputs, margins=margins)
    if margins and min(margins) < MARGIN:
        return False
    differs = set()
    for mistake in MISTAKES:
        margins = []
        try:
            got = _search(**case_inputs, **mistake.flags, margins=margins)
        except (ZeroDivisionError, OverflowError):
            return False
        if margins and min(margins) < MARGIN:
            return False
        if _differs(got, want):
            differs.add(mistake.id.split(".", 1)[1])
    return set(targets) <= differs


def _differs(got: list[Hypothesis], want: list[Hypothesis]) -> bool:
    if len(got) != len(want):
        return True
    return any(
        g[0] != w[0] or abs(g[1] - w[1]) > 1e-4 * (1 + abs(w[1]))
        for g, w in zip(got, want, strict=True)
    )


def cases(seed: int) -> list[kit.Case]:
    """A toy language model per case, redrawn (from the case's own stream) until every decision
    is clear of ties and the case tells its targeted mistakes from the reference."""
    drawn = []
    for index, spec in enumerate(_CASES):
        gen = kit.generator(seed, index)
        for _ in range(_ATTEMPTS):
            lm = ToyLM(
                spec.vocab,
                int(_randint(0, 2**31 - 1, (), generator=gen)),
                spec.end,
                spread=spec.spread,
                end_bias=spec.end_bias,
                end_growth=spec.end_growth,
            )
            inputs = {
                "step": lm,
                "start": spec.start,
                "end": spec.end,
                "beam_width": spec.beam_width,
                "max_len": spec.max_len,
                "alpha": spec.alpha,
            }
            if _check(inputs, spec.targets):
                break
        else:
            raise RuntimeError(f"beam_search: no clear toy model for case {spec.label!r}")
        drawn.append(kit.Case(f"{spec.label}, start={spec.start}, end={spec.end}", inputs))
    return drawn
