"""Numeric questions that draw fresh numbers each attempt.

A generator takes a `random.Random` and returns the parameters the prompt shows (as `{name}`
placeholders) and the answer. Formulas are plain Python so the app never imports torch; the tests
check every generator against torch modules over many draws.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Generated:
    params: dict[str, int | float]
    answer: float


Generator = Callable[[random.Random], Generated]
GENERATORS: dict[str, Generator] = {}

GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a generator under the name banks refer to."""

    def register(fn: Generator) -> Generator:
        GENERATORS[name] = fn
        return fn

    return register


def torch_params(gates: int, input_size: int, hidden: int) -> int:
    """Parameters of one torch recurrent layer and direction: G * (H*in + H*H + 2H)."""
    return gates * (hidden * input_size + hidden * hidden + 2 * hidden)


def _sizes(rng: random.Random) -> tuple[int, int]:
    return rng.choice([8, 10, 16, 20, 32, 50, 64, 100, 128]), rng.choice([8, 16, 20, 32, 64, 128])


@generator("lstm_params")
def lstm_params(rng: random.Random) -> Generated:
    """nn.LSTM(I, H) parameter count."""
    i, h = _sizes(rng)
    return Generated({"I": i, "H": h}, torch_params(GATES["lstm"], i, h))
