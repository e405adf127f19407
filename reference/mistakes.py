"""Known hand-implementation mistakes, each computed exactly, so the grader can name the one made.

When a learner's cell gives wrong values, the grader computes every variant below on the same inputs
and reports the one whose outputs match. A variant is an exact model of one slip (gates read in
another order, a tanh where a sigmoid belongs, a bias left out, ...), built from PyTorch's own cell
with rearranged weights where possible, so its numbers are as trustworthy as the reference's.
Every variant takes the same arguments as the exercise's function, by keyword.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from reference.cells import gru_cell, lstm_cell, rnn_cell

Cell = Callable[..., Tensor | tuple[Tensor, Tensor]]
Activation = Callable[[Tensor], Tensor]

LSTM_ORDER = ("i", "f", "g", "o")
GRU_ORDER = ("r", "z", "n")
GATES = {"rnn_cell": 1, "lstm_cell": 4, "gru_cell": 3}


@dataclass(frozen=True)
class Mistake:
    """One known slip: its diagnosis id, the exercise it belongs to, what to tell the learner."""

    id: str
    exercise: str
    message: str
    compute: Cell


def _identity(t: Tensor) -> Tensor:
    return t


def _blocks(w: Tensor | None, order: list[int]) -> Tensor | None:
    """Stack the gate blocks of `w` (split along dim 0) in the given order."""
    if w is None:
        return None
    chunks = w.chunk(len(order), dim=0)
    return torch.cat([chunks[k] for k in order], dim=0)


def _transposed(w: Tensor, gates: int) -> Tensor:
    """Each gate block transposed in place: what `x @ W_block` computes with torch's layout."""
    blocks = w.chunk(gates, dim=0)
    if blocks[0].shape[0] != blocks[0].shape[1]:
        raise ValueError("a non-square block cannot be used transposed")
    return torch.cat([b.T for b in blocks], dim=0)


# -- variants built from the reference with rearranged arguments ---------------------------------


def _with_args(reference: Cell, change: Callable[[dict[str, Tensor | None]], None]) -> Cell:
    """The reference run on arguments that `change` rewrites (blocks reordered, a bias dropped)."""

    def compute(**args: Tensor | None) -> Tensor | tuple[Tensor, Tensor]:
        args = dict(args)
        change(args)
        return reference(**args)

    return compute


def _gate_order(
    reference: Cell, torch_order: tuple[str, ...], learner_order: tuple[str, ...]
) -> Cell:
    """The learner reads block k as gate learner_order[k]; torch reads it as torch_order[k]."""
    order = [learner_order.index(gate) for gate in torch_order]

    def change(args: dict[str, Tensor | None]) -> None:
        for key in ("w_ih", "w_hh", "b_ih", "b_hh"):
            args[key] = _blocks(args[key], order)

    return _with_args(reference, change)


def _without(reference: Cell, *biases: str) -> Cell:
    def change(args: dict[str, Tensor | None]) -> None:
        for key in biases:
            args[key] = None

    return _with_args(reference, change)


def _transposing(reference: Cell, gates: int, *weights: str) -> Cell:
    def change(args: dict[str, Tensor | None]) -> None:
        for key in weights:
            weight = args[key]
            assert weight is not None
            args[key] = _transposed(weight, gates)

    return _with_args(reference, change)


# -- variants written out by hand ------------------------------------------------------------


def _rnn(activation: Activation) -> Cell:
    def compute(
        *,
        x: Tensor,
        h: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
    ) -> Tensor:
        return activation(F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh))

    return compute


def _lstm(
    *,
    tanh_gates: frozenset[str] = frozenset(),
    candidate: Activation = torch.tanh,
    squash: Activation = torch.tanh,
    output_from_prev_cell: bool = False,
) -> Cell:
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
        pre = dict(zip(LSTM_ORDER, blocks, strict=True))
        i, f, o = ((torch.tanh if g in tanh_gates else torch.sigmoid)(pre[g]) for g in "ifo")
        c_next = f * c + i * candidate(pre["g"])
        h_next = o * squash(c if output_from_prev_cell else c_next)
        return h_next, c_next

    return compute


