"""What one call of the learner's function costs, counted in its process: matmul calls and FLOPs.

Counted, not timed, so a cost verdict is the same on every machine: a dispatch mode sees every
matrix product torch runs (x @ w.T, F.linear, einsum and torch.matmul all reach one of MATMULS)
and torch.utils.flop_counter adds up their FLOPs. Bound when this module is imported, before any
learner code runs, so a learner's file cannot swap the counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import FlopCounterMode

_aten = torch.ops.aten
MATMULS = frozenset(
    {
        _aten.mm,
        _aten.addmm,
        _aten.bmm,
        _aten.baddbmm,
        _aten.addbmm,
        _aten.mv,
        _aten.addmv,
        _aten.dot,
        _aten.vdot,
    }
)
_perf = time.perf_counter


class _Matmuls(TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Counts the matrix products dispatched while it is active."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.calls = 0

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        if func.overloadpacket in MATMULS:
            self.calls += 1
        return func(*args, **(kwargs or {}))


def count(call: Callable[[], Any]) -> tuple[int, int]:
    """(matmul calls, FLOPs) of one `call`."""
    flops = FlopCounterMode(display=False)
    matmuls = _Matmuls()
    with flops, matmuls:
        call()
    return matmuls.calls, int(flops.get_total_flops())


def fastest(call: Callable[[], Any], repeats: int) -> float:
    """The fastest of `repeats` calls, in seconds (information only: machines differ)."""
    best = float("inf")
    for _ in range(repeats):
        start = _perf()
        call()
        best = min(best, _perf() - start)
    return best
