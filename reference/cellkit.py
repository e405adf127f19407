"""Shared pieces of the recurrent cells' grading modules (exercises/*_cell/grading.py): the
inputs a cell is graded on, slips expressed as rewritten arguments (gate blocks reordered, a bias
dropped, weights transposed), the probes that find a missing term, and the ready-made recurrent
APIs a learner may not call. Each cell's own slips live in its folder."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch
from torch import Tensor

from exercises import kit

_cudnn = torch.backends.cudnn  # bound at import, as every reference binds what it calls


def exactly(op: Callable[..., Any], *args: Any, cuda: bool) -> Any:
    """`op(*args)`, a torch recurrent kernel; on the GPU in full float32 (cuDNN would use TF32 by
    default, off by up to ~1e-3 relative) and without the warning that these weights are not one
    flat buffer (they never are here)."""
    if not cuda:
        return op(*args)
    allow_tf32 = _cudnn.allow_tf32
    _cudnn.allow_tf32 = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return op(*args)
    finally:
        _cudnn.allow_tf32 = allow_tf32


# Refused when learner code calls them, however they are reached (aliases, torch._VF,
# torch.ops.aten, the JIT's operator table): C operations by name, Python cells by their code.
RECURRENT_APIS = (
    "torch.nn.RNN",
    "torch.nn.RNNCell",
    "torch.nn.LSTM",
    "torch.nn.LSTMCell",
    "torch.nn.GRU",
    "torch.nn.GRUCell",
    "torch.nn.RNNBase",
    "torch.nn.RNNCellBase",
    "torch.rnn_tanh_cell",
    "torch.rnn_relu_cell",
    "torch.lstm_cell",
    "torch.gru_cell",
    "torch.rnn_tanh",
    "torch.rnn_relu",
    "torch.lstm",
    "torch.gru",
    "torch.quantized_rnn_tanh_cell",
    "torch.quantized_rnn_relu_cell",
    "torch.quantized_lstm_cell",
    "torch.quantized_gru_cell",
    "torch.quantized_lstm",
    "torch.quantized_gru",
    "torch.mkldnn_rnn_layer",
    "torch.miopen_rnn",
    "torch._cudnn_rnn",
    "torch._lstm_mps",
    "torch.ops.aten._thnn_fused_lstm_cell",
    "torch.ops.aten._thnn_fused_gru_cell",
    # Ready-made cells written in Python, not on torch.nn's list
    "torch.ao.nn.quantizable.LSTM",
    "torch.ao.nn.quantizable.LSTMCell",
    "torch._decomp.decompositions.rnn_cell",
    "torch._decomp.decompositions.rnn_cell_data",
    "torch._decomp.decompositions.one_layer_rnn",
    "torch._decomp.decompositions.one_layer_rnn_data",
    "torch._decomp.decompositions.lstm_cell",
    "torch._decomp.decompositions.one_layer_lstm",
    "torch._decomp.decompositions.one_layer_lstm_data",
    "torch._decomp.decompositions.mkldnn_one_layer_lstm",
    "torch._decomp.decompositions.gru_cell",
    "torch._decomp.decompositions.gru_cell_data",
)

Args = dict[str, Any]


# -- the inputs a cell is graded on --------------------------------------------------------------


BOTH = ("b_ih", "b_hh")


@dataclass(frozen=True)
class Shape:
    batch: int
    input_size: int
    hidden: int
    biases: tuple[str, ...] = BOTH  # the biases given; the others are None
    scale: float = 1.0  # inputs and states drawn this large push the gates into saturation
    strided: bool = False  # x and the weights as transposed views, the states expanded

    def describe(self) -> str:
        words = [f"B={self.batch}", f"I={self.input_size}", f"H={self.hidden}"]
        if not self.biases:
            words.append("biases None")
        elif self.biases != BOTH:
            words.append(f"only {self.biases[0]} (the other bias None)")
        if self.scale != 1.0:
            words.append(f"large inputs (x{self.scale:g})")
        if self.strided:
            words.append("non-contiguous x and weights, expanded states")
        return ", ".join(words)


# The first shape is the contract case (H != I, so transposed weights cannot pass by luck).
# The others: batch 1, H = I, no biases, saturation, a second square one without biases, each
# bias alone, and inputs that are views (transposed, expanded) rather than fresh tensors.
SHAPES = (
    Shape(3, 5, 4),
    Shape(1, 3, 5),
    Shape(4, 6, 6),
    Shape(3, 5, 4, biases=()),
    Shape(16, 4, 7, scale=100.0),  # many rows: some gate surely saturates hard in float32
    Shape(2, 3, 3, biases=()),
    Shape(3, 4, 5, biases=("b_ih",)),
    Shape(2, 5, 3, biases=("b_hh",)),
    Shape(4, 3, 5, strided=True),
)


def cell_cases(seed: int, *, gates: int, states: tuple[str, ...]) -> list[kit.Case]:
    """One case per shape: x, the states, w_ih [G*H, I], w_hh [G*H, H], b_ih, b_hh, drawn like
    torch's initialisation (weights ~ U(-1/sqrt(H), 1/sqrt(H)))."""
    return [_cell_case(shape, seed, k, gates, states) for k, shape in enumerate(SHAPES)]


