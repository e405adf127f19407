"""What one call of the learner's function costs, counted in its process: matmul calls and FLOPs.

Counted, not timed, so a cost verdict is the same on every machine: a dispatch mode sees every
matrix product torch runs (x @ w.T, F.linear, einsum and torch.matmul all reach one of MATMULS)
and torch.utils.flop_counter's formulas (those FlopCounterMode uses) add up the FLOPs of every op
it knows. One mode of our own rather than FlopCounterMode: entering that one imports
torch._dynamo (a second, then another in the next process forked), and it needs nothing of it.
Bound when this module is imported, before any learner code runs, so a learner's file cannot
swap the counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

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


class _Counter(TorchDispatchMode):  # type: ignore[no-untyped-call]
    """Counts the matrix products dispatched while it is active, and the FLOPs of every op
    torch's flop counter has a formula for."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.calls = 0
        self.flops = 0

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        """Nothing is compiled inside this mode: no torch._dynamo wrapper (and no import)."""
        return False

    def __torch_dispatch__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        packet = func.overloadpacket
        if packet in MATMULS:
            self.calls += 1
        if packet in flop_registry:
            self.flops += flop_registry[packet](*args, **kwargs, out_val=out)
        return out


def count(call: Callable[[], Any]) -> tuple[int, int]:
    """(matmul calls, FLOPs) of one `call`."""
    counter = _Counter()
    with counter:
        call()
    return counter.calls, int(counter.flops)


def fastest(call: Callable[[], Any], repeats: int) -> float:
    """The fastest of `repeats` calls, in seconds (information only: machines differ)."""
    best = float("inf")
    for _ in range(repeats):
        start = _perf()
        call()
        best = min(best, _perf() - start)
    return best
