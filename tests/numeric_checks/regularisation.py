"""Checks for numeric questions in regularisation.yaml, computed with torch's dropout."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch.nn import functional as F


def _inverted_dropout_value(_: dict) -> float:
    torch.manual_seed(0)
    x = torch.full((1000,), 1.5)
    y = F.dropout(x, p=0.2, training=True)
    kept = y[y != 0]
    assert kept.numel() > 0 and torch.allclose(kept, kept[0].expand_as(kept))
    return kept[0].item()


CHECKS: dict[str, Callable[[dict], float]] = {
    "regularisation.inverted-dropout-value": _inverted_dropout_value,
}
