"""Grading of stacked_lstm: an L-layer LSTM over a whole sequence, as nn.LSTM(num_layers=L) runs it.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor

from exercises import kit
from reference.cellkit import RECURRENT_APIS, exactly

# Bound at import: the learner's file cannot change what the reference calls.
_lstm = torch.lstm
_zeros = torch.zeros
_zeros_like = torch.zeros_like
_stack = torch.stack
_cat = torch.cat
_sigmoid = torch.sigmoid
_tanh = torch.tanh
_linear = F.linear

OUTPUT = ("output", ("h_n", "c_n"))
FORBIDDEN = RECURRENT_APIS
DIFFERENTIABLE = ("x", "hx", "weights")

Result = tuple[Tensor, tuple[Tensor, Tensor]]
State = tuple[Tensor, Tensor] | None
Layer = tuple[Tensor, Tensor, Tensor | None, Tensor | None]
Args = dict[str, Any]

BIAS_KEYS = {"b_ih": 2, "b_hh": 3}  # where each bias sits in a layer's tuple


def reference(x: Tensor, hx: State, weights: list[Layer]) -> Result:
    """torch's own multi-layer LSTM with the learner's weights, as nn.LSTM(num_layers=L) with
    dropout 0 and batch_first=False returns it: (output, (h_n, c_n))."""
    layers = len(weights)
    if hx is None:
        hidden = weights[0][1].shape[1]
        zeros = _zeros(layers, x.shape[1], hidden, dtype=x.dtype, device=x.device)
        hx = (zeros, zeros)
    params: list[Tensor] = []
    for w_ih, w_hh, b_ih, b_hh in weights:
        # A missing bias counts as zero (nn.LSTM has both or neither; this takes either alone).
        given = b_ih if b_ih is not None else b_hh
        zero = _zeros_like(given) if given is not None else _zeros(w_ih.shape[0]).to(w_ih)
        params += [
            w_ih,
            w_hh,
            b_ih if b_ih is not None else zero,
            b_hh if b_hh is not None else zero,
        ]
    # train=True with dropout 0 computes what eval does; cuDNN runs backward only in training mode.
    args = (x, hx, params, True, layers, 0.0, True, False, False)
    output, h_n, c_n = exactly(_lstm, *args, cuda=x.is_cuda)
    return output, (h_n, c_n)


def _layer(
    seq: Tensor, h: Tensor, c: Tensor, weights: Layer
) -> tuple[Tensor, tuple[Tensor, Tensor]]:
    """One LSTM layer over `seq` [T, B, in] from (h, c) [B, H]: its outputs [T, B, H] and its
    final states."""
    w_ih, w_hh, b_ih, b_hh = weights
    hs: list[Tensor] = []
    for t in range(seq.shape[0]):
        gates = _linear(seq[t], w_ih, b_ih) + _linear(h, w_hh, b_hh)
        i, f, g, o = gates.chunk(4, dim=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * _tanh(g)
        h = _sigmoid(o) * _tanh(c)
        hs.append(h)
    return _stack(hs), (h, c)


def variant(
    *,
    layer_input: str = "previous",
    start: str = "own",
    final: str = "all",
    output_from: str = "last",
) -> kit.Model:
    """The stack written as a loop over layers, with slips switched on by the flags.

    layer_input: "previous" (right: layer l > 0 reads layer l-1's output), "x" (every layer
        reads x; runs only when I = H).
    start: "own" (right: layer l starts from h0[l], c0[l]), "layer0" (every layer starts from
        h0[0], c0[0]), "carried" (layer 0 starts from its own states, every later layer from the
        final states of the layer below).
    final: "all" (right: [L, B, H], layer 0 first), "last_layer" (only the top layer's,
        [1, B, H]), "last_layer_squeezed" ([B, H]), "reversed" (the top layer first).
    output_from: "last" (right: the top layer's outputs), "first" (layer 0's outputs).
    """

    def compute(*, x: Tensor, hx: State, weights: list[Layer]) -> Any:
        batch = x.shape[1]
        hidden = weights[0][1].shape[1]
        zeros = _zeros(batch, hidden, dtype=x.dtype, device=x.device)
        seq = x
        outputs: list[Tensor] = []
        h_n: list[Tensor] = []
        c_n: list[Tensor] = []
        for index, layer in enumerate(weights):
            if start == "carried" and index > 0:
                h, c = h_n[-1], c_n[-1]
            elif hx is None:
                h, c = zeros, zeros
            else:
                own = 0 if start in ("layer0", "carried") else index
                h, c = hx[0][own], hx[1][own]
            seq, (h, c) = _layer(x if layer_input == "x" else seq, h, c, layer)
            outputs.append(seq)
            h_n.append(h)
            c_n.append(c)
        output = outputs[0] if output_from == "first" else outputs[-1]
        if final == "last_layer":
            return output, (h_n[-1][None], c_n[-1][None])
        if final == "last_layer_squeezed":
            return output, (h_n[-1], c_n[-1])
        if final == "reversed":
            return output, (_stack(h_n[::-1]), _stack(c_n[::-1]))
        return output, (_stack(h_n), _stack(c_n))

    return compute


# -- the cases -----------------------------------------------------------------------------------

# (label, L, B, T, I, H, hx given, biases, scale); biases: "both", "none", "ih", "hh".
# The first is the contract case (H != I, so layer 1's w_ih is [4H, H], not [4H, I]); the cases
# with I = H are those where code feeding x to every layer runs (and can be named).
SHAPES = (
    ("L=3, B=3, T=4, I=5, H=4", 3, 3, 4, 5, 4, True, "both", 1.0),
    ("L=2, B=2, T=3, I=3, H=6", 2, 2, 3, 3, 6, True, "both", 1.0),
    ("L=2, B=1, T=1, I=3, H=5", 2, 1, 1, 3, 5, True, "both", 1.0),
    ("L=3, B=2, T=3, I=4, H=4 (I = H)", 3, 2, 3, 4, 4, True, "both", 1.0),
    ("L=3, B=2, T=5, I=3, H=3 (I = H), hx None", 3, 2, 5, 3, 3, False, "both", 1.0),
    ("L=2, B=3, T=3, I=4, H=6, hx None, biases None", 2, 3, 3, 4, 6, False, "none", 1.0),
    ("L=2, B=2, T=4, I=5, H=5 (I = H), biases None", 2, 2, 4, 5, 5, True, "none", 1.0),
    ("L=3, B=4, T=2, I=6, H=4, only b_ih (b_hh None)", 3, 4, 2, 6, 4, True, "ih", 1.0),
    ("L=2, B=1, T=1, I=4, H=4 (I = H), hx None, only b_hh", 2, 1, 1, 4, 4, False, "hh", 1.0),
    ("L=2, B=2, T=3, I=4, H=7, large inputs (x100)", 2, 2, 3, 4, 7, True, "both", 100.0),
)
GIVEN = {"both": ("b_ih", "b_hh"), "none": (), "ih": ("b_ih",), "hh": ("b_hh",)}


def cases(seed: int) -> list[kit.Case]:
    """x, h0 and c0 ~ N(0, 1) times the scale; every layer's weights and biases
    ~ U(-1/sqrt(H), 1/sqrt(H)), as nn.LSTM initialises them."""
    drawn = []
    for index, (label, layers, b, t, i, h, given, biases, scale) in enumerate(SHAPES):
        gen = kit.generator(seed, index)
        x = torch.randn(t, b, i, generator=gen, dtype=torch.float64) * scale
        hx: State = None
        if given:
            h0 = torch.randn(layers, b, h, generator=gen, dtype=torch.float64) * scale
            c0 = torch.randn(layers, b, h, generator=gen, dtype=torch.float64) * scale
            hx = (h0, c0)
        bound = kit.init_bound(h)
        weights: list[Layer] = []
        for layer in range(layers):
            w_ih = kit.uniform(gen, 4 * h, i if layer == 0 else h, bound=bound)
            w_hh = kit.uniform(gen, 4 * h, h, bound=bound)
            b_ih = kit.uniform(gen, 4 * h, bound=bound)
            b_hh = kit.uniform(gen, 4 * h, bound=bound)
            weights.append(
                (
                    w_ih,
                    w_hh,
                    b_ih if "b_ih" in GIVEN[biases] else None,
                    b_hh if "b_hh" in GIVEN[biases] else None,
                )
            )
        inputs = {"x": x, "hx": hx, "weights": weights}
        drawn.append(kit.Case(label, inputs, scale=scale, time_axes={"output": 0}))
    return drawn


# -- slips expressed as rewritten arguments --------------------------------------------------------


def _without_hx(args: Args) -> Args:
    return {**args, "hx": None}


def _without(*biases: str) -> Callable[[Args], Args]:
    """The biases left out in every layer, as zeros."""

    def transform(args: Args) -> Args:
        layers = []
        for layer in args["weights"]:
            parts = list(layer)
            for key in biases:
                k = BIAS_KEYS[key]
                if parts[k] is not None:
                    parts[k] = _zeros_like(parts[k])
            layers.append(tuple(parts))
        return {**args, "weights": layers}

    return transform


def _transposing(*which: str) -> Callable[[Args], Args]:
    """Each gate block of the named weights (w_ih, w_hh) transposed in every layer: what
    `x @ W_block` computes with torch's layout (only square blocks fit)."""
    keys = {"w_ih": 0, "w_hh": 1}

    def transform(args: Args) -> Args:
        layers = []
        for layer in args["weights"]:
            parts = list(layer)
            for name in which:
                blocks = parts[keys[name]].chunk(4, dim=0)
                if blocks[0].shape[0] != blocks[0].shape[1]:
                    raise ValueError("a non-square block cannot be used transposed")
                parts[keys[name]] = _cat([blk.T for blk in blocks], dim=0)
            layers.append(tuple(parts))
        return {**args, "weights": layers}

    return transform


