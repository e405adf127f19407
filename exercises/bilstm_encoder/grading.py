"""Grading of bilstm_encoder: a one-layer bidirectional LSTM over a padded batch with lengths, as
nn.LSTM(bidirectional=True) runs it on pack_padded_sequence(x, lengths, enforce_sorted=False),
unpacked with pad_packed_sequence(total_length=T).

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.nn.utils import rnn as rnn_utils

from exercises import kit
from reference.cellkit import RECURRENT_APIS, exactly

# Bound at import: the learner's file cannot change what the reference calls.
_lstm = torch.lstm
_pack = rnn_utils.pack_padded_sequence
_unpack = rnn_utils.pad_packed_sequence
_zeros = torch.zeros
_zeros_like = torch.zeros_like
_arange = torch.arange
_where = torch.where
_cat = torch.cat
_stack = torch.stack
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_linear = F.linear

OUTPUT = ("output", ("h_n", "c_n"))
# The ready-made recurrent layers, and the packing utilities that would do the masking.
FORBIDDEN = (
    *RECURRENT_APIS,
    "torch.nn.utils.rnn.pack_padded_sequence",
    "torch.nn.utils.rnn.pad_packed_sequence",
    "torch.nn.utils.rnn.pack_sequence",
    "torch.nn.utils.rnn.unpack_sequence",
    "torch.nn.utils.rnn.PackedSequence",
    "torch._pack_padded_sequence",
    "torch._pad_packed_sequence",
)
WEIGHTS = ("w_ih", "w_hh", "b_ih", "b_hh")
REVERSE = tuple(f"{name}_reverse" for name in WEIGHTS)
DIFFERENTIABLE = ("x", *WEIGHTS, *REVERSE)

Result = tuple[Tensor, tuple[Tensor, Tensor]]


def _params(args: dict[str, Any]) -> tuple[list[Tensor], bool]:
    """torch.lstm's flat parameter list for both directions: a bias that is None counts as zero
    (torch.lstm takes biases for every direction or for none)."""
    names = (*WEIGHTS, *REVERSE)
    given = [args[n] for n in names if n.startswith("b_") and args[n] is not None]
    if not given:
        return [args[n] for n in names if not n.startswith("b_")], False
    like = given[0]
    filled = [args[n] if args[n] is not None else _zeros_like(like) for n in names]
    return filled, True


def reference(
    x: Tensor,
    lengths: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None,
    b_hh: Tensor | None,
    w_ih_reverse: Tensor,
    w_hh_reverse: Tensor,
    b_ih_reverse: Tensor | None,
    b_hh_reverse: Tensor | None,
) -> Result:
    """torch's own bidirectional LSTM on the packed batch: (output, (h_n, c_n)) as nn.LSTM
    returns them for a PackedSequence, the output unpacked to [T, B, 2H] (zeros at the pads)."""
    given = {
        "w_ih": w_ih,
        "w_hh": w_hh,
        "b_ih": b_ih,
        "b_hh": b_hh,
        "w_ih_reverse": w_ih_reverse,
        "w_hh_reverse": w_hh_reverse,
        "b_ih_reverse": b_ih_reverse,
        "b_hh_reverse": b_hh_reverse,
    }
    params, has_biases = _params(given)
    steps, batch = x.shape[0], x.shape[1]
    packed = _pack(x, lengths.cpu(), enforce_sorted=False)
    zeros = _zeros(2, batch, w_hh.shape[1], dtype=x.dtype, device=x.device)
    # train=True with dropout 0 computes what eval does; cuDNN runs backward only in training mode.
    args = (packed.data, packed.batch_sizes, (zeros, zeros), params, has_biases, 1, 0.0, True, True)
    data, h_n, c_n = exactly(_lstm, *args, cuda=x.is_cuda)
    output, _ = _unpack(packed._replace(data=data), total_length=steps)
    # The packed run holds the batch sorted by length: put the final states back in its order.
    order = packed.unsorted_indices
    assert order is not None  # enforce_sorted=False always records it
    return output, (h_n.index_select(1, order), c_n.index_select(1, order))


def variant(
    *,
    lengths_used: bool = True,
    reverse: str = "per_sequence",
    pads: str = "zero",
    forward_final: str = "last_real",
    backward_final: str = "first_step",
    order: str = "forward_first",
) -> kit.Model:
    """The encoder written with two plain loops over all T steps, slips switched on by flags.

    lengths_used: False runs both directions over the padded batch as if every length were T
        (what nn.LSTM does on an unpacked padded tensor).
    reverse: "per_sequence" (right: each sequence's real part reversed, t = lengths[b]-1 .. 0)
        or "whole_padded" (the padded time axis flipped: the backward direction reads the pads
        first and carries what it made of them into the real steps).
    pads: "zero" (right), "run_on" (the output at a pad is the state the loop reached by running
        on over the pads), "held" (the forward half repeats the last real state there, the
        backward half is zero: states frozen at the pads, the output not zeroed).
    forward_final: "last_real" (right, t = lengths[b]-1) or "after_pads" (the forward state after
        running on over the pads, t = T-1).
    backward_final: "first_step" (right: the backward state after reading t = 0) or "last_step"
        (its state at t = lengths[b]-1, the first step it read).
    order: "forward_first" (right), "backward_first" (backward half first, in output and in
        h_n, c_n), "output_backward_first" (only the output's halves swapped).
    """

    def run(seq: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih: Any, b_hh: Any) -> tuple[Tensor, Tensor]:
        h = _zeros(seq.shape[1], w_hh.shape[1], dtype=seq.dtype, device=seq.device)
        c = h
        hs, cs = [], []
        for t in range(seq.shape[0]):
            gates = _linear(seq[t], w_ih, b_ih) + _linear(h, w_hh, b_hh)
            i, f, g, o = gates.chunk(4, dim=-1)
            c = _sigmoid(f) * c + _sigmoid(i) * _tanh(g)
            h = _sigmoid(o) * _tanh(c)
            hs.append(h)
            cs.append(c)
        return _stack(hs), _stack(cs)

    def compute(
        *,
        x: Tensor,
        lengths: Tensor,
        w_ih: Tensor,
        w_hh: Tensor,
        b_ih: Tensor | None,
        b_hh: Tensor | None,
        w_ih_reverse: Tensor,
        w_hh_reverse: Tensor,
        b_ih_reverse: Tensor | None,
        b_hh_reverse: Tensor | None,
    ) -> Result:
        steps, batch, hidden = x.shape[0], x.shape[1], w_hh.shape[1]
        if not lengths_used:
            lengths = lengths.new_full((batch,), steps)
        lengths = lengths.to(x.device)
        t = _arange(steps, device=x.device)[:, None]  # [T, 1]
        valid = t < lengths[None, :]  # [T, B]
        last = (lengths - 1)[None, :, None].expand(1, batch, hidden)

        def at(states: Tensor, index: Tensor) -> Tensor:
            """states [T, B, H] read at time index[t, b] ([T, B] or [1, B, H])."""
            if index.dim() == 2:
                index = index[:, :, None].expand(-1, -1, hidden)
            return states.gather(0, index)

        # The forward direction: over x as it is; at the pads it runs on.
        fh, fc = run(x, w_ih, w_hh, b_ih, b_hh)
        # The backward direction, as states indexed by the original time t.
        if reverse == "whole_padded":
            rh, rc = run(x.flip(0), w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
            bh, bc = rh.flip(0), rc.flip(0)
        else:
            # Each real part reversed in place, the pads left after it (the map is its own inverse).
            flip = _where(valid, lengths[None, :] - 1 - t, t)  # [T, B]
            seq = x.gather(0, flip[:, :, None].expand(-1, -1, x.shape[2]))
            rh, rc = run(seq, w_ih_reverse, w_hh_reverse, b_ih_reverse, b_hh_reverse)
            bh, bc = at(rh, flip), at(rc, flip)

        pad = ~valid[:, :, None]
        if pads == "zero":
            fo = fh.masked_fill(pad, 0.0)
            bo = bh.masked_fill(pad, 0.0)
        elif pads == "held":
            fo = _where(pad, at(fh, last), fh)
            bo = bh.masked_fill(pad, 0.0)
        else:
            fo, bo = fh, bh

        if forward_final == "after_pads":
            f_n = (fh[-1], fc[-1])
        else:
            f_n = (at(fh, last)[0], at(fc, last)[0])
        if backward_final == "last_step":
            b_n = (at(bh, last)[0], at(bc, last)[0])
        else:
            b_n = (bh[0], bc[0])

        halves = (bo, fo) if order in ("backward_first", "output_backward_first") else (fo, bo)
        finals = (b_n, f_n) if order == "backward_first" else (f_n, b_n)
        output = _cat(halves, dim=-1)
        return output, (_stack([finals[0][0], finals[1][0]]), _stack([finals[0][1], finals[1][1]]))

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, T, I, H, lengths, biases given, scale); biases: "all", "none", "forward" (the reverse
# direction's None), "ih" (b_hh and b_hh_reverse None).
_SHAPES = (
    ("B=3, T=5, I=4, H=3, lengths [3, 5, 1]", 5, 4, 3, [3, 5, 1], "all", 1.0),
    ("B=1, T=4, I=3, H=5, lengths [2]", 4, 3, 5, [2], "all", 1.0),
    ("B=4, T=6, I=5, H=4, lengths [2, 6, 4, 1], biases None", 6, 5, 4, [2, 6, 4, 1], "none", 1.0),
    ("B=2, T=1, I=3, H=2, lengths [1, 1]", 1, 3, 2, [1, 1], "all", 1.0),
    (
        "B=3, T=4, I=2, H=4, lengths [4, 2, 3], b_ih_reverse and b_hh_reverse None",
        4,
        2,
        4,
        [4, 2, 3],
        "forward",
        1.0,
    ),
    ("B=1, T=3, I=4, H=3, lengths [3] (no padding)", 3, 4, 3, [3], "all", 1.0),
    (
        "B=5, T=7, I=3, H=6, lengths [7, 3, 5, 1, 6], b_hh and b_hh_reverse None",
        7,
        3,
        6,
        [7, 3, 5, 1, 6],
        "ih",
        1.0,
    ),
    (
        "B=3, T=4, I=4, H=4, lengths [1, 4, 2], large inputs (x100)",
        4,
        4,
        4,
        [1, 4, 2],
        "all",
        100.0,
    ),
)

_GIVEN = {
    "all": WEIGHTS + REVERSE,
    "none": (),
    "forward": WEIGHTS,
    "ih": ("b_ih", "b_ih_reverse"),
}


def cases(seed: int) -> list[kit.Case]:
    """x ~ N(0, 1) times the scale, pads included (the reference never reads them); weights and
    biases ~ U(-1/sqrt(H), 1/sqrt(H)), as torch initialises them."""
    drawn = []
    for index, (label, steps, size, hidden, lengths, biases, scale) in enumerate(_SHAPES):
        gen = kit.generator(seed, index)
        batch = len(lengths)
        bound = kit.init_bound(hidden)
        inputs: dict[str, Any] = {
            "x": torch.randn(steps, batch, size, generator=gen, dtype=torch.float64) * scale,
            "lengths": torch.tensor(lengths, dtype=torch.int64),
        }
        for suffix in ("", "_reverse"):
            drawn_weights = {
                "w_ih": kit.uniform(gen, 4 * hidden, size, bound=bound),
                "w_hh": kit.uniform(gen, 4 * hidden, hidden, bound=bound),
                "b_ih": kit.uniform(gen, 4 * hidden, bound=bound),
                "b_hh": kit.uniform(gen, 4 * hidden, bound=bound),
            }
            for name, value in drawn_weights.items():
                key = name + suffix
                given = not key.startswith("b_") or key in _GIVEN[biases]
                inputs[key] = value if given else None
        drawn.append(kit.Case(label, inputs, scale=scale, time_axes={"output": 0}))
    return drawn


# -- the mistakes --------------------------------------------------------------------------------

MISTAKES = [
    kit.Mistake(
        "bilstm_encoder.reversed_with_pads",
        "Your backward direction runs over the whole padded time axis flipped (x.flip(0)), so for"
        " a sequence shorter than T it reads the pads first and carries what it made of them into"
        " the real steps: its outputs and h_n[1] are off for every padded sequence. Reverse each"
        " sequence's real part alone (t = lengths[b]-1 down to 0), or keep the backward state at"
        " zero until t < lengths[b].",
        zh="你的反向方向沿著整條填充後的時間軸翻轉（`x.flip(0)`）來跑，所以比 T 短的序列會先讀到填"
        "充，並把由填充算出的狀態帶進真實的時間步：每條有填充的序列，其反向輸出與 `h_n[1]` 都不"
        "對。只反轉每條序列的真實部分（`t = lengths[b]-1` 到 0），或在 `t < lengths[b]` 之前讓反向"
        "狀態維持為零。",
        flags={"reverse": "whole_padded"},
    ),
    kit.Mistake(
        "bilstm_encoder.backward_final_from_last",
        "Your h_n[1] and c_n[1] are the backward direction's states at t = lengths[b]-1, the last"
        " real time step. But the backward direction reads that step FIRST: its final states are"
        " those after it reads t = 0, the same vector as output[0, b, H:]. nn.LSTM's h_n[1] sums"
        " up the whole sequence read right to left.",
        zh="你的 `h_n[1]` 與 `c_n[1]` 是反向方向在 `t = lengths[b]-1`（最後一個真實時間步）的狀"
        "態。但反向方向最先讀的就是那一步：它的最終狀態是讀完 `t = 0` 之後的狀態，與 "
        "`output[0, b, H:]` 是同一個向量。nn.LSTM 的 `h_n[1]` 概括了由右向左讀完的整條序列。",
        flags={"backward_final": "last_step"},
    ),
    kit.Mistake(
        "bilstm_encoder.directions_swapped",
        "Your output puts the backward direction's half first ([backward, forward]) and so do"
        " h_n and c_n. nn.LSTM concatenates forward then backward: output[..., :H] is the forward"
        " direction, output[..., H:] the backward one, and h_n[0], c_n[0] are the forward"
        " direction's final states, h_n[1], c_n[1] the backward one's.",
        zh="你的 `output` 把反向方向的一半放在前面（`[backward, forward]`），`h_n` 與 `c_n` 也一"
        "樣。nn.LSTM 先接正向、再接反向：`output[..., :H]` 是正向方向，`output[..., H:]` 是反向方"
        "向；`h_n[0]`、`c_n[0]` 是正向方向的最終狀態，`h_n[1]`、`c_n[1]` 是反向方向的。",
        flags={"order": "backward_first"},
    ),
    kit.Mistake(
        "bilstm_encoder.directions_swapped",
        "Your output concatenates the backward direction's half first, [backward, forward] (your"
        " h_n and c_n are in the right order). nn.LSTM concatenates forward then backward:"
        " output[..., :H] is the forward direction, output[..., H:] the backward one.",
        zh="你的 `output` 先接反向方向的一半，成了 `[backward, forward]`（`h_n` 與 `c_n` 的順序是"
        "對的）。nn.LSTM 先接正向、再接反向：`output[..., :H]` 是正向方向，`output[..., H:]` 是反"
        "向方向。",
        flags={"order": "output_backward_first"},
    ),
    kit.Mistake(
        "bilstm_encoder.lengths_ignored",
        "Your encoder never uses `lengths`: both directions run over every padded step, as"
        " nn.LSTM does on an unpacked padded tensor. So the output is not zero at the pads, h_n[0]"
        " is the forward state after the pads, and the backward direction reads the pads before"
        " the real steps. Mask with t < lengths[b]: the forward direction stops at"
        " t = lengths[b]-1, the backward one starts there.",
        zh="你的編碼器從未使用 `lengths`：兩個方向都跑過每一個填充的時間步，就像 nn.LSTM 直接處理"
        "未打包的填充張量。所以輸出在填充位置不是零，`h_n[0]` 是跑過填充之後的正向狀態，反向方向也"
        "先讀填充、再讀真實的時間步。請用 `t < lengths[b]` 做遮罩：正向方向停在 "
        "`t = lengths[b]-1`，反向方向從那裡開始。",
        flags={"lengths_used": False},
    ),
    kit.Mistake(
        "bilstm_encoder.pads_not_zeroed",
        "Your output is right at every real step but not zero at the pads: there it holds the"
        " states your loops reached by running on over the padding (your final states are"
        " right). pad_packed_sequence fills every position t >= lengths[b] with zeros, in both"
        " halves: zero them, e.g. output * (t < lengths[b]).",
        zh="你的 `output` 在每個真實時間步都對，但在填充位置不是零：那裡放的是迴圈繼續跑過填充所得"
        "到的狀態（你的最終狀態是對的）。pad_packed_sequence 會把每個 `t >= lengths[b]` 的位置在兩"
        "半都填成零：請把它們歸零，例如 `output * (t < lengths[b])`。",
        flags={"pads": "run_on"},
    ),
    kit.Mistake(
        "bilstm_encoder.pads_not_zeroed",
        "Your output is right at every real step but not zero at the pads: the forward half"
        " repeats the last real state there (your loop froze the state but still recorded it)."
        " Your final states are right. pad_packed_sequence fills every position t >= lengths[b]"
        " with zeros, in both halves: record zeros at the pads.",
        zh="你的 `output` 在每個真實時間步都對，但在填充位置不是零：正向的一半在那裡重複最後一個真"
        "實狀態（你的迴圈凍結了狀態，卻仍把它記錄下來）。你的最終狀態是對的。pad_packed_sequence "
        "會把每個 `t >= lengths[b]` 的位置在兩半都填成零：在填充位置記錄零。",
        flags={"pads": "held"},
    ),
    kit.Mistake(
        "bilstm_encoder.forward_final_after_pads",
        "Your h_n[0] and c_n[0] are the forward direction's states after it ran on over the pads"
        " (t = T-1), not at the sequence's last real step. Your output is right. nn.LSTM on a"
        " packed batch stops each sequence at t = lengths[b]-1: take the states there (or freeze"
        " them once t >= lengths[b]); h_n[0, b] equals output[lengths[b]-1, b, :H].",
        zh="你的 `h_n[0]` 與 `c_n[0]` 是正向方向繼續跑過填充之後（`t = T-1`）的狀態，而不是序列最"
        "後一個真實時間步的狀態。你的 `output` 是對的。nn.LSTM 處理打包的批次時，每條序列都停在 "
        "`t = lengths[b]-1`：取那裡的狀態（或在 `t >= lengths[b]` 時凍結狀態）；`h_n[0, b]` 等於 "
        "`output[lengths[b]-1, b, :H]`。",
        flags={"forward_final": "after_pads"},
    ),
    kit.Mistake(
        "bilstm_encoder.reverse_weights_unused",
        "Your backward direction runs with the forward direction's weights and biases (w_ih,"
        " w_hh, b_ih, b_hh); w_ih_reverse, w_hh_reverse, b_ih_reverse and b_hh_reverse are never"
        " used. The two directions of nn.LSTM have parameters of their own (weight_ih_l0 and"
        " weight_ih_l0_reverse, ...): pass the *_reverse ones to the backward loop.",
        zh="你的反向方向用的是正向方向的權重與偏置（`w_ih`、`w_hh`、`b_ih`、`b_hh`），從未用到 "
        "`w_ih_reverse`、`w_hh_reverse`、`b_ih_reverse` 與 `b_hh_reverse`。nn.LSTM 的兩個方向各有"
        "自己的參數（`weight_ih_l0` 與 `weight_ih_l0_reverse` 等）：把 `*_reverse` 那組傳給反向的"
        "迴圈。",
        transform=lambda args: {**args, **{f"{n}_reverse": args[n] for n in WEIGHTS}},
    ),
]


# -- structural probes ---------------------------------------------------------------------------


def _nudged(key: str) -> Any:
    """The inputs with `key` moved by a fixed, clearly visible amount (unchanged when None)."""

    def perturb(inputs: dict[str, Any]) -> dict[str, Any]:
        value = inputs[key]
        if value is None:
            return inputs
        gen = torch.Generator().manual_seed(12345)
        noise = torch.randn(value.shape, generator=gen, dtype=torch.float64)
        return {**inputs, key: value + noise.to(device=value.device, dtype=value.dtype)}

    return perturb


def _nudge_step(first: bool) -> Any:
    """x moved at each sequence's first (t = 0) or last real step (t = lengths[b]-1)."""

    def perturb(inputs: dict[str, Any]) -> dict[str, Any]:
        x, lengths = inputs["x"], inputs["lengths"].to(inputs["x"].device)
        t = _arange(x.shape[0], device=x.device)[:, None]
        pick = t == (0 if first else lengths[None, :] - 1)
        return {**inputs, "x": x + 0.5 * pick[:, :, None].to(x.dtype)}

    return perturb


PROBES = [
    kit.Probe(
        "structure.ignores_input",
        "the backward direction's input weights w_ih_reverse",
        _nudged("w_ih_reverse"),
        part_zh="反向方向的輸入權重 `w_ih_reverse`",
    ),
    kit.Probe(
        "structure.ignores_hidden",
        "the backward direction's recurrent weights w_hh_reverse",
        _nudged("w_hh_reverse"),
        part_zh="反向方向的循環權重 `w_hh_reverse`",
    ),
    kit.Probe(
        "structure.ignores_input",
        "the forward direction's input weights w_ih",
        _nudged("w_ih"),
        part_zh="正向方向的輸入權重 `w_ih`",
    ),
    kit.Probe(
        "structure.ignores_hidden",
        "the forward direction's recurrent weights w_hh",
        _nudged("w_hh"),
        part_zh="正向方向的循環權重 `w_hh`",
    ),
    kit.Probe(
        "structure.missing_bias_term",
        "the backward direction's bias b_ih_reverse",
        _nudged("b_ih_reverse"),
        part_zh="反向方向的偏置 `b_ih_reverse`",
    ),
    kit.Probe(
        "structure.missing_bias_term",
        "the backward direction's bias b_hh_reverse",
        _nudged("b_hh_reverse"),
        part_zh="反向方向的偏置 `b_hh_reverse`",
    ),
    kit.Probe(
        "structure.missing_bias_term",
        "the forward direction's bias b_ih",
        _nudged("b_ih"),
        part_zh="正向方向的偏置 `b_ih`",
    ),
    kit.Probe(
        "structure.missing_bias_term",
        "the forward direction's bias b_hh",
        _nudged("b_hh"),
        part_zh="正向方向的偏置 `b_hh`",
    ),
    kit.Probe(
        "structure.ignores_input",
        "x at each sequence's last real step (t = lengths[b]-1)",
        _nudge_step(first=False),
        part_zh="每條序列最後一個真實時間步（`t = lengths[b]-1`）的 `x`",
    ),
    kit.Probe(
        "structure.ignores_input",
        "x at each sequence's first step (t = 0)",
        _nudge_step(first=True),
        part_zh="每條序列第一個時間步（`t = 0`）的 `x`",
    ),
]
