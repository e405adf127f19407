"""Numeric questions that draw fresh numbers each attempt.

A generator takes a `random.Random` and returns the parameters the prompt shows (as `{name}`
placeholders) and the answer. Formulas are plain Python so the app never imports torch; the tests
check every generator against torch modules over many draws.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

Number = TypeVar("Number", int, float)  # a draw of sizes stays int, of scales stays float


@dataclass(frozen=True)
class Generated:
    params: Mapping[str, int | float]
    answer: float


Generator = Callable[[random.Random], Generated]
GENERATORS: dict[str, Generator] = {}

GATES = {"rnn": 1, "lstm": 4, "gru": 3}

# The sizes prompts draw from: ordinary layer sizes, small enough to multiply by hand.
INPUT_SIZES = (8, 10, 16, 20, 32, 50, 64, 100, 128)
HIDDEN_SIZES = (8, 16, 20, 32, 64, 128)
PROJ_SIZES = (4, 8, 10, 16, 32)
LAYERS = (2, 3, 4)
BATCHES = (1, 4, 8, 16, 32)
STEPS = (5, 10, 12, 20, 35, 50)


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a generator under the name banks refer to."""

    def register(fn: Generator) -> Generator:
        GENERATORS[name] = fn
        return fn

    return register


def _draw(rng: random.Random, **options: Sequence[Number]) -> dict[str, Number]:
    """One value per named parameter, each drawn from its own list (in keyword order)."""
    return {name: rng.choice(values) for name, values in options.items()}


# --- Formulas ----------------------------------------------------------------------------------


def torch_params(gates: int, input_size: int, hidden: int) -> int:
    """Parameters of one torch recurrent layer and direction: G * (H*in + H*H + 2H)."""
    return gates * (hidden * input_size + hidden * hidden + 2 * hidden)


def torch_stack_params(
    gates: int, input_size: int, hidden: int, layers: int = 1, directions: int = 1
) -> int:
    """A whole torch nn.RNN/GRU/LSTM: layer 0 reads `input_size`, layers k > 0 read D*H."""
    first = torch_params(gates, input_size, hidden)
    later = torch_params(gates, directions * hidden, hidden)
    return directions * (first + (layers - 1) * later)


def lstm_proj_count(input_size: int, hidden: int, proj: int) -> int:
    """nn.LSTM(in, H, proj_size=P), one layer and direction: 4H(in + P + 2) + P*H."""
    return 4 * hidden * (input_size + proj + 2) + proj * hidden


def keras_lstm_count(input_size: int, units: int) -> int:
    """Keras LSTM, one bias vector: 4 * ((in + 1)*u + u*u)."""
    return 4 * ((input_size + 1) * units + units * units)


def keras_gru_count(input_size: int, units: int, reset_after: bool = True) -> int:
    """Keras GRU: reset_after=True keeps two biases (as torch), False keeps one."""
    biases = 2 if reset_after else 1
    return 3 * (input_size * units + units * units + biases * units)


# --- Parameter counts --------------------------------------------------------------------------


def _torch_counter(cell: str, directions: int = 1, layers: Sequence[int] = ()) -> Generator:
    """A generator for nn.<cell>(I, H[, num_layers=L][, bidirectional]) parameter counts."""

    def draw(rng: random.Random) -> Generated:
        p = _draw(rng, I=INPUT_SIZES, H=HIDDEN_SIZES, **({"L": layers} if layers else {}))
        count = torch_stack_params(GATES[cell], p["I"], p["H"], p.get("L", 1), directions)
        return Generated(p, count)

    return draw


lstm_params = generator("lstm_params")(_torch_counter("lstm"))
gru_params = generator("gru_params")(_torch_counter("gru"))
rnn_params = generator("rnn_params")(_torch_counter("rnn"))
bi_gru_params = generator("bi_gru_params")(_torch_counter("gru", directions=2))
stacked_lstm_params = generator("stacked_lstm_params")(_torch_counter("lstm", layers=LAYERS))
stacked_bi_lstm_params = generator("stacked_bi_lstm_params")(
    _torch_counter("lstm", directions=2, layers=(2, 3))
)


@generator("lstm_minus_gru_params")
def lstm_minus_gru_params(rng: random.Random) -> Generated:
    """nn.LSTM(I, H) minus nn.GRU(I, H): one gate block, H*I + H*H + 2H."""
    p = _draw(rng, I=INPUT_SIZES, H=HIDDEN_SIZES)
    lstm = torch_params(GATES["lstm"], p["I"], p["H"])
    return Generated(p, lstm - torch_params(GATES["gru"], p["I"], p["H"]))


@generator("keras_lstm_params")
def keras_lstm_params(rng: random.Random) -> Generated:
    """keras.layers.LSTM(H) on I features per step."""
    p = _draw(rng, I=INPUT_SIZES, H=HIDDEN_SIZES)
    return Generated(p, keras_lstm_count(p["I"], p["H"]))