def _gru(*, reset: str = "after", complement: bool = False) -> Cell:
    """reset: 'after' (torch), 'before' (W_hn (r * h)), 'outside_bias' (r * (W_hn h) + b_hn)."""

    def compute(
        *,
        x: Tensor,
        h: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
    ) -> Tensor:
        xr, xz, xn = F.linear(x, w_ih, b_ih).chunk(3, 1)
        hr, hz, hn = F.linear(h, w_hh, b_hh).chunk(3, 1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        size = h.shape[1]
        w_hn = w_hh[2 * size :]
        b_hn = None if b_hh is None else b_hh[2 * size :]
        if reset == "before":
            hidden = F.linear(r * h, w_hn, b_hn)
        elif reset == "outside_bias":
            hidden = r * F.linear(h, w_hn) + (0 if b_hn is None else b_hn)
        else:
            hidden = r * hn
        n = torch.tanh(xn + hidden)
        return z * n + (1 - z) * h if complement else (1 - z) * n + z * h

    return compute


# -- the library -------------------------------------------------------------------------------


def _shared(exercise: str, reference: Cell) -> Iterator[Mistake]:
    """Slips any of the three cells can have: a bias left out, weights used transposed."""
    for biases, words in (
        (("b_hh",), "b_hh is never added"),
        (("b_ih",), "b_ih is never added"),
        (("b_ih", "b_hh"), "neither bias is added"),
    ):
        yield Mistake(
            "missing_bias",
            exercise,
            f"Your cell matches PyTorch's with {' and '.join(biases)} left out: {words}. PyTorch"
            " adds both b_ih and b_hh (two bias vectors, even though one would do); each may be"
            " None, in which case skip it.",
            _without(reference, *biases),
        )
    gates = GATES[exercise]
    for weights in (("w_hh",), ("w_ih", "w_hh"), ("w_ih",)):
        names = " and ".join(weights)
        what = f"the gate blocks of {names}" if gates > 1 else names
        yield Mistake(
            "transposed_weights",
            exercise,
            f"Your cell multiplies by {what} without transposing. PyTorch stores"
            " weights as [out_features, in_features] (w_ih is [G*H, I]), so a layer computes"
            " x @ w_ih.T (or F.linear(x, w_ih)). Without the .T the shapes only fit when the"
            " matrix is square, which is why such code runs when H = I, gives wrong numbers, and"
            " crashes otherwise.",
            _transposing(reference, gates, *weights),
        )


def _rnn_mistakes() -> Iterator[Mistake]:
    for name, activation in (("ReLU", F.relu), ("sigmoid", torch.sigmoid), ("no", _identity)):
        yield Mistake(
            "rnn.wrong_activation",
            "rnn_cell",
            f"Your cell applies {name} activation where PyTorch's RNNCell applies tanh:"
            " h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh). (nn.RNN offers nonlinearity='relu',"
            " but this exercise asks for the default tanh.)",
            _rnn(activation),
        )
    yield from _shared("rnn_cell", rnn_cell)


def _gate_orders(
    cell: str, reference: Cell, order: tuple[str, ...], explain: str
) -> Iterator[Mistake]:
    """One `<cell>.gate_order` mutant per wrong order of the stacked blocks."""
    what = "four stacked gate blocks" if len(order) == 4 else "three stacked blocks"
    for wrong in itertools.permutations(order):
        if wrong != order:
            message = f"Your code reads the {what} in the order {','.join(wrong)}, but {explain}"
            fn = _gate_order(reference, order, wrong)
            yield Mistake(f"{cell.split('_')[0]}.gate_order", cell, message, fn)


def _lstm_mistakes() -> Iterator[Mistake]:
    yield from _gate_orders(
        "lstm_cell",
        lstm_cell,
        LSTM_ORDER,
        "PyTorch stacks them i,f,g,o: rows 0:H are the input gate, H:2H the forget gate,"
        " 2H:3H the candidate g, 3H:4H the output gate. (Other libraries differ, e.g."
        " CS231n uses i,f,o,g, so copied code often has this slip.)",
    )
    yield Mistake(
        "lstm.candidate_sigmoid",
        "lstm_cell",
        "Your candidate g goes through a sigmoid. It must use tanh: the candidate is the new"
        " content, in -1..1, so the cell can be pushed down as well as up; only the gates"
        " i, f, o use sigmoid (they are 0..1 switches).",
        _lstm(candidate=torch.sigmoid),
    )
    for size in (1, 2, 3):
        for gates in itertools.combinations("ifo", size):
            names = ", ".join(gates)
            for candidate, extra in ((torch.tanh, ""), (torch.sigmoid, " and a sigmoid on g")):
                if gates == ("i",) and candidate is torch.sigmoid:
                    continue  # i * g is then the same as reading blocks in the order g,f,i,o
                yield Mistake(
                    "lstm.gate_tanh",
                    "lstm_cell",
                    f"Your code uses tanh on gate(s) {names}{extra}. The gates i, f, o use sigmoid"
                    " so that they lie in 0..1 and act as soft switches; tanh belongs to the"
                    " candidate g and to the output squash tanh(c').",
                    _lstm(tanh_gates=frozenset(gates), candidate=candidate),
                )
    yield Mistake(
        "lstm.missing_output_tanh",
        "lstm_cell",
        "Your h' is o * c'. The cell state is squashed before the output gate reads it:"
        " h' = o * tanh(c'). Without the tanh, h' grows with c', which is not bounded.",
        _lstm(squash=_identity),
    )
    yield Mistake(
        "lstm.uses_prev_cell",
        "lstm_cell",
        "Your h' is computed from the previous cell c, not the new one: it must be"
        " h' = o * tanh(c') with c' = f * c + i * g, so compute c' first and use it.",
        _lstm(output_from_prev_cell=True),
    )
    yield from _shared("lstm_cell", lstm_cell)


def _gru_mistakes() -> Iterator[Mistake]:
    yield from _gate_orders(
        "gru_cell",
        gru_cell,
        GRU_ORDER,
        "PyTorch stacks them r,z,n: rows 0:H are the reset gate, H:2H the update gate,"
        " 2H:3H the candidate n. (Keras orders its GRU kernel z,r,h.)",
    )
    yield Mistake(
        "gru.update_complement",
        "gru_cell",
        "Your update mixes the other way round: h' = z * n + (1 - z) * h. PyTorch writes"
        " h' = (1 - z) * n + z * h, so z is the share of the OLD state that is kept.",
        _gru(complement=True),
    )
    yield Mistake(
        "gru.reset_before_matmul",
        "gru_cell",
        "Your reset gate multiplies h before the matmul: n = tanh(W_in x + b_in + W_hn (r * h) +"
        " b_hn). That is the form of Cho et al. 2014 (and Keras reset_after=False). PyTorch"
        " applies it after: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
        _gru(reset="before"),
    )
    yield Mistake(
        "gru.reset_outside_bias",
        "gru_cell",
        "Your reset gate multiplies W_hn h but not its bias: n = tanh(W_in x + b_in +"
        " r * (W_hn h) + b_hn). PyTorch puts b_hn inside: r * (W_hn h + b_hn).",
        _gru(reset="outside_bias"),
    )
    yield from _shared("gru_cell", gru_cell)


MISTAKES: tuple[Mistake, ...] = (*_rnn_mistakes(), *_lstm_mistakes(), *_gru_mistakes())


def for_exercise(exercise: str) -> tuple[Mistake, ...]:
    """The variants to try, in the order they are tried, for one exercise."""
    return tuple(m for m in MISTAKES if m.exercise == exercise)


def diagnosis_ids(exercise: str) -> set[str]:
    """Every diagnosis id the library can give for one exercise (the dev check wants fixtures)."""
    return {m.id for m in for_exercise(exercise)}