# -- the mistakes --------------------------------------------------------------------------------


def _shared() -> list[kit.Mistake]:
    found = []
    for biases, words, zh_words in (
        (("b_hh",), "b_hh is never added", "從未加上 b_hh"),
        (("b_ih",), "b_ih is never added", "從未加上 b_ih"),
        (("b_ih", "b_hh"), "neither bias is added", "兩個偏置都沒有加上"),
    ):
        names = " and ".join(biases)
        zh_names = " 與 ".join(biases)
        found.append(
            kit.Mistake(
                "missing_bias",
                f"Your layers match PyTorch's with {names} left out: {words}. PyTorch adds"
                " both b_ih and b_hh in every layer (two bias vectors, even though one would"
                " do); each may be None, in which case skip it.",
                zh=f"你的各層與省略 {zh_names} 的 PyTorch 結果相同：{zh_words}。PyTorch 在每一層"
                "都會加上 b_ih 與 b_hh 兩個偏置向量（雖然一個就夠了）；任一個可能是 `None`，"
                "這時略過它即可。",
                transform=_without(*biases),
            )
        )
    for weights in (("w_hh",), ("w_ih", "w_hh"), ("w_ih",)):
        names = " and ".join(weights)
        zh_names = " 與 ".join(weights)
        found.append(
            kit.Mistake(
                "transposed_weights",
                f"Your layers multiply by the gate blocks of {names} without transposing."
                " PyTorch stores weights as [out_features, in_features] (layer 0's w_ih is"
                " [4H, I], a later layer's [4H, H]), so a layer computes x @ w_ih.T (or"
                " F.linear(x, w_ih)). Without the .T the shapes only fit when the matrix is"
                " square, which is why such code runs when H = I, gives wrong numbers, and"
                " crashes otherwise.",
                zh=f"你的各層直接乘上 {zh_names} 的閘門區塊，沒有轉置。PyTorch 把權重存成"
                " `[out_features, in_features]`（第 0 層的 `w_ih` 是 `[4H, I]`，之後各層是"
                " `[4H, H]`），所以一層算的是 `x @ w_ih.T`（或 `F.linear(x, w_ih)`）。少了"
                " `.T`，形狀只在矩陣為方陣時才對得上：這種程式碼在 `H = I` 時能執行但數值錯誤，"
                "其他情況則會當掉。",
                transform=_transposing(*weights),
            )
        )
    return found


