"""Checks for numeric questions in padding_packing.yaml, computed with torch.nn.utils.rnn."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence


def _seqs(lengths: list[int], features: int = 16) -> list[torch.Tensor]:
    return [torch.randn(n, features) for n in lengths]


def _packed_data_rows(_: dict) -> float:
    lengths = [7, 5, 5, 2]
    padded = pad_sequence(_seqs(lengths), batch_first=True)
    packed = pack_padded_sequence(padded, lengths, batch_first=True, enforce_sorted=False)
    return packed.data.shape[0]


def _pad_count(_: dict) -> float:
    lengths = [9, 4, 6, 3]
    ones = [torch.ones(n) for n in lengths]
    padded = pad_sequence(ones, batch_first=True, padding_value=0.0)
    return (padded == 0).sum().item()


def _batch_sizes(_: dict) -> float:
    lengths = [4, 2, 3, 1]
    padded = pad_sequence(_seqs(lengths, 3))
    packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
    return packed.batch_sizes[2].item()


CHECKS: dict[str, Callable[[dict], float]] = {
    "padding_packing.packed-data-rows": _packed_data_rows,
    "padding_packing.pad-count": _pad_count,
    "padding_packing.batch-sizes": _batch_sizes,
}