def _cell_case(
    shape: Shape, seed: int, index: int, gates: int, states: tuple[str, ...]
) -> kit.Case:
    gen = kit.generator(seed, index)
    bound = kit.init_bound(shape.hidden)

    def normal(*size: int) -> Tensor:
        return torch.randn(size, generator=gen, dtype=torch.float64) * shape.scale

    rows = gates * shape.hidden
    inputs: Args = {"x": normal(shape.batch, shape.input_size)}
    inputs.update({name: normal(shape.batch, shape.hidden) for name in states})
    inputs["w_ih"] = kit.uniform(gen, rows, shape.input_size, bound=bound)
    inputs["w_hh"] = kit.uniform(gen, rows, shape.hidden, bound=bound)
    for name in BOTH:  # drawn either way, so a case's numbers do not depend on which are given
        drawn = kit.uniform(gen, rows, bound=bound)
        inputs[name] = drawn if name in shape.biases else None
    if shape.strided:
        for name in ("x", "w_ih", "w_hh"):
            inputs[name] = inputs[name].T.contiguous().T  # the same values, strides swapped
        for name in states:
            inputs[name] = inputs[name][:1].expand(shape.batch, shape.hidden)
    return kit.Case(shape.describe(), inputs, scale=shape.scale)


def lone_bias_as_zeros(
    b_ih: Tensor | None, b_hh: Tensor | None
) -> tuple[Tensor | None, Tensor | None]:
    """One bias given alone, the other as zeros: the same sum, and torch's fused CUDA cells,
    given a lone bias, drop it too (they add biases only in pairs)."""
    if (b_ih is None) != (b_hh is None):
        given = b_ih if b_ih is not None else b_hh
        assert given is not None
        zeros = torch.zeros_like(given)
        return (b_ih if b_ih is not None else zeros), (b_hh if b_hh is not None else zeros)
    return b_ih, b_hh


# -- the inputs a layer is graded on (lstm_layer, gru_layer) --------------------------------------

# (label, B, T, I, H, batch_first, hx given, biases, scale); biases: "both", "none", "ih", "hh".
LAYER_SHAPES = (
    ("B=3, T=4, I=5, H=4", 3, 4, 5, 4, False, True, "both", 1.0),
    ("B=1, T=1, I=3, H=5", 1, 1, 3, 5, False, True, "both", 1.0),
    ("B=2, T=5, I=4, H=6, batch_first", 2, 5, 4, 6, True, True, "both", 1.0),
    ("B=3, T=3, I=4, H=4, hx None", 3, 3, 4, 4, False, False, "both", 1.0),
    ("B=2, T=4, I=3, H=5, biases None", 2, 4, 3, 5, False, True, "none", 1.0),
    ("B=4, T=3, I=5, H=4, batch_first, hx None, b_hh None", 4, 3, 5, 4, True, False, "ih", 1.0),
    ("B=3, T=2, I=2, H=3, b_ih None", 3, 2, 2, 3, False, True, "hh", 1.0),
    ("B=2, T=3, I=4, H=7, large inputs (x100)", 2, 3, 4, 7, False, True, "both", 100.0),
)