MISTAKES = [
    kit.Mistake(
        "stacked_lstm.layer_input_x",
        "Every layer of your stack reads x: layer l > 0 is fed the input sequence instead of"
        " the output of layer l-1. In a stacked LSTM only layer 0 reads x; layer l reads the"
        " hidden states h_1 .. h_T of the layer below (which is why its w_ih is [4H, H], not"
        " [4H, I], and why your code only runs when I = H). Feed each layer's output sequence"
        " to the next one.",
        zh="你堆疊中的每一層都讀取 `x`：第 l 層（l > 0）拿到的是輸入序列，"
        "而不是第 l-1 層的輸出。在堆疊 LSTM 中只有第 0 層讀取 `x`；"
        "第 l 層讀取下方那一層（第 l-1 層）的隱藏狀態 `h_1 .. h_T`"
        "（所以它的 `w_ih` 是 `[4H, H]` 而不是 `[4H, I]`，"
        "這也是你的程式碼只在 `I = H` 時能執行的原因）。"
        "請把每一層的輸出序列交給它上方的那一層。",
        flags={"layer_input": "x"},
    ),
    kit.Mistake(
        "stacked_lstm.output_first_layer",
        "Your output is the hidden-state sequence of layer 0, the bottom of the stack."
        " nn.LSTM's output holds the top layer's h_t at every step (output[-1] equals"
        " h_n[-1]); the lower layers' sequences are only passed upward, and what is left of"
        " them is their final states in h_n.",
        zh="你的 `output` 是第 0 層（堆疊最底層）的隱藏狀態序列。`nn.LSTM` 的 `output` 是最上層"
        "每一步的 `h_t`（`output[-1]` 等於 `h_n[-1]`）；較低層的序列只往上傳，留下來的只有它們在"
        " `h_n` 中的最終狀態。",
        flags={"output_from": "first"},
    ),
    kit.Mistake(
        "stacked_lstm.states_last_layer",
        "Your h_n and c_n hold only the top layer's final states, [1, B, H]. nn.LSTM returns"
        " the final states of EVERY layer, [num_layers, B, H], layer 0 first: stack the final"
        " (h, c) of each layer (the top layer's h_n[-1] is what a classifier usually reads).",
        zh="你的 `h_n` 與 `c_n` 只含最上層的最終狀態，形狀 `[1, B, H]`。"
        "`nn.LSTM` 回傳的是「每一層」的最終狀態，`[num_layers, B, H]`，第 0 層在前："
        "請把每一層最終的 `(h, c)` 疊起來（分類器通常讀的是最上層的 `h_n[-1]`）。",
        flags={"final": "last_layer"},
    ),
    kit.Mistake(
        "stacked_lstm.states_last_layer",
        "Your h_n and c_n are [B, H]: only the top layer's final states, without the layer"
        " axis. nn.LSTM returns the final states of EVERY layer, [num_layers, B, H], layer 0"
        " first: stack the final (h, c) of each layer with torch.stack.",
        zh="你的 `h_n` 與 `c_n` 是 `[B, H]`：只有最上層的最終狀態，而且沒有層軸。`nn.LSTM` 回傳的是"
        "「每一層」的最終狀態，`[num_layers, B, H]`，第 0 層在前：請用 `torch.stack` 把每一層最終的"
        " `(h, c)` 疊起來。",
        flags={"final": "last_layer_squeezed"},
    ),
    kit.Mistake(
        "stacked_lstm.states_reversed",
        "Your h_n and c_n list the layers top first: h_n[0] is the top layer's final state."
        " nn.LSTM orders them bottom up, h_n[l] is layer l's (the order of hx too), so h_n[0]"
        " is layer 0's and h_n[-1] the top layer's. Stack them in the order the layers run.",
        zh="你的 `h_n` 與 `c_n` 把最上層排在最前面：`h_n[0]` 是最上層的最終狀態。`nn.LSTM` 由下往上"
        "排列，`h_n[l]` 是第 l 層的（`hx` 也是這個順序），所以 `h_n[0]` 是第 0 層的，`h_n[-1]`"
        " 是最上層的。請依各層執行的順序疊起來。",
        flags={"final": "reversed"},
    ),
    kit.Mistake(
        "stacked_lstm.shared_initial_state",
        "Every layer of your stack starts from h0[0], c0[0], the initial states of layer 0."
        " hx = (h0, c0) holds one initial state per layer, [L, B, H]: layer l starts from"
        " h0[l] and c0[l].",
        zh="你堆疊中的每一層都從第 0 層的初始狀態 `h0[0]`、`c0[0]` 開始。"
        "`hx = (h0, c0)` 為每一層各存一個初始狀態，形狀 `[L, B, H]`："
        "第 l 層從 `h0[l]` 與 `c0[l]` 開始。",
        flags={"start": "layer0"},
    ),
    kit.Mistake(
        "stacked_lstm.state_carried_across_layers",
        "Each layer above layer 0 starts from the final states of the layer below: your h and"
        " c are set once, before the loop over layers, and never reset. States run along time"
        " within one layer, not up the stack: layer l starts from its own h0[l], c0[l], or"
        " from zeros when hx is None.",
        zh="第 0 層以上的每一層都從它下方那一層的最終狀態開始："
        "你的 `h` 與 `c` 只在逐層迴圈之前設定一次，之後沒有重設。"
        "狀態在同一層內沿時間傳遞，不會沿堆疊往上傳：第 l 層從自己的 `h0[l]`、"
        "`c0[l]` 開始，`hx` 為 `None` 時則從零開始。",
        flags={"start": "carried"},
    ),
    kit.Mistake(
        "stacked_lstm.ignores_hx",
        "Your stack starts from zero states even when hx = (h0, c0) is given. Zeros are only"
        " the default for hx=None; a given h0[l], c0[l] are layer l's states before the first"
        " step (a decoder started from an encoder's final states relies on it).",
        zh="即使給了 `hx = (h0, c0)`，你的堆疊仍從零狀態開始。零只是 `hx=None` 時的預設值；"
        "給定的 `h0[l]`、`c0[l]` 是第 l 層在第一個時間步之前的狀態"
        "（從編碼器最終狀態開始的解碼器就靠它）。",
        transform=_without_hx,
    ),
    *_shared(),
]


