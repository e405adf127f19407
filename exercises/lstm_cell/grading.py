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
            names_zh = "、".join(gates)
            for candidate, extra, extra_zh in (
                ("tanh", "", ""),
                ("sigmoid", " and a sigmoid on g", "，並在 g 上用了 sigmoid"),
            ):
                if gates == ("i",) and candidate == "sigmoid":
                    continue  # i * g is then the same as reading blocks in the order g,f,i,o
                found.append(
                    kit.Mistake(
                        "lstm.gate_tanh",
                        f"Your code uses tanh on gate(s) {names}{extra}. The gates i, f, o use"
                        " sigmoid so that they lie in 0..1 and act as soft switches; tanh belongs"
                        " to the candidate g and to the output squash tanh(c').",
                        zh=f"你的程式碼在閘門 {names_zh} 上用了 tanh{extra_zh}。閘門 i、f、o 用"
                        " sigmoid，讓它們落在 0..1 之間、當作柔性的開關；tanh 屬於候選值 g"
                        " 與輸出前的壓縮 tanh(c')。",
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
        explain_zh=(
            "PyTorch 的堆疊順序是 i, f, g, o：列 `0:H` 是輸入閘門，`H:2H` 是遺忘閘門，"
            "`2H:3H` 是候選值 g，`3H:4H` 是輸出閘門。（其他來源的順序不同，例如 CS231n 用"
            " i, f, o, g，所以抄來的程式碼常犯這個錯。）"
        ),
    ),
    kit.Mistake(
        "lstm.candidate_sigmoid",
        "Your candidate g goes through a sigmoid. It must use tanh: the candidate is the new"
        " content, in -1..1, so the cell can be pushed down as well as up; only the gates"
        " i, f, o use sigmoid (they are 0..1 switches).",
        zh=(
            "你的候選值 g 經過了 sigmoid。它必須用 tanh：候選值是新寫入的內容，範圍在 -1..1，"
            "記憶單元狀態才能往下也能往上推；只有閘門 i、f、o 用 sigmoid（它們是 0..1 的開關）。"
        ),
        flags={"candidate": "sigmoid"},
    ),
    *_gate_tanh(),
    kit.Mistake(
        "lstm.missing_output_tanh",
        "Your h' is o * c'. The cell state is squashed before the output gate reads it:"
        " h' = o * tanh(c'). Without the tanh, h' grows with c', which is not bounded.",
        zh=(
            "你的 h' 是 o * c'。記憶單元狀態要先經過壓縮，輸出閘門才讀它：h' = o * tanh(c')。"
            "少了 tanh，h' 會跟著沒有上下界的 c' 一起變大。"
        ),
        flags={"squash": False},
    ),
    kit.Mistake(
        "lstm.uses_prev_cell",
        "Your h' is computed from the previous cell c, not the new one: it must be"
        " h' = o * tanh(c') with c' = f * c + i * g, so compute c' first and use it.",
        zh=(
            "你的 h' 是用前一個記憶單元狀態 c 算出來的，而不是用新的：必須是 h' = o * tanh(c')，"
            "其中 c' = f * c + i * g，所以要先算出 c' 再用它。"
        ),
        flags={"output_from_prev_cell": True},
    ),
    kit.Mistake(
        "lstm.forget_bias_offset",
        "Your forget gate adds 1 to its pre-activation: f = sigmoid(... + 1). TensorFlow's"
        " BasicLSTMCell and Keras (unit_forget_bias) do this so a fresh network remembers by"
        " default; PyTorch adds nothing in the cell and leaves it to the initialisation of b_hh"
        " or b_ih.",
        zh=(
            "你的遺忘閘門在預活化值上加了 1：f = sigmoid(... + 1)。TensorFlow 的 BasicLSTMCell"
            " 與 Keras（unit_forget_bias）這樣做，讓剛建立的網路預設就會記住；PyTorch"
            " 在單元裡什麼都不加，而是交給 b_hh 或 b_ih 的初始化。"
        ),
        flags={"forget_bias": 1.0},
        published="TensorFlow's BasicLSTMCell, forget_bias=1.0",
        published_zh="TensorFlow 的 BasicLSTMCell，forget_bias=1.0",
    ),
    kit.Mistake(
        "lstm.peephole",
        "Your gates also read the cell state (peephole connections): i and f see c, o sees c'."
        " Gers and Schmidhuber added peepholes in 2000 (with weights of their own); PyTorch's"
        " LSTM has none, its gates read only x and h.",
        zh=(
            "你的閘門也讀了記憶單元狀態（窺視孔連接）：i 與 f 看到 c，o 看到 c'。Gers 與"
            " Schmidhuber 在 2000 年加入窺視孔（各有自己的權重）；PyTorch 的 LSTM 沒有窺視孔，"
            "它的閘門只讀 x 與 h。"
        ),
        flags={"peephole": True},
        published="peephole LSTM, Gers & Schmidhuber 2000",
        published_zh="窺視孔 LSTM，Gers 與 Schmidhuber 2000 年",
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