def layer_cases(seed: int, *, gates: int, cell: bool) -> list[kit.Case]:
    """A one-layer recurrent module's inputs, as nn.LSTM / nn.GRU take them: x and the initial
    state(s) ~ N(0, 1) times the scale (hx a tensor [1, B, H], or (h0, c0) when `cell`);
    weights and biases ~ U(-1/sqrt(H), 1/sqrt(H)), `gates` blocks of H rows."""
    drawn = []
    for index, (label, b, t, i, h, batch_first, given, biases, scale) in enumerate(LAYER_SHAPES):
        gen = kit.generator(seed, index)
        size = (b, t, i) if batch_first else (t, b, i)
        x = torch.randn(size, generator=gen, dtype=torch.float64) * scale
        hx: Any = None
        if given:
            states = [
                torch.randn(1, b, h, generator=gen, dtype=torch.float64) * scale
                for _ in range(2 if cell else 1)
            ]
            hx = tuple(states) if cell else states[0]
        bound = kit.init_bound(h)
        inputs = {
            "x": x,
            "hx": hx,
            "w_ih": kit.uniform(gen, gates * h, i, bound=bound),
            "w_hh": kit.uniform(gen, gates * h, h, bound=bound),
            "b_ih": kit.uniform(gen, gates * h, bound=bound) if biases in BIASES_IH else None,
            "b_hh": kit.uniform(gen, gates * h, bound=bound) if biases in BIASES_HH else None,
            "batch_first": batch_first,
        }
        axes = {"output": 1 if batch_first else 0}
        drawn.append(kit.Case(label, inputs, scale=scale, time_axes=axes))
    return drawn


BIASES_IH = ("both", "ih")
BIASES_HH = ("both", "hh")


def without_hx(args: Args) -> Args:
    """A layer started from zeros whatever hx was given."""
    return {**args, "hx": None}


def shift_last_step(inputs: Args) -> Args:
    """x with its last time step nudged (a probe: does the result read it?)."""
    x = inputs["x"].clone()
    if inputs["batch_first"]:
        x[:, -1] += 0.5
    else:
        x[-1] += 0.5
    return {**inputs, "x": x}


# A layer's probe: does its result read the last time step of x at all?
LAST_STEP_PROBE = kit.Probe(
    "structure.ignores_input",
    "the last time step of x",
    shift_last_step,
    part_zh="x 的最後一個時間步",
)


# -- slips expressed as rewritten arguments --------------------------------------------------------


def _blocks(w: Tensor | None, order: list[int]) -> Tensor | None:
    """Stack the gate blocks of `w` (split along dim 0) in the given order."""
    if w is None:
        return None
    chunks = w.chunk(len(order), dim=0)
    return torch.cat([chunks[k] for k in order], dim=0)


def gate_order(
    torch_order: tuple[str, ...], learner_order: tuple[str, ...]
) -> Callable[[Args], Args]:
    """The learner reads block k as gate learner_order[k]; torch reads it as torch_order[k]."""
    order = [learner_order.index(gate) for gate in torch_order]

    def transform(args: Args) -> Args:
        args = dict(args)
        for key in ("w_ih", "w_hh", "b_ih", "b_hh"):
            args[key] = _blocks(args[key], order)
        return args

    return transform


