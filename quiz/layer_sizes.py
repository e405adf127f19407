"""Sizes of recurrent layers: their parameters, per tensor, as PyTorch and Keras build them, and
the shapes of what goes in and comes out.

Plain arithmetic (the app never imports torch to start); tests/test_layer_sizes.py checks every
figure against torch's own nn.RNN / nn.LSTM / nn.GRU over drawn configurations, tensor by tensor
and shape by shape. The cheat sheet's calculator, formulas and shape table come from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from quiz.l10n import N_

Cell = Literal["rnn", "lstm", "gru"]
CELLS: tuple[Cell, ...] = ("rnn", "lstm", "gru")
GATES: dict[Cell, int] = {"rnn": 1, "lstm": 4, "gru": 3}  # blocks stacked in each weight
KERAS_LAYER = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


def layer_names(cell: Cell) -> str:
    """The layer in both frameworks, e.g. "nn.LSTM · LSTM"."""
    return f"nn.{cell.upper()} · {KERAS_LAYER[cell]}"


class ConfigError(ValueError):
    """A configuration no framework builds (e.g. proj_size on a GRU); its message is an
    English msgid, translated where it is shown."""


@dataclass(frozen=True)
class Config:
    cell: Cell
    input_size: int
    hidden_size: int
    num_layers: int = 1
    bidirectional: bool = False
    bias: bool = True
    proj_size: int = 0  # LSTM only, PyTorch only: h is projected to this width

    def check(self) -> None:
        if min(self.input_size, self.hidden_size, self.num_layers) < 1 or self.proj_size < 0:
            raise ConfigError(N_("sizes and layers must be at least 1 (proj_size at least 0)"))
        if self.proj_size and self.cell != "lstm":
            raise ConfigError(N_("proj_size exists only for an LSTM"))
        if self.proj_size >= self.hidden_size:
            raise ConfigError(N_("proj_size must be smaller than hidden_size"))

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def out(self) -> int:
        """The width of h (what each direction of a layer outputs)."""
        return self.proj_size or self.hidden_size


@dataclass(frozen=True)
class Tensor:
    name: str
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        total = 1
        for n in self.shape:
            total *= n
        return total


def torch_tensors(config: Config) -> list[Tensor]:
    """Every parameter of the torch module, named and shaped as `named_parameters()` gives them."""
    config.check()
    rows = GATES[config.cell] * config.hidden_size
    found = []
    for layer in range(config.num_layers):
        fan_in = config.input_size if layer == 0 else config.directions * config.out
        for suffix in ("", "_reverse")[: config.directions]:
            tag = f"l{layer}{suffix}"
            found += [Tensor(f"weight_ih_{tag}", (rows, fan_in))]
            found += [Tensor(f"weight_hh_{tag}", (rows, config.out))]
            if config.bias:
                found += [Tensor(f"bias_ih_{tag}", (rows,)), Tensor(f"bias_hh_{tag}", (rows,))]
            if config.proj_size:
                found += [Tensor(f"weight_hr_{tag}", (config.proj_size, config.hidden_size))]
    return found


def keras_tensors(config: Config, reset_after: bool = True) -> list[Tensor]:
    """Every weight of the Keras layers (stacked, wrapped in Bidirectional when asked), named as
    Keras names them; GRU's `reset_after` (the default since TF 2) keeps two biases per gate."""
    config.check()
    if config.proj_size:
        raise ConfigError(N_("Keras layers have no proj_size"))
    units = GATES[config.cell] * config.hidden_size
    found = []
    for layer in range(config.num_layers):
        fan_in = config.input_size if layer == 0 else config.directions * config.hidden_size
        for direction in ("forward", "backward")[: config.directions]:
            tag = f"layer{layer}" + (f"_{direction}" if config.bidirectional else "")
            found += [Tensor(f"{tag}/kernel", (fan_in, units))]
            found += [Tensor(f"{tag}/recurrent_kernel", (config.hidden_size, units))]
            if config.bias:
                two = config.cell == "gru" and reset_after
                found += [Tensor(f"{tag}/bias", (2, units) if two else (units,))]
    return found


def total(tensors: list[Tensor]) -> int:
    return sum(t.size for t in tensors)


def io_shapes(
    config: Config, steps: int, batch: int, batch_first: bool
) -> dict[str, tuple[int, ...]]:
    """The shapes of input, output, h_0/h_n and (LSTM) c_0/c_n of the torch module."""
    config.check()
    seq = (batch, steps) if batch_first else (steps, batch)
    states = config.directions * config.num_layers
    shapes: dict[str, tuple[int, ...]] = {
        "input": (*seq, config.input_size),
        "output": (*seq, config.directions * config.out),
        "h_n": (states, batch, config.out),
    }
    if config.cell == "lstm":
        shapes["c_n"] = (states, batch, config.hidden_size)
    return shapes
