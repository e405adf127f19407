"""Checks for numeric questions in word2vec.yaml: torch embeddings, pair counts, Huffman merges."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

import torch
from torch import nn


def _param_count(_: dict) -> float:
    vocab, dim = 10_000, 300
    centre = nn.Embedding(vocab, dim)
    context = nn.Embedding(vocab, dim)
    return sum(p.numel() for m in (centre, context) for p in m.parameters())


def _skipgram_pairs(_: dict) -> float:
    sentence = ["w1", "w2", "w3", "w4", "w5", "w6"]
    window = 2
    pairs = [
        (sentence[i], sentence[j])
        for i in range(len(sentence))
        for j in range(max(0, i - window), min(len(sentence), i + window + 1))
        if j != i
    ]
    return len(pairs)


def _hs_inner_nodes(_: dict) -> float:
    vocab = 10_000
    counts = [1 + (i * 7919) % 5000 for i in range(vocab)]
    tie = itertools.count()
    heap = [(c, next(tie)) for c in counts]
    heapq.heapify(heap)
    inner = 0
    while len(heap) > 1:
        a, _ = heapq.heappop(heap)
        b, _ = heapq.heappop(heap)
        heapq.heappush(heap, (a + b, next(tie)))
        inner += 1
    return inner


def _noise_distribution(_: dict) -> float:
    counts = torch.tensor([100.0, 10.0, 1.0], dtype=torch.float64)
    weights = counts**0.75
    return (weights / weights.sum())[1].item()


CHECKS: dict[str, Callable[[dict], float]] = {
    "word2vec.param-count": _param_count,
    "word2vec.skipgram-pairs": _skipgram_pairs,
    "word2vec.hs-inner-nodes": _hs_inner_nodes,
    "word2vec.noise-distribution": _noise_distribution,
}