def without(*biases: str) -> Callable[[Args], Args]:
    """The biases left out, as zeros (see lone_bias_as_zeros)."""

    def transform(args: Args) -> Args:
        args = dict(args)
        for key in biases:
            if args[key] is not None:
                args[key] = torch.zeros_like(args[key])
        return args

    return transform


def transposing(gates: int, *weights: str) -> Callable[[Args], Args]:
    """Each gate block of `weights` transposed in place: what `x @ W_block` computes with
    torch's layout (only square blocks fit)."""

    def transform(args: Args) -> Args:
        args = dict(args)
        for key in weights:
            blocks = args[key].chunk(gates, dim=0)
            if blocks[0].shape[0] != blocks[0].shape[1]:
                raise ValueError("a non-square block cannot be used transposed")
            args[key] = torch.cat([b.T for b in blocks], dim=0)
        return args

    return transform


# Each gate block as the Chinese messages name it (the English names come from each caller).
GATE_NAMES_ZH = {
    "i": "輸入閘門 i",
    "f": "遺忘閘門 f",
    "g": "候選值 g",
    "o": "輸出閘門 o",
    "r": "重置閘門 r",
    "z": "更新閘門 z",
    "n": "候選值 n",
}


def _order_zh(order: tuple[str, ...]) -> str:
    """PyTorch's block order, spelt out in Chinese: which rows hold which gate."""
    rows = "，".join(
        f"列 `{_rows(k)}` 是{GATE_NAMES_ZH.get(gate, gate)}" for k, gate in enumerate(order)
    )
    return f"PyTorch 的堆疊順序是 {', '.join(order)}：{rows}。"


def gate_orders(
    prefix: str, order: tuple[str, ...], explain: str, explain_zh: str = ""
) -> Iterator[kit.Mistake]:
    """One `<prefix>.gate_order` mutant per wrong order of the stacked blocks. `explain_zh` is
    `explain` in Traditional Chinese, read after 「，但」 (by default: which rows hold which
    gate)."""
    what = "four stacked gate blocks" if len(order) == 4 else "three stacked blocks"
    what_zh = "堆疊的四個閘門區塊" if len(order) == 4 else "堆疊的三個區塊"
    explain_zh = explain_zh or _order_zh(order)
    for wrong in itertools.permutations(order):
        if wrong != order:
            message = f"Your code reads the {what} in the order {','.join(wrong)}, but {explain}"
            zh = f"你的程式碼以 {', '.join(wrong)} 的順序讀取{what_zh}，但 {explain_zh}"
            yield kit.Mistake(
                f"{prefix}.gate_order", message, zh=zh, transform=gate_order(order, wrong)
            )


def shared_mistakes(gates: int) -> Iterator[kit.Mistake]:
    """Slips any cell can have: a bias left out, weights used transposed."""
    for biases, words, words_zh in (
        (("b_hh",), "b_hh is never added", "b_hh 從來沒有加上"),
        (("b_ih",), "b_ih is never added", "b_ih 從來沒有加上"),
        (("b_ih", "b_hh"), "neither bias is added", "兩個偏置都沒有加上"),
    ):
        yield kit.Mistake(
            "missing_bias",
            f"Your cell matches PyTorch's with {' and '.join(biases)} left out: {words}. PyTorch"
            " adds both b_ih and b_hh (two bias vectors, even though one would do); each may be"
            " None, in which case skip it.",
            zh=(
                f"你的結果與拿掉 {' 與 '.join(biases)} 的 PyTorch 結果一致：{words_zh}。PyTorch"
                " 會把 b_ih 與 b_hh 都加上（兩個偏置向量，雖然一個就夠了）；兩者都可能是 None，"
                "是 None 的就略過。"
            ),
            transform=without(*biases),
        )
    for weights in (("w_hh",), ("w_ih", "w_hh"), ("w_ih",)):
        names = " and ".join(weights)
        what = f"the gate blocks of {names}" if gates > 1 else names
        names_zh = " 與 ".join(weights)
        what_zh = f"{names_zh} 的各個閘門區塊" if gates > 1 else names_zh
        yield kit.Mistake(
            "transposed_weights",
            f"Your cell multiplies by {what} without transposing. PyTorch stores"
            " weights as [out_features, in_features] (w_ih is [G*H, I]), so a layer computes"
            " x @ w_ih.T (or F.linear(x, w_ih)). Without the .T the shapes only fit when the"
            " matrix is square, which is why such code runs when H = I, gives wrong numbers, and"
            " crashes otherwise.",
            zh=(
                f"你的程式碼乘上 {what_zh} 時沒有轉置。PyTorch 把權重存成 [out_features,"
                " in_features]（w_ih 是 [G*H, I]），所以一層計算的是 x @ w_ih.T（或"
                " F.linear(x, w_ih)）。少了 .T，形狀只有在矩陣是方陣時才對得上：所以這樣的程式碼"
                "在 H = I 時能執行卻算出錯的數字，其他情況則會出錯中止。"
            ),
            transform=transposing(gates, *weights),
        )


