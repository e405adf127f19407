"""How lstm_cell is graded: nn.LSTMCell's answer on six shapes, and the slips people make,
including formulations that are valid elsewhere (TensorFlow's forget bias, peepholes)."""

from __future__ import annotations

import itertools

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import (
    RECURRENT_APIS,
    cell_cases,
    cell_probes,
    gate_orders,
    lone_bias_as_zeros,
    shared_mistakes,
)

_lstm_cell = torch.lstm_cell  # bound now: learner code cannot swap it later

ORDER = ("i", "f", "g", "o")
OUTPUT = ("h_next", "c_next")
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh")


def cases(seed: int) -> list[kit.Case]:
    return cell_cases(seed, gates=4, states=("h", "c"))


def reference(
    x: Tensor,
    h: Tensor,
    c: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """(h', c') of nn.LSTMCell: gate blocks stacked i, f, g, o."""
    h_next, c_next = _lstm_cell(x, (h, c), w_ih, w_hh, *lone_bias_as_zeros(b_ih, b_hh))
    return h_next, c_next


def variant(
    *,
    tanh_gates: frozenset[str] = frozenset(),
    candidate: str = "tanh",
    squash: bool = True,
    output_from_prev_cell: bool = False,
    forget_bias: float = 0.0,
    peephole: bool = False,
) -> kit.Model:
    """An LSTM step written out, with each known departure from nn.LSTMCell as a switch."""

    def compute(
        *,
        x: Tensor,
        h: Tensor,
        c: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
    ) -> tuple[Tensor, Tensor]:
        blocks = (F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)).chunk(4, 1)
        pre = dict(zip(ORDER, blocks, strict=True))
        pre["f"] = pre["f"] + forget_bias
        if peephole:
            pre["i"], pre["f"] = pre["i"] + c, pre["f"] + c
        i, f = ((torch.tanh if g in tanh_gates else torch.sigmoid)(pre[g]) for g in "if")
        g = (torch.sigmoid if candidate == "sigmoid" else torch.tanh)(pre["g"])
        c_next = f * c + i * g
        pre_o = pre["o"] + c_next if peephole else pre["o"]
        o = (torch.tanh if "o" in tanh_gates else torch.sigmoid)(pre_o)
        state = c if output_from_prev_cell else c_next
        h_next = o * (torch.tanh(state) if squash else state)
        return h_next, c_next

    return compute


def _gate_tanh() -> list[kit.Mistake]:
    found = []
    for size in (1, 2, 3):
        for gates in itertools.combinations("ifo", size):
            names = ", ".join(gates)
            for candidate, extra in (("tanh", ""), ("sigmoid", " and a sigmoid on g")):
                if gates == ("i",) and candidate == "sigmoid":
                    continue  # i * g is then the same as reading blocks in the order g,f,i,o
                found.append(
                    kit.Mistake(
                        "lstm.gate_tanh",
                        f"Your code uses tanh on gate(s) {names}{extra}. The gates i, f, o use"
                        " sigmoid so that they lie in 0..1 and act as soft switches; tanh belongs"
                        " to the candidate g and to the output squash tanh(c').",
                        flags={"tanh_gates": frozenset(gates), "candidate": candidate},
                    )
                )
    return found


MISTAKES = [
    *gate_orders(
        "lstm",
        ORDER,
        "PyTorch stacks them i,f,g,o: rows 0:H are the input gate, H:2H the forget gate,"
        " 2H:3H the candidate g, 3H:4H the output gate. (Other libraries differ, e.g."
        " CS231n uses i,f,o,g, so copied code often has this slip.)",
    ),
    kit.Mistake(
        "lstm.candidate_sigmoid",
        "Your candidate g goes through a sigmoid. It must use tanh: the candidate is the new"
        " content, in -1..1, so the cell can be pushed down as well as up; only the gates"
        " i, f, o use sigmoid (they are 0..1 switches).",
        flags={"candidate": "sigmoid"},
    ),
    *_gate_tanh(),
    kit.Mistake(
        "lstm.missing_output_tanh",
        "Your h' is o * c'. The cell state is squashed before the output gate reads it:"
        " h' = o * tanh(c'). Without the tanh, h' grows with c', which is not bounded.",
        flags={"squash": False},
    ),
    kit.Mistake(
        "lstm.uses_prev_cell",
        "Your h' is computed from the previous cell c, not the new one: it must be"
        " h' = o * tanh(c') with c' = f * c + i * g, so compute c' first and use it.",
        flags={"output_from_prev_cell": True},
    ),
    kit.Mistake(
        "lstm.forget_bias_offset",
        "Your forget gate adds 1 to its pre-activation: f = sigmoid(... + 1). TensorFlow's"
        " BasicLSTMCell and Keras (unit_forget_bias) do this so a fresh network remembers by"
        " default; PyTorch adds nothing in the cell and leaves it to the initialisation of b_hh"
        " or b_ih.",
        flags={"forget_bias": 1.0},
        published="TensorFlow's BasicLSTMCell, forget_bias=1.0",
    ),
    kit.Mistake(
        "lstm.peephole",
        "Your gates also read the cell state (peephole connections): i and f see c, o sees c'."
        " Gers and Schmidhuber added peepholes in 2000 (with weights of their own); PyTorch's"
        " LSTM has none, its gates read only x and h.",
        flags={"peephole": True},
        published="peephole LSTM, Gers & Schmidhuber 2000",
    ),
    *shared_mistakes(gates=4),
]

PROBES = cell_probes(
    ORDER,
    {
        "i": "the input gate i",
        "f": "the forget gate f",
        "g": "the candidate g",
        "o": "the output gate o",
    },
    states=("h", "c"),
)
