"""Grading of count_parameters: the number of parameters of torch's recurrent layers.

Loaded by path by the grader's child (see exercises/kit.py for what each name below means).
The reference builds torch's own module on the meta device (no memory, no initialisation) and
sums its parameters' sizes; the known slips are the count written out with flags (variant).
The answer is an int, compared exactly; there are no tensors, so one dtype is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import torch

from exercises import kit
from reference.cellkit import RECURRENT_APIS

# Bound at import: the learner's file cannot change what the reference calls.
_MODULES: dict[str, Callable[..., torch.nn.Module]] = {
    "RNN_TANH": torch.nn.RNN,
    "LSTM": torch.nn.LSTM,
    "GRU": torch.nn.GRU,
}
_META = torch.device("meta")
_randint = torch.randint

OUTPUT = "count"
DTYPES = (torch.float64,)
# The answer is arithmetic: building the module and asking it is what the exercise replaces.
FORBIDDEN = RECURRENT_APIS

# Gate blocks stacked in weight_ih / weight_hh: r, z, n for the GRU; i, f, g, o for the LSTM.
GATES = {"RNN_TANH": 1, "LSTM": 4, "GRU": 3}


def reference(
    mode: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bias: bool = True,
    bidirectional: bool = False,
    proj_size: int = 0,
) -> int:
    """sum(p.numel() for p in nn.<mode>(...).parameters()), the module built on the meta device."""
    extra = {"proj_size": proj_size} if proj_size else {}
    module = _MODULES[mode](
        input_size,
        hidden_size,
        num_layers=num_layers,
        bias=bias,
        bidirectional=bidirectional,
        device=_META,
        **extra,
    )
    return sum(p.numel() for p in module.parameters())


def variant(
    *, biases: int = 2, gates: str = "torch", upper: str = "right", proj: str = "right"
) -> kit.Model:
    """The count written out layer by layer, with slips switched on by the flags.

    biases: 2 (right: b_ih and b_hh), 1 (one bias vector per gate block, as Keras has).
    gates: "torch" (right), "gru4" (a GRU counted with 4 blocks like the LSTM), "gru2" (a GRU
        counted with its two gates r, z only), "lstm3" (an LSTM counted with its three gates
        i, f, o only).
    upper: the input width of layers above the first: "right" (D * width of a layer's output),
        "input_size" (I, like layer 0), "one_direction" (the output width without D),
        "unprojected" (D * H even with a projection).
    proj: "right", or "w_hr_only" (weight_hr counted, but h taken as H wide everywhere else).
    """
    slip = {"gru4": ("GRU", 4), "gru2": ("GRU", 2), "lstm3": ("LSTM", 3)}.get(gates)

    def compute(
        *,
        mode: str,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        bidirectional: bool = False,
        proj_size: int = 0,
    ) -> int:
        g = slip[1] if slip is not None and slip[0] == mode else GATES[mode]
        d = 2 if bidirectional else 1
        hid = hidden_size
        out = proj_size if proj_size > 0 and proj == "right" else hid  # h's width
        total = 0
        for layer in range(num_layers):
            if layer == 0 or upper == "input_size":
                fan_in = input_size
            elif upper == "one_direction":
                fan_in = out
            elif upper == "unprojected":
                fan_in = d * hid
            else:
                fan_in = d * out
            weights = g * hid * fan_in + g * hid * out + (proj_size * hid if proj_size else 0)
            total += d * (weights + (biases * g * hid if bias else 0))
        return total

    return compute


# -- the mistakes --------------------------------------------------------------------------------


def _with(**changes: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def transform(args: dict[str, Any]) -> dict[str, Any]:
        return {**args, **changes}

    return transform


MISTAKES = [
    kit.Mistake(
        "count_parameters.single_bias",
        "Your count has one bias vector per gate block, as Keras has. torch keeps two, b_ih and"
        " b_hh (bias_ih_l{k} and bias_hh_l{k}), each gates * H long: with bias=True every layer"
        " and direction has 2 * gates * H bias parameters.",
        zh=(
            "你的計算在每個閘門區塊只放一個偏置向量，就像 Keras 那樣。torch 保留兩個：b_ih 與"
            " b_hh（bias_ih_l{k} 與 bias_hh_l{k}），各長 gates * H：bias=True 時，每一層、"
            "每個方向有 2 * gates * H 個偏置參數。"
        ),
        flags={"biases": 1},
        published="Keras's recurrent layers, one bias per gate",
        published_zh="Keras 的循環層，每個閘門一個偏置",
    ),
    kit.Mistake(
        "count_parameters.gate_count",
        "Your count gives the GRU four gate blocks, like the LSTM. The GRU has three (r, z and"
        " the candidate n), so its weight_ih is [3H, in], weight_hh [3H, H] and each bias 3H"
        " long; the LSTM has four (i, f, g, o), the plain RNN one.",
        zh=(
            "你的計算給了 GRU 四個閘門區塊，像 LSTM 一樣。GRU 有三個（r、z 與候選值 n），所以它的"
            " weight_ih 是 [3H, in]，weight_hh 是 [3H, H]，每個偏置長 3H；LSTM 有四個（i, f, g,"
            " o），一般 RNN 只有一個。"
        ),
        flags={"gates": "gru4"},
    ),
    kit.Mistake(
        "count_parameters.gate_count",
        "Your count gives the GRU two blocks, its gates r and z. The candidate n has its own"
        " weights too: three blocks (r, z, n), so weight_ih is [3H, in], weight_hh [3H, H] and"
        " each bias 3H long.",
        zh=(
            "你的計算給了 GRU 兩個區塊，也就是它的閘門 r 與 z。候選值 n 也有自己的權重："
            "共三個區塊（r, z, n），所以 weight_ih 是 [3H, in]，weight_hh 是 [3H, H]，每個偏置長"
            " 3H。"
        ),
        flags={"gates": "gru2"},
    ),
    kit.Mistake(
        "count_parameters.gate_count",
        "Your count gives the LSTM three blocks, its gates i, f and o. The candidate g has its own"
        " weights too: four blocks (i, f, g, o), so weight_ih is [4H, in], weight_hh [4H, H] and"
        " each bias 4H long.",
        zh=(
            "你的計算給了 LSTM 三個區塊，也就是它的閘門 i、f 與 o。候選值 g 也有自己的權重："
            "共四個區塊（i, f, g, o），所以 weight_ih 是 [4H, in]，weight_hh 是 [4H, H]，每個偏置長"
            " 4H。"
        ),
        flags={"gates": "lstm3"},
    ),
    kit.Mistake(
        "count_parameters.upper_input_size",
        "Your count gives every layer input_size inputs. Only layer 0 reads x; layer k > 0 reads"
        " the output of layer k - 1, D * H wide (D = 2 when bidirectional, and proj_size in"
        " place of H when there is a projection), so its weight_ih is [gates * H, D * H].",
        zh=(
            "你的計算讓每一層都有 input_size 個輸入。只有第 0 層讀取 x；第 k > 0 層讀取第 k - 1"
            " 層的輸出，寬度為 D * H（雙向時 D = 2，有投影時以 proj_size 取代 H），所以它的"
            " weight_ih 是 [gates * H, D * H]。"
        ),
        flags={"upper": "input_size"},
    ),
    kit.Mistake(
        "count_parameters.upper_input_directions",
        "Your count gives the layers above the first H inputs in a bidirectional stack. They read"
        " the forward and backward outputs of the layer below concatenated, 2 * H wide (2 *"
        " proj_size with a projection), so weight_ih_l{k} is [gates * H, 2H] for both"
        " directions: a bidirectional stack has MORE than twice the parameters of a"
        " unidirectional one.",
        zh=(
            "在雙向堆疊中，你的計算讓第一層以上的各層只有 H 個輸入。它們讀取的是下方那一層前向與反"
            "向輸出串接起來的結果，寬度為 2 * H（有投影時為 2 * proj_size），所以兩個方向的"
            " weight_ih_l{k} 都是 [gates * H, 2H]：雙向堆疊的參數「多於」單向堆疊的兩倍。"
        ),
        flags={"upper": "one_direction"},
    ),
    kit.Mistake(
        "count_parameters.directions_ignored",
        "Your count ignores bidirectional=True. The backward direction has weights of its own"
        " (weight_ih_l{k}_reverse, weight_hh_l{k}_reverse and its biases), so every layer"
        " counts twice, and the layers above the first read 2 * H inputs.",
        zh=(
            "你的計算忽略了 bidirectional=True。反向有自己的權重（weight_ih_l{k}_reverse、"
            "weight_hh_l{k}_reverse 與它的偏置），所以每一層都要算兩次，而第一層以上的各層讀取 2 *"
            " H 個輸入。"
        ),
        transform=_with(bidirectional=False),
    ),
    kit.Mistake(
        "count_parameters.proj_ignored",
        "Your count ignores proj_size. With proj_size = P > 0 each layer and direction gets a"
        " projection weight_hr of [P, H], h is P wide, so weight_hh is [4H, P], and the layers"
        " above the first read D * P inputs.",
        zh=(
            "你的計算忽略了 proj_size。當 proj_size = P > 0 時，每一層、每個方向都多一個 [P, H]"
            " 的投影 weight_hr，h 的寬度是 P，所以 weight_hh 是 [4H, P]，第一層以上的各層讀取 D * P"
            " 個輸入。"
        ),
        transform=_with(proj_size=0),
    ),
    kit.Mistake(
        "count_parameters.proj_width",
        "Your count adds the projection weight_hr [P, H] but keeps h H wide everywhere else. The"
        " projection makes h P wide: weight_hh is [4H, P] (not [4H, H]) and the layers above the"
        " first read D * P inputs (not D * H).",
        zh=(
            "你的計算加上了投影 weight_hr [P, H]，但其他地方仍把 h 當成寬度 H。投影讓 h 的寬度變成"
            " P：weight_hh 是 [4H, P]（不是 [4H, H]），第一層以上的各層讀取 D * P 個輸入（不是 D *"
            " H）。"
        ),
        flags={"proj": "w_hr_only"},
    ),
    kit.Mistake(
        "count_parameters.proj_width",
        "Your count gives the layers above the first D * H inputs although there is a projection."
        " With proj_size = P > 0 the output of a layer is the projected h, P wide per direction,"
        " so layer k > 0 reads D * P inputs: weight_ih_l{k} is [4H, D * P].",
        zh=(
            "雖然有投影，你的計算仍讓第一層以上的各層有 D * H 個輸入。當 proj_size = P > 0 時，"
            "一層的輸出是投影後的 h，每個方向寬度為 P，所以第 k > 0 層讀取 D * P 個輸入："
            "weight_ih_l{k} 是 [4H, D * P]。"
        ),
        flags={"upper": "unprojected"},
    ),
    kit.Mistake(
        "count_parameters.bias_flag_ignored",
        "Your count includes the biases when bias=False. bias=False removes both bias vectors"
        " (b_ih and b_hh) of every layer and direction: only the weights remain.",
        zh=(
            "bias=False 時你的計算仍包含偏置。bias=False 會移除每一層、每個方向的兩個偏置向量（b_ih"
            " 與 b_hh）：只剩下權重。"
        ),
        transform=_with(bias=True),
    ),
]


# -- the cases -----------------------------------------------------------------------------------


class _Spec(NamedTuple):
    """One graded configuration: the layer's options, the range its sizes are drawn from, and
    the mistakes (ids without the prefix) that must count it otherwise than torch."""

    mode: str
    num_layers: int = 1
    bidirectional: bool = False
    bias: bool = True
    proj: bool = False  # proj_size drawn in [1, H - 1]
    sizes: tuple[int, int] = (2, 32)  # I and H drawn in this range
    square: bool = False  # I = H
    explicit: bool = False  # every argument passed, defaults too
    targets: tuple[str, ...] = ()


# fmt: off
_SPECS = (
    _Spec("RNN_TANH", sizes=(1, 1), targets=("single_bias",)),
    _Spec("RNN_TANH", targets=("single_bias",)),
    _Spec("RNN_TANH", 2, targets=("upper_input_size",)),
    _Spec("RNN_TANH", 3, True, targets=("upper_input_size", "upper_input_directions",
                                        "directions_ignored")),
    _Spec("RNN_TANH", 1, True, False, targets=("directions_ignored", "bias_flag_ignored")),
    _Spec("RNN_TANH", 2, True, False, targets=("upper_input_directions", "bias_flag_ignored")),
    _Spec("GRU", targets=("gate_count", "single_bias")),
    _Spec("GRU", explicit=True, targets=("gate_count",)),
    _Spec("GRU", 2, bias=False, targets=("gate_count", "upper_input_size", "bias_flag_ignored")),
    _Spec("GRU", 1, True, targets=("gate_count", "directions_ignored")),
    _Spec("GRU", 2, True, targets=("upper_input_size", "upper_input_directions",
                                   "directions_ignored")),
    _Spec("GRU", 3, targets=("upper_input_size",)),
    _Spec("GRU", 3, True, False, targets=("upper_input_directions", "bias_flag_ignored")),
    _Spec("LSTM", targets=("gate_count", "single_bias")),
    _Spec("LSTM", 2, targets=("upper_input_size",)),
    _Spec("LSTM", 2, square=True, targets=("gate_count",)),
    _Spec("LSTM", 1, True, targets=("directions_ignored",)),
    _Spec("LSTM", 2, True, targets=("upper_input_size", "upper_input_directions",
                                    "directions_ignored")),
    _Spec("LSTM", 3, True, False, targets=("upper_input_directions", "bias_flag_ignored")),
    _Spec("LSTM", proj=True, targets=("proj_ignored", "proj_width")),
    _Spec("LSTM", 2, proj=True, targets=("proj_ignored", "proj_width", "upper_input_size")),
    _Spec("LSTM", 2, True, proj=True, targets=("proj_ignored", "proj_width",
                                               "upper_input_directions")),
    _Spec("LSTM", 2, True, False, proj=True, targets=("proj_ignored", "proj_width")),
    _Spec("LSTM", 3, bias=False, proj=True, targets=("proj_ignored", "proj_width")),
    _Spec("LSTM", 1, True, proj=True, targets=("proj_ignored", "directions_ignored")),
    _Spec("LSTM", 2, True, proj=True, sizes=(64, 512),
          targets=("proj_ignored", "proj_width", "upper_input_directions")),
    _Spec("GRU", 2, True, sizes=(64, 512), targets=("upper_input_directions",)),
)
# fmt: on

_ATTEMPTS = 200
_DEFAULTS: dict[str, Any] = {"num_layers": 1, "bias": True, "bidirectional": False, "proj_size": 0}


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


def _label(inputs: dict[str, Any]) -> str:
    args = [repr(inputs["mode"]), str(inputs["input_size"]), str(inputs["hidden_size"])]
    args += [f"{k}={v!r}" for k, v in inputs.items() if k in _DEFAULTS]
    return f"count_parameters({', '.join(args)})"


def cases(seed: int) -> list[kit.Case]:
    """Sizes drawn from each case's own stream, redrawn until the case counts every targeted
    mistake otherwise than torch (and I differs from the width the upper layers read)."""
    drawn = []
    for index, spec in enumerate(_SPECS):
        gen = kit.generator(seed, index)
        for _ in range(_ATTEMPTS):
            hidden = _draw(gen, *spec.sizes)
            size = hidden if spec.square else _draw(gen, *spec.sizes)
            proj = _draw(gen, 1, hidden - 1) if spec.proj and hidden > 1 else 0
            if spec.proj and not proj:
                continue
            inputs: dict[str, Any] = {"mode": spec.mode, "input_size": size, "hidden_size": hidden}
            options = {
                "num_layers": spec.num_layers,
                "bias": spec.bias,
                "bidirectional": spec.bidirectional,
                "proj_size": proj,
            }
            # The grader passes the inputs positionally: every option up to the last one set.
            names = list(options)
            given = [i for i, k in enumerate(names) if options[k] != _DEFAULTS[k]]
            last = len(names) if spec.explicit else max(given, default=-1) + 1
            inputs |= {k: options[k] for k in names[:last]}
            width = (2 if spec.bidirectional else 1) * (proj or hidden)
            if spec.num_layers > 1 and not spec.square and size in (width, proj or hidden):
                continue
            if _differs(inputs, spec.targets):
                break
        else:
            raise RuntimeError(f"count_parameters: no sizes tell case {index} apart")
        drawn.append(kit.Case(_label(inputs), inputs))
    return drawn