@generator("torch_minus_keras_lstm")
def torch_minus_keras_lstm(rng: random.Random) -> Generated:
    """nn.LSTM(I, H) minus keras LSTM(H) on I features: the second bias, 4H."""
    p = _draw(rng, I=INPUT_SIZES, H=HIDDEN_SIZES)
    in_torch = torch_params(GATES["lstm"], p["I"], p["H"])
    return Generated(p, in_torch - keras_lstm_count(p["I"], p["H"]))


@generator("keras_gru_reset_before_params")
def keras_gru_reset_before_params(rng: random.Random) -> Generated:
    """keras.layers.GRU(H, reset_after=False) on I features per step."""
    p = _draw(rng, I=INPUT_SIZES, H=HIDDEN_SIZES)
    return Generated(p, keras_gru_count(p["I"], p["H"], reset_after=False))


@generator("lstm_proj_params")
def lstm_proj_params(rng: random.Random) -> Generated:
    """nn.LSTM(I, H, proj_size=P), P < H."""
    p = _draw(rng, I=INPUT_SIZES, H=tuple(h for h in HIDDEN_SIZES if h > min(PROJ_SIZES)))
    p["P"] = rng.choice([size for size in PROJ_SIZES if size < p["H"]])
    return Generated(p, lstm_proj_count(p["I"], p["H"], p["P"]))


# --- Shapes ------------------------------------------------------------------------------------

_BI_LSTM_RUN = {"N": BATCHES, "T": STEPS, "I": INPUT_SIZES, "H": HIDDEN_SIZES, "L": (1, 2, 3)}


@generator("bi_lstm_output_numel")
def bi_lstm_output_numel(rng: random.Random) -> Generated:
    """Elements of `output` from a bidirectional nn.LSTM: N * T * 2H (L does not matter)."""
    p = _draw(rng, **_BI_LSTM_RUN)
    return Generated(p, p["N"] * p["T"] * 2 * p["H"])


@generator("bi_lstm_hn_numel")
def bi_lstm_hn_numel(rng: random.Random) -> Generated:
    """Elements of `h_n` from a bidirectional nn.LSTM: (2L, N, H) (T does not matter)."""
    p = _draw(rng, **_BI_LSTM_RUN)
    return Generated(p, 2 * p["L"] * p["N"] * p["H"])


@generator("tagger_logits_numel")
def tagger_logits_numel(rng: random.Random) -> Generated:
    """Many-to-many tagger: a Linear(H, C) on every step of (N, T, H) gives N * T * C logits."""
    p = _draw(rng, N=BATCHES, T=STEPS, I=INPUT_SIZES, H=HIDDEN_SIZES, C=(3, 5, 9, 17, 45))
    return Generated(p, p["N"] * p["T"] * p["C"])


# --- BPTT --------------------------------------------------------------------------------------


@generator("bptt_stored_hidden")
def bptt_stored_hidden(rng: random.Random) -> Generated:
    """Floats in the hidden states h_1..h_T that full BPTT must keep: T * N * H."""
    p = _draw(rng, T=(20, 50, 100, 200, 500), N=BATCHES, H=HIDDEN_SIZES)
    return Generated(p, p["T"] * p["N"] * p["H"])


@generator("tbptt_updates")
def tbptt_updates(rng: random.Random) -> Generated:
    """Optimizer steps for a length-T sequence cut into K-step chunks (the last may be short)."""
    p = _draw(rng, T=(100, 250, 500, 1000, 1200, 2000), K=(20, 32, 50, 64, 100, 128, 300))
    return Generated(p, math.ceil(p["T"] / p["K"]))


# --- Gradients and clipping --------------------------------------------------------------------


@generator("rnn_grad_bound")
def rnn_grad_bound(rng: random.Random) -> Generated:
    """Upper bound S**T on ||dh_T/dh_0|| for a tanh RNN whose W_hh has largest singular value S."""
    p = _draw(rng, S=(0.5, 0.8, 0.9, 0.95), T=(5, 10, 20))
    return Generated(p, p["S"] ** p["T"])


_CLIP_GRADS = {"A": range(2, 13), "B": range(2, 13), "C": range(2, 13), "M": (1, 2, 3)}
# Every entry is at least 2, so the norm is at least sqrt(12) > 3 >= M: clipping always happens.


def _clip_total(p: Mapping[str, float]) -> float:
    return math.sqrt(p["A"] ** 2 + p["B"] ** 2 + p["C"] ** 2)


@generator("clip_norm_total")
def clip_norm_total(rng: random.Random) -> Generated:
    """What clip_grad_norm_ returns for grads [A, B] and [C]: the norm before clipping."""
    p = _draw(rng, **_CLIP_GRADS)
    return Generated(p, _clip_total(p))


@generator("clip_norm_scaled")
def clip_norm_scaled(rng: random.Random) -> Generated:
    """The first gradient entry A after clip_grad_norm_(max_norm=M): A * M / (total + 1e-6)."""
    p = _draw(rng, **_CLIP_GRADS)
    return Generated(p, p["A"] * min(1.0, p["M"] / (_clip_total(p) + 1e-6)))
