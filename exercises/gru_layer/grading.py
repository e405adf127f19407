"""Grading of gru_layer: a one-layer GRU over a whole sequence, as torch.nn.GRU runs it, and the
slips people make, including the original GRU of Cho et al. (2014), a valid formulation that is
not PyTorch's.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import (
    RECURRENT_APIS,
    cell_probes,
    gate_orders,
    layer_cases,
    shared_mistakes,
    shift_last_step,
    without_hx,
)

# Bound at import: the learner's file cannot change what the reference calls.
_gru = torch.gru
_cudnn = torch.backends.cudnn
_zeros = torch.zeros
_zeros_like = torch.zeros_like
_stack = torch.stack
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_linear = F.linear

ORDER = ("r", "z", "n")
OUTPUT = ("output", "h_n")
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "hx", "w_ih", "w_hh", "b_ih", "b_hh")

Result = tuple[Tensor, Tensor]


def reference(
    x: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    batch_first: bool = False,
) -> Result:
    """torch's own GRU with the learner's weights: (output, h_n) as nn.GRU returns them."""
    if hx is None:
        batch = x.shape[0 if batch_first else 1]
        hx = _zeros(1, batch, w_hh.shape[1], dtype=x.dtype, device=x.device)
    params = [w_ih, w_hh]
    # A bias given alone is added, the missing one counts as zero.
    if b_ih is not None:
        params += [b_ih, b_hh if b_hh is not None else _zeros_like(b_ih)]
    elif b_hh is not None:
        params += [_zeros_like(b_hh), b_hh]
    # train=True with dropout 0 computes what eval does; cuDNN runs backward only in training mode.
    args = (x, hx, params, len(params) == 4, 1, 0.0, True, False, batch_first)
    if not x.is_cuda:
        output, h_n = _gru(*args)
        return output, h_n
    # On the GPU: full float32 (cuDNN would use TF32 by default, off by up to ~1e-3 relative),
    # and no warning that these weights are not one flat buffer (they never are here).
    allow_tf32 = _cudnn.allow_tf32
    _cudnn.allow_tf32 = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            output, h_n = _gru(*args)
    finally:
        _cudnn.allow_tf32 = allow_tf32
    return output, h_n


def variant(
    *,
    final: str = "last",
    carry: bool = True,
    batch_axes: str = "as_given",
    reset: str = "after",
    complement: bool = False,
) -> kit.Model:
    """The layer written as a loop over time steps, with slips switched on by the flags.

    final: "last" (right), "first" (h_n of step 0), "stacked" (every step's h, [T, B, H]),
        "squeezed" (the last h without the leading layer axis, [B, H]).
    carry: False keeps h0 as the previous hidden state at every step.
    batch_axes: "as_given" (right), "time_first" (batch_first ignored: axis 0 read as time),
        "not_restored" (a batch_first input transposed in, the output left time-first).
    reset: "after" (torch: r * (W_hn h + b_hn)), "before" (Cho et al.: W_hn (r * h) + b_hn),
        "outside_bias" (r * (W_hn h) + b_hn).
    complement: h' = z * n + (1 - z) * h instead of (1 - z) * n + z * h.
    """

    def compute(
        *,
        x: Tensor,
        hx: Tensor | None,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None = None,
        b_hh: Tensor | None = None,
        batch_first: bool = False,
    ) -> Any:
        seq = x.transpose(0, 1) if batch_first and batch_axes != "time_first" else x
        steps, batch = seq.shape[0], seq.shape[1]
        size = w_hh.shape[1]
        h = _zeros(batch, size, dtype=x.dtype, device=x.device) if hx is None else hx[0]
        h_start = h
        w_hn = w_hh[2 * size :]
        b_hn = None if b_hh is None else b_hh[2 * size :]
        hs: list[Tensor] = []
        for t in range(steps):
            prev = h if carry else h_start
            xr, xz, xn = _linear(seq[t], w_ih, b_ih).chunk(3, dim=-1)
            hr, hz, hn = _linear(prev, w_hh, b_hh).chunk(3, dim=-1)
            r, z = _sigmoid(xr + hr), _sigmoid(xz + hz)
            if reset == "before":
                hidden = _linear(r * prev, w_hn, b_hn)
            elif reset == "outside_bias":
                hidden = r * _linear(prev, w_hn)
                if b_hn is not None:
                    hidden = hidden + b_hn
            else:
                hidden = r * hn
            n = _tanh(xn + hidden)
            h = z * n + (1 - z) * prev if complement else (1 - z) * n + z * prev
            hs.append(h)
        output = _stack(hs)
        if batch_first and batch_axes == "as_given":
            output = output.transpose(0, 1)
        if final == "first":
            h_n = hs[0][None]
        elif final == "stacked":
            h_n = _stack(hs)
        elif final == "squeezed":
            h_n = hs[-1]
        else:
            h_n = hs[-1][None]
        return output, h_n

    return compute


# -- the cases -----------------------------------------------------------------------------------


def cases(seed: int) -> list[kit.Case]:
    """x and h0 ~ N(0, 1) times the scale; weights and biases ~ U(-1/sqrt(H), 1/sqrt(H))."""
    return layer_cases(seed, gates=3, cell=False)


# -- the mistakes --------------------------------------------------------------------------------


MISTAKES = [
    kit.Mistake(
        "gru_layer.final_from_first",
        "Your h_n is the hidden state after the FIRST time step. nn.GRU returns the state after"
        " the last step (h_n[0] equals output at the last time step), the summary of the whole"
        " sequence that a classifier or a decoder reads.",
        flags={"final": "first"},
    ),
    kit.Mistake(
        "gru_layer.states_stacked",
        "Your h_n holds the hidden state of every time step, [T, B, H]. nn.GRU returns only the"
        " final state, shaped [num_layers * directions, B, H] = [1, B, H]; the per-step hidden"
        " states are already in `output`.",
        flags={"final": "stacked"},
    ),
    kit.Mistake(
        "gru_layer.states_squeezed",
        "Your h_n is [B, H]: the leading layer axis is missing. nn.GRU always returns it as"
        " [num_layers * directions, B, H], here [1, B, H], so add it back with h.unsqueeze(0).",
        flags={"final": "squeezed"},
    ),
    kit.Mistake(
        "gru_layer.ignores_h0",
        "Your layer starts from a zero state even when hx is given. Zeros are only the default"
        " for hx=None; a given hx[0] is the hidden state before the first step (a stateful model"
        " or a decoder started from an encoder's final state relies on it).",
        transform=without_hx,
    ),
    kit.Mistake(
        "gru_layer.state_not_carried",
        "Every step of your loop starts again from h0: the new hidden state is stored but never"
        " becomes the previous state of the next step. h_t must feed the gates and the update"
        " of step t + 1; that is what makes the layer recurrent.",
        flags={"carry": False},
    ),
    kit.Mistake(
        "gru_layer.batch_first_axes",
        "With batch_first=True your code still reads x as [T, B, I], so axis 0 (the batch) is"
        " taken for time. batch_first=True means x is [B, T, I]: step t is x[:, t], and output"
        " is [B, T, H] (h_n stays [1, B, H]).",
        flags={"batch_axes": "time_first"},
    ),
    kit.Mistake(
        "gru_layer.batch_first_axes",
        "With batch_first=True your output is [T, B, H]: the input was transposed to time-first"
        " for the loop but the output was not transposed back. nn.GRU returns [B, T, H] when"
        " batch_first=True (h_n stays [1, B, H] either way).",
        flags={"batch_axes": "not_restored"},
    ),
    kit.Mistake(
        "gru_layer.update_complement",
        "Your update mixes the other way round: h_t = z * n + (1 - z) * h_{t-1}. PyTorch writes"
        " h_t = (1 - z) * n + z * h_{t-1}, so z is the share of the OLD state that is kept.",
        flags={"complement": True},
    ),
    kit.Mistake(
        "gru_layer.reset_before_matmul",
        "Your reset gate multiplies h before the matmul: n = tanh(W_in x + b_in + W_hn (r * h) +"
        " b_hn). That is the form of Cho et al. 2014 (and Keras reset_after=False). PyTorch"
        " applies it after: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)).",
        flags={"reset": "before"},
        published="Cho et al. 2014; Keras reset_after=False",
    ),
    kit.Mistake(
        "gru_layer.reset_outside_bias",
        "Your reset gate multiplies W_hn h but not its bias: n = tanh(W_in x + b_in +"
        " r * (W_hn h) + b_hn). PyTorch puts b_hn inside: r * (W_hn h + b_hn).",
        flags={"reset": "outside_bias"},
    ),
    *gate_orders(
        "gru_layer",
        ORDER,
        "PyTorch stacks them r,z,n: rows 0:H are the reset gate, H:2H the update gate,"
        " 2H:3H the candidate n. (Keras orders its GRU kernel z,r,h.)",
    ),
    *shared_mistakes(gates=3),
]


# -- structural probes ---------------------------------------------------------------------------


def _shift_h0(inputs: dict[str, Any]) -> dict[str, Any]:
    if inputs["hx"] is None:
        return inputs
    return {**inputs, "hx": inputs["hx"] + 0.5}


PROBES = [
    *cell_probes(
        ORDER,
        {"r": "the reset gate r", "z": "the update gate z", "n": "the candidate n"},
        states=(),
    ),
    kit.Probe("structure.ignores_hidden", "the initial hidden state h0 (hx[0])", _shift_h0),
    kit.Probe("structure.ignores_input", "the last time step of x", shift_last_step),
]
