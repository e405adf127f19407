"""Independent checks for every numeric question in the bank, one module per topic.

Each module `tests/numeric_checks/<topic_id>.py` defines
`CHECKS: dict[str, Callable[[dict], float]]`, mapping a question id to a function of the
question's parameters (a generator's params dict, or `{}` for a fixed answer) that returns the
expected answer. Checks compute with torch (build the module and count, run tensors through, call
the real clipping function, differentiate with autograd) or with an independent formula, never by
calling quiz.generators. tests/test_bank_numbers.py discovers every module here.

The helpers below are shared by the part-a topic modules.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Iterator

import torch
from torch import nn

Check = Callable[[dict], float]


def n_params(module: nn.Module) -> int:
    """Trainable parameters of a module (build it on device='meta' to skip initialisation)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def logit(p: float) -> float:
    """The pre-activation that makes a sigmoid output p."""
    return math.log(p / (1 - p))


def memo(check: Check) -> Check:
    """Cache a check by its parameters: generator tests call it with many repeated draws."""
    cached = functools.lru_cache(maxsize=None)(lambda items: check(dict(items)))

    @functools.wraps(check)
    def run(params: dict) -> float:
        return cached(tuple(sorted(params.items())))

    return run


@contextlib.contextmanager
def quick_cpu() -> Iterator[None]:
    """Inference mode on one thread: small recurrent layers run several times faster this way."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            yield
    finally:
        torch.set_num_threads(threads)