# -- structural probes ---------------------------------------------------------------------------


def _nudge_layer(layer: int) -> Callable[[Args], Args]:
    """Both weight matrices of one layer moved (nothing to move when the stack is lower)."""

    def perturb(args: Args) -> Args:
        weights = args["weights"]
        if layer >= len(weights):
            return args
        gen = torch.Generator().manual_seed(12345 + layer)
        moved = list(weights)
        parts = list(moved[layer])
        for k in (0, 1):
            w = parts[k]
            noise = torch.randn(w.shape, generator=gen, dtype=torch.float64)
            parts[k] = w + noise.to(device=w.device, dtype=w.dtype)
        moved[layer] = tuple(parts)
        return {**args, "weights": moved}

    return perturb


def _nudge_state(which: int, layer: int) -> Callable[[Args], Args]:
    """hx[which][layer] shifted by 0.5 (nothing to move when hx is None or the stack lower)."""

    def perturb(args: Args) -> Args:
        hx = args["hx"]
        if hx is None or layer >= hx[0].shape[0]:
            return args
        state = hx[which].clone()
        state[layer] += 0.5
        new = (state, hx[1]) if which == 0 else (hx[0], state)
        return {**args, "hx": new}

    return perturb


def _shift_last_step(args: Args) -> Args:
    x = args["x"].clone()
    x[-1] += 0.5
    return {**args, "x": x}


PROBES = [
    kit.Probe(
        "structure.ignores_input",
        "the last time step of x",
        _shift_last_step,
        part_zh="x 的最後一個時間步",
    ),
    *(
        kit.Probe(
            "structure.ignores_layer",
            f"the weights of layer {layer} (weights[{layer}])",
            _nudge_layer(layer),
            part_zh=f"第 {layer} 層的權重（weights[{layer}]）",
        )
        for layer in range(3)
    ),
    *(
        kit.Probe(
            "structure.ignores_hidden",
            f"layer {layer}'s initial hidden state h0[{layer}]",
            _nudge_state(0, layer),
            part_zh=f"第 {layer} 層的初始隱藏狀態 h0[{layer}]",
        )
        for layer in range(3)
    ),
    *(
        kit.Probe(
            "structure.ignores_cell",
            f"layer {layer}'s initial cell state c0[{layer}]",
            _nudge_state(1, layer),
            part_zh=f"第 {layer} 層的初始記憶單元狀態 c0[{layer}]",
        )
        for layer in range(3)
    ),
]