# -- structural probes -----------------------------------------------------------------------------


def _nudged(key: str, rows: slice | None) -> Callable[[Args], Args]:
    """Arguments with `key` (its `rows`, or all of it) moved by a fixed, clearly visible amount."""

    def perturb(args: Args) -> Args:
        value = args[key]
        if value is None:
            return args
        gen = torch.Generator().manual_seed(12345)
        noise = torch.randn(value.shape, generator=gen, dtype=torch.float64)
        noise = noise.to(device=value.device, dtype=value.dtype)
        if rows is not None:
            keep = torch.zeros_like(noise)
            keep[rows] = 1
            noise = noise * keep
        return {**args, key: value + noise}

    return perturb


def cell_probes(
    order: tuple[str, ...],
    names: dict[str, str],
    states: tuple[str, ...],
    names_zh: dict[str, str] | None = None,
) -> list[kit.Probe]:
    """For every gate block: does the learner's cell read x (the block of w_ih), h (of w_hh) and
    each bias there? And does it read the states at all? `names` spells each gate out,
    `names_zh` in Traditional Chinese (by default GATE_NAMES_ZH)."""
    gates = len(order)
    zh_names = {**GATE_NAMES_ZH, **(names_zh or {})}
    probes = []
    for state in states[1:]:
        probes.append(
            kit.Probe(
                "structure.ignores_cell",
                f"the previous state {state}",
                _nudged(state, None),
                part_zh=f"前一個狀態 {state}",
            )
        )
    for k, gate in enumerate(order):
        for key, probe_id, term in (
            ("w_ih", "structure.ignores_input", "x"),
            ("w_hh", "structure.ignores_hidden", "h"),
            ("b_ih", "structure.missing_bias_term", "b_ih"),
            ("b_hh", "structure.missing_bias_term", "b_hh"),
        ):
            if gates > 1:
                where = f"{term} in {names[gate]} (rows {_rows(k)} of {key})"
                where_zh = f"{zh_names.get(gate, gate)} 裡的 {term}（{key} 的列 `{_rows(k)}`）"
            else:
                where = key if term == key else f"{term} (through {key})"
                where_zh = f"偏置 {key}" if term == key else f"{term}（經由 {key}）"
            probes.append(kit.Probe(probe_id, where, _block_nudge(key, k, gates), part_zh=where_zh))
    return probes


def _rows(k: int) -> str:
    """Rows of gate block k, as the README writes them: 0:H, H:2H, 2H:3H."""

    def times(n: int) -> str:
        return "0" if n == 0 else "H" if n == 1 else f"{n}H"

    return f"{times(k)}:{times(k + 1)}"


def _block_nudge(key: str, k: int, gates: int) -> Callable[[Args], Args]:
    def perturb(args: Args) -> Args:
        value = args[key]
        if value is None:
            return args
        size = value.shape[0] // gates
        return _nudged(key, slice(k * size, (k + 1) * size))(args)

    return perturb
