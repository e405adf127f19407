"""Grading of keras_count_parameters: the number of parameters of Keras's recurrent layers.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
The grader has no Keras to ask (it is not installed, and is not imported here), so the reference
is the count Keras's documented weight shapes give, written out plainly:

    kernel            [input_dim, G * units]
    recurrent_kernel  [units, G * units]
    bias              [G * units], or [2, G * units] for a GRU with reset_after=True
                      ("separate biases for kernel and recurrent_kernel", keras.io's GRU page)

with G = 1 (SimpleRNN), 3 (GRU), 4 (LSTM), and keras.layers.Bidirectional holding two
independent copies of the layer. The known slips are the same count written with flags
(variant) or with an argument misread (transform). The answer is an int, compared exactly;
there are no tensors, so one dtype is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import torch

from exercises import kit
from reference.cellkit import RECURRENT_APIS

# Bound at import: the learner's file cannot change what the cases draw with.
_randint = torch.randint

OUTPUT = "count"
DTYPES = (torch.float64,)
# Nothing to call for a count; building torch's modules is refused as in count_parameters.
FORBIDDEN = RECURRENT_APIS

# Gate blocks side by side in kernel and recurrent_kernel: z, r, h for the GRU (Keras's
# order); i, f, c, o for the LSTM.
GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}


def _bias_vectors(layer: str, use_bias: bool, reset_after: bool) -> int:
    """How many G * units bias vectors the layer has: two for a GRU with reset_after=True (an
    input bias and a recurrent bias, bias [2, 3 * units]), one otherwise, none without bias."""
    if not use_bias:
        return 0
    return 2 if layer == "GRU" and reset_after else 1


def reference(
    layer: str,
    input_dim: int,
    units: int,
    use_bias: bool = True,
    reset_after: bool = True,
    bidirectional: bool = False,
) -> int:
    """model.count_params() for keras.layers.<layer>(units, use_bias=..., reset_after=...) on
    inputs with input_dim features, wrapped in Bidirectional when asked: Keras's documented
    shapes, summed."""
    rows = GATES[layer] * units
    one = input_dim * rows + units * rows + _bias_vectors(layer, use_bias, reset_after) * rows
    return (2 if bidirectional else 1) * one


def variant(*, biases: str = "keras", gates: str = "right") -> kit.Model:
    """The count written out, with slips switched on by the flags.

    biases: "keras" (right), "two" (two bias vectors per gate block on every layer, torch's
        b_ih and b_hh), "one" (one on every layer, the GRU with reset_after=True too).
    gates: "right", "gru4" (a GRU counted with 4 blocks like the LSTM), "gru2" (a GRU counted
        with its two gates z, r only), "lstm3" (an LSTM counted with its three gates i, f, o
        only).
    """
    slip = {"gru4": ("GRU", 4), "gru2": ("GRU", 2), "lstm3": ("LSTM", 3)}.get(gates)

    def compute(
        *,
        layer: str,
        input_dim: int,
        units: int,
        use_bias: bool = True,
        reset_after: bool = True,
        bidirectional: bool = False,
    ) -> int:
        g = slip[1] if slip is not None and slip[0] == layer else GATES[layer]
        if not use_bias:
            vectors = 0
        elif biases == "two":
            vectors = 2
        elif biases == "one":
            vectors = 1
        else:
            vectors = _bias_vectors(layer, use_bias, reset_after)
        one = g * units * (input_dim + units + vectors)
        return (2 if bidirectional else 1) * one

    return compute


# -- the mistakes --------------------------------------------------------------------------------


def _with(**changes: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def transform(args: dict[str, Any]) -> dict[str, Any]:
        return {**args, **changes}

    return transform


def _units_wide(args: dict[str, Any]) -> dict[str, Any]:
    """The kernel taken as [units, G * units]: the input read as units features wide."""
    return {**args, "input_dim": args["units"]}


MISTAKES = [
    kit.Mistake(
        "keras_count_parameters.two_biases",
        "Your count has two bias vectors per gate block on every layer, as torch has (b_ih and"
        " b_hh). Keras keeps ONE bias of G * units for SimpleRNN, LSTM and the GRU with"
        " reset_after=False: count G * units * (input_dim + units + 1). Only the GRU with"
        " reset_after=True has a second, recurrent bias (bias [2, 3 * units]).",
        zh=(
            "你的計算在每一層的每個閘門區塊都放了兩個偏置向量，就像 torch 那樣（b_ih 與 b_hh）。"
            "Keras 的 SimpleRNN、LSTM 與 reset_after=False 的 GRU 只有「一個」長 G * units 的偏置："
            "數量是 G * units * (input_dim + units + 1)。只有 reset_after=True 的 GRU 才有第二個"
            "循環偏置（bias 為 [2, 3 * units]）。"
        ),
        flags={"biases": "two"},
    ),
    kit.Mistake(
        "keras_count_parameters.missing_recurrent_bias",
        "Your count gives the GRU with reset_after=True one bias vector. With reset_after=True"
        " (the TF2 default) the reset gate multiplies the recurrent term after the matmul, so"
        " Keras keeps an input bias and a recurrent bias: bias is [2, 3 * units], and the count"
        " is 3 * units * (input_dim + units + 2). One bias (3 * units) is for reset_after=False.",
        zh=(
            "你的計算讓 reset_after=True 的 GRU 只有一個偏置向量。reset_after=True（TF2 的預設值）"
            "時，重置閘門在矩陣乘法之後才乘上循環項，所以 Keras 保留一個輸入偏置與一個循環偏置："
            "bias 是 [2, 3 * units]，數量是 3 * units * (input_dim + units + 2)。只有一個偏置"
            "（3 * units）的是 reset_after=False。"
        ),
        flags={"biases": "one"},
    ),
    kit.Mistake(
        "keras_count_parameters.reset_after_ignored",
        "Your count gives the GRU two bias vectors whatever reset_after says. reset_after=False"
        " applies the reset gate before the recurrent matmul (Cho et al. 2014's form) and keeps a"
        " single bias of 3 * units: 3 * units * (input_dim + units + 1). The second bias only"
        " exists with reset_after=True.",
        zh=(
            "不論 reset_after 是什麼，你的計算都給 GRU 兩個偏置向量。reset_after=False 在循環的"
            "矩陣乘法之前套用重置閘門（Cho et al. 2014 的形式），只保留一個長 3 * units 的偏置："
            "3 * units * (input_dim + units + 1)。第二個偏置只在 reset_after=True 時才存在。"
        ),
        transform=_with(reset_after=True),
    ),
    kit.Mistake(
        "keras_count_parameters.bias_flag_ignored",
        "Your count includes the bias when use_bias=False. use_bias=False removes the layer's"
        " bias entirely (the GRU's [2, 3 * units] one too): only kernel and recurrent_kernel"
        " remain, G * units * (input_dim + units).",
        zh=(
            "use_bias=False 時你的計算仍包含偏置。use_bias=False 會移除這一層全部的偏置（GRU 的"
            " [2, 3 * units] 也是）：只剩下 kernel 與 recurrent_kernel，也就是"
            " G * units * (input_dim + units)。"
        ),
        transform=_with(use_bias=True),
    ),
    kit.Mistake(
        "keras_count_parameters.directions_ignored",
        "Your count ignores bidirectional=True. keras.layers.Bidirectional holds two independent"
        " copies of the layer (forward_layer and backward_layer), each with its own kernel,"
        " recurrent_kernel and bias: the count doubles.",
        zh=(
            "你的計算忽略了 bidirectional=True。keras.layers.Bidirectional 裡有兩個獨立的層副本"
            "（forward_layer 與 backward_layer），各有自己的 kernel、recurrent_kernel 與"
            "偏置：數量要加倍。"
        ),
        transform=_with(bidirectional=False),
    ),
    kit.Mistake(
        "keras_count_parameters.gate_count",
        "Your count gives the GRU four gate blocks, like the LSTM. The GRU has three (z, r and"
        " the candidate h, in Keras's order), so its kernel is [input_dim, 3 * units] and its"
        " recurrent_kernel [units, 3 * units]; the LSTM has four (i, f, c, o), SimpleRNN one.",
        zh=(
            "你的計算給了 GRU 四個閘門區塊，像 LSTM 一樣。GRU 有三個（依 Keras 的順序是 z、r 與"
            "候選值 h），所以它的 kernel 是 [input_dim, 3 * units]，recurrent_kernel 是"
            " [units, 3 * units]；LSTM 有四個（i, f, c, o），SimpleRNN 只有一個。"
        ),
        flags={"gates": "gru4"},
    ),
    kit.Mistake(
        "keras_count_parameters.gate_count",
        "Your count gives the GRU two blocks, its gates z and r. The candidate h has its own"
        " weights too: three blocks (z, r, h), so kernel is [input_dim, 3 * units],"
        " recurrent_kernel [units, 3 * units] and each bias 3 * units long.",
        zh=(
            "你的計算給了 GRU 兩個區塊，也就是它的閘門 z 與 r。候選值 h 也有自己的權重："
            "共三個區塊（z, r, h），所以 kernel 是 [input_dim, 3 * units]，recurrent_kernel 是"
            " [units, 3 * units]，每個偏置長 3 * units。"
        ),
        flags={"gates": "gru2"},
    ),
    kit.Mistake(
        "keras_count_parameters.gate_count",
        "Your count gives the LSTM three blocks, its gates i, f and o. The candidate c has its"
        " own weights too: four blocks (i, f, c, o), so kernel is [input_dim, 4 * units],"
        " recurrent_kernel [units, 4 * units] and the bias 4 * units long.",
        zh=(
            "你的計算給了 LSTM 三個區塊，也就是它的閘門 i、f 與 o。候選值 c 也有自己的權重："
            "共四個區塊（i, f, c, o），所以 kernel 是 [input_dim, 4 * units]，recurrent_kernel"
            " 是 [units, 4 * units]，偏置長 4 * units。"
        ),
        flags={"gates": "lstm3"},
    ),
    kit.Mistake(
        "keras_count_parameters.input_dim_ignored",
        "Your count gives the kernel units * G * units weights, as if the layer read units"
        " features. The kernel multiplies the input: it is [input_dim, G * units], and only the"
        " recurrent_kernel is [units, G * units].",
        zh=(
            "你的計算讓 kernel 有 units * G * units 個權重，好像這一層讀取的是 units 個特徵。"
            "kernel 乘上的是輸入：它是 [input_dim, G * units]，只有 recurrent_kernel 才是"
            " [units, G * units]。"
        ),
        transform=_units_wide,
    ),
]


# -- the cases -----------------------------------------------------------------------------------


class _Spec(NamedTuple):
    """One graded configuration: the layer's options, the range its sizes are drawn from, and
    the mistakes (ids without the prefix) that must count it otherwise than Keras."""

    layer: str
    use_bias: bool = True
    reset_after: bool = True
    bidirectional: bool = False
    sizes: tuple[int, int] = (2, 32)  # input_dim and units drawn in this range
    square: bool = False  # input_dim = units
    explicit: bool = False  # every argument passed, defaults too
    targets: tuple[str, ...] = ()


# fmt: off
_SPECS = (
    _Spec("SimpleRNN", targets=("two_biases", "input_dim_ignored")),
    _Spec("SimpleRNN", sizes=(1, 1), targets=("two_biases",)),
    _Spec("SimpleRNN", False, targets=("bias_flag_ignored", "input_dim_ignored")),
    _Spec("SimpleRNN", bidirectional=True, targets=("directions_ignored", "two_biases")),
    _Spec("LSTM", targets=("two_biases", "gate_count", "input_dim_ignored")),
    _Spec("LSTM", False, targets=("gate_count", "bias_flag_ignored")),
    _Spec("LSTM", bidirectional=True, targets=("directions_ignored", "two_biases")),
    _Spec("LSTM", False, bidirectional=True, targets=("directions_ignored", "bias_flag_ignored")),
    _Spec("LSTM", sizes=(64, 512), targets=("two_biases", "gate_count", "input_dim_ignored")),
    _Spec("GRU", targets=("gate_count", "missing_recurrent_bias")),
    _Spec("GRU", reset_after=False, targets=("two_biases", "reset_after_ignored", "gate_count")),
    _Spec("GRU", explicit=True, targets=("missing_recurrent_bias", "input_dim_ignored")),
    _Spec("GRU", False, targets=("bias_flag_ignored", "gate_count")),
    _Spec("GRU", False, False, targets=("bias_flag_ignored", "input_dim_ignored")),
    _Spec("GRU", bidirectional=True, targets=("directions_ignored", "missing_recurrent_bias")),
    _Spec("GRU", True, False, True, targets=("directions_ignored", "reset_after_ignored")),
    _Spec("GRU", square=True, targets=("gate_count", "missing_recurrent_bias")),
    _Spec("GRU", reset_after=False, sizes=(64, 512), targets=("reset_after_ignored",)),
)
# fmt: on

_ATTEMPTS = 200
_DEFAULTS: dict[str, Any] = {"use_bias": True, "reset_after": True, "bidirectional": False}


def _draw(gen: torch.Generator, low: int, high: int) -> int:
    return int(_randint(low, high + 1, (), generator=gen))


def _differs(inputs: dict[str, Any], targets: tuple[str, ...]) -> bool:
    """Whether every targeted mistake counts `inputs` otherwise (one of its models at least)."""
    want = reference(**inputs)
    told = set()
    for mistake in MISTAKES:
        args = mistake.transform(dict(inputs)) if mistake.transform else dict(inputs)
        model = variant(**mistake.flags) if mistake.flags else reference
        if model(**args) != want:
            told.add(mistake.id.split(".", 1)[1])
    return set(targets) <= told


def _label(inputs: dict[str, Any], explicit: bool) -> str:
    """The call as a learner would write it: reset_after only for the GRU (the other layers
    take no such argument; passed positionally, it is the default and changes nothing)."""
    args = [repr(inputs["layer"]), str(inputs["input_dim"]), str(inputs["units"])]
    for key, value in inputs.items():
        if key not in _DEFAULTS or (key == "reset_after" and inputs["layer"] != "GRU"):
            continue
        if explicit or value != _DEFAULTS[key]:
            args.append(f"{key}={value!r}")
    return f"keras_count_parameters({', '.join(args)})"


def cases(seed: int) -> list[kit.Case]:
    """Sizes drawn from each case's own stream, redrawn until the case counts every targeted
    mistake otherwise than Keras (input_dim differs from units unless the case is square)."""
    drawn = []
    for index, spec in enumerate(_SPECS):
        gen = kit.generator(seed, index)
        for _ in range(_ATTEMPTS):
            units = _draw(gen, *spec.sizes)
            size = units if spec.square else _draw(gen, *spec.sizes)
            if not spec.square and spec.sizes[0] < spec.sizes[1] and size == units:
                continue
            inputs: dict[str, Any] = {"layer": spec.layer, "input_dim": size, "units": units}
            options = {
                "use_bias": spec.use_bias,
                "reset_after": spec.reset_after,
                "bidirectional": spec.bidirectional,
            }
            # The grader passes the inputs positionally: every option up to the last one set.
            names = list(options)
            given = [i for i, k in enumerate(names) if options[k] != _DEFAULTS[k]]
            last = len(names) if spec.explicit else max(given, default=-1) + 1
            inputs |= {k: options[k] for k in names[:last]}
            if _differs(inputs, spec.targets):
                break
        else:
            raise RuntimeError(f"keras_count_parameters: no sizes tell case {index} apart")
        drawn.append(kit.Case(_label(inputs, spec.explicit), inputs))
    return drawn
