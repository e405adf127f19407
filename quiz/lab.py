"""The gradient lab's plain-Python side: configurations, the presets that reproduce the banks'
claims, and running the computation (reference.gradient_lab) in a process of its own, so torch
never loads where the app runs and a running computation can be cancelled by ending it.
"""

from __future__ import annotations

import json
import math
import subprocess
from dataclasses import asdict, dataclass, replace
from typing import Any

from quiz import torch_child
from quiz.i18n import Lang, to_simplified
from quiz.l10n import _, current_language

CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")
INITS = ("orthogonal", "normal", "identity")
TIMEOUT_S = 120.0  # torch's import plus the pass: far more than a 1000-step run needs


class LabError(Exception):
    """The computation could not run (its process failed or was stopped)."""


@dataclass(frozen=True)
class LabConfig:
    cell: str = "rnn_tanh"
    steps: int = 50  # T
    hidden_size: int = 32  # H (the input has H features too)
    init: str = "orthogonal"  # of each gate block of W_hh
    gain: float = 1.0  # orthogonal and identity
    sigma: float = 1.0  # normal: N(0, (σ/√H)²), so σ = 1 puts the spectral radius near 1
    input_scale: float = 1.0  # x ~ N(0, scale²)
    forget_bias: float = 0.0  # the keeping gate's bias: LSTM f, GRU z (through b_ih; b_hh zeroed)
    clip: float | None = None  # clip the parameters' gradient to this global norm
    seed: int = 0

    def problem(self) -> str | None:
        if self.cell not in CELLS:
            return _("cell must be one of {cells}").format(cells=", ".join(CELLS))
        if self.init not in INITS:
            return _("init must be one of {inits}").format(inits=", ".join(INITS))
        if not 1 <= self.steps <= 2000 or not 1 <= self.hidden_size <= 512:
            return _("T must be 1 to 2000 and H 1 to 512")
        if self.clip is not None and self.clip <= 0:
            return _("the clipping norm must be positive")
        return None

    def label(self) -> str:
        """A short name for a plot's legend: what tells two overlaid settings apart."""
        extra = f" bias {self.forget_bias:g}" if self.cell in ("lstm", "gru") else ""
        return f"{self.cell} {self.init} ×{self.gain:g} in×{self.input_scale:g}{extra}"


@dataclass(frozen=True)
class LabResult:
    config: LabConfig
    grad_h: list[float]  # ‖∂L/∂h_t‖, t = 1 … T
    grad_x: list[float]  # ‖∂L/∂x_t‖
    ratio_first_last: float
    spectral_radius: float  # of W_hh's candidate block (the whole W_hh for an RNN)
    final_state_norm: float
    clip: dict[str, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "config": asdict(self.config)}


@dataclass(frozen=True)
class Preset:
    name: str
    title: tuple[str, str]  # English, Traditional Chinese
    claim: tuple[str, str]
    configs: tuple[LabConfig, ...]  # one, or two to overlay
    questions: tuple[str, ...]  # the bank's questions it shows happening

    def text(self, which: tuple[str, str], lang: Lang | None = None) -> str:
        lang = lang or current_language()
        if lang == "en":
            return which[0]
        return to_simplified(which[1]) if lang == "zh-Hans" else which[1]


PRESETS = {
    p.name: p
    for p in (
        Preset(
            "rnn-vanishes",
            ("tanh RNN, orthogonal gain 0.5", "tanh RNN，正交初始化增益 0.5"),
            (
                "Each step multiplies the gradient by W_hh.T and tanh's slope (at most 1): with"
                " W_hh's singular values all 0.5 it shrinks at least 2x a step and is gone long"
                " before the first step.",
                "每一步都把梯度乘上 W_hh.T 與 tanh 的斜率（最多 1）：W_hh 的奇異值都是 0.5 時，"
                "梯度每一步至少縮小一半，遠在回到第一步之前就消失了。",
            ),
            (LabConfig(cell="rnn_tanh", gain=0.5, steps=50),),
            ("gradients.why-exponential", "gradients.step-jacobian", "gradients.product-bound"),
        ),
        Preset(
            "rnn-explodes",
            ("ReLU RNN, orthogonal gain 3", "ReLU RNN，正交初始化增益 3"),
            (
                "With W_hh's singular values at 3 and a slope of 1 wherever a unit is on, the"
                " backward product grows about 3x a step: the first step's gradient is many"
                " orders of magnitude larger than the last's.",
                "W_hh 的奇異值是 3，而啟動的單元斜率為 1，反向的連乘每一步約放大 3 倍："
                "第一步的梯度比最後一步大了許多個數量級。",
            ),
            (LabConfig(cell="rnn_relu", gain=3.0, steps=30),),
            ("gradients.seed004-exploding", "gradients.training-symptoms"),
        ),
        Preset(
            "saturation-stops-it",
            (
                "tanh RNN, gain 3: N(0,1) inputs vs saturating inputs",
                "tanh RNN，增益 3：N(0,1) 輸入與飽和輸入",
            ),
            (
                "Large weights alone do not make gradients explode: inputs 20x larger drive tanh"
                " into saturation, its slope falls near 0, and the same W_hh now makes the"
                " gradient vanish.",
                "權重大本身並不保證梯度爆炸：輸入放大 20 倍會讓 tanh 飽和，斜率接近 0，"
                "同一個 W_hh 反而使梯度消失。",
            ),
            (
                LabConfig(cell="rnn_tanh", gain=3.0, steps=30),
                LabConfig(cell="rnn_tanh", gain=3.0, steps=30, input_scale=20.0),
            ),
            ("gradients.large-weights-saturate", "gradients.spectral-radius-myth"),
        ),
        Preset(
            "lstm-forget-bias",
            ("LSTM, forget bias 1 vs 0", "LSTM，遺忘閘門偏置 1 與 0"),
            (
                "The cell state's path multiplies the gradient by f_t alone: a forget bias of 1"
                " keeps f near 0.73 instead of 0.5, and far more of the gradient reaches the"
                " first step.",
                "記憶單元狀態這條路徑只把梯度乘上 f_t：遺忘閘門偏置為 1 時，"
                "f 約為 0.73 而不是 0.5，能回到第一步的梯度多得多。",
            ),
            (
                LabConfig(cell="lstm", forget_bias=1.0, steps=100),
                LabConfig(cell="lstm", forget_bias=0.0, steps=100),
            ),
            ("gradients.lstm-direct-path", "initialisation.why-forget-bias"),
        ),
        Preset(
            "gru-vs-rnn",
            (
                "GRU (update bias 1) vs tanh RNN at T = 100",
                "GRU（更新閘門偏置 1）與 tanh RNN，T = 100",
            ),
            (
                "With its update gate leaning towards keeping (b_z = 1, z near 0.73), the GRU's"
                " path z * h carries the gradient back with no weight matrix on it: 100 steps"
                " back it is orders of magnitude above the tanh RNN's. Set the bias to 0 and it"
                " is not: a gate helps when it is set to keep.",
                "更新閘門偏向保留時（b_z = 1，z 約為 0.73），GRU 的 z * h 路徑上沒有權重矩陣，"
                "梯度沿著它往回傳：回到 100 步之前，仍比 tanh RNN 的大好幾個數量級。"
                "把偏置設為 0 就不是這樣了：閘門要設成保留才有幫助。",
            ),
            (
                LabConfig(cell="gru", steps=100, forget_bias=1.0),
                LabConfig(cell="rnn_tanh", steps=100),
            ),
            ("lstm_vs_gru.gates-and-states", "gradients.vanishing-remedies"),
        ),
        Preset(
            "clipping",
            ("Clipping one exploding step", "裁剪一個爆炸的步驟"),
            (
                "Clipping by global norm rescales the whole gradient to the threshold when it is"
                " larger: the direction is kept, only the length changes.",
                "依全域範數裁剪時，若梯度比門檻大，就把整個梯度縮放到門檻：方向不變，只改長度。",
            ),
            (LabConfig(cell="rnn_relu", gain=3.0, steps=30, clip=1.0),),
            ("clipping.why-and-how", "clipping.direction-preserved"),
        ),
    )
}


def preset_for(question_id: str) -> Preset | None:
    """The preset that shows a question's claim happening (offered after a wrong answer)."""
    return next((p for p in PRESETS.values() if question_id in p.questions), None)


def start(config: LabConfig) -> subprocess.Popen[str]:
    """The computation, started in a process of its own (end it to cancel)."""
    problem = config.problem()
    if problem is not None:
        raise LabError(problem)
    return torch_child.start("reference.gradient_lab", json.dumps(asdict(config)))


def finish(proc: subprocess.Popen[str], config: LabConfig) -> LabResult:
    """The result of a started computation (LabError if it failed or was stopped)."""
    try:
        out = torch_child.output(proc, TIMEOUT_S)
    except torch_child.ChildFailed as exc:
        reason = _("the computation took too long") if exc.timed_out else str(exc)
        raise LabError(reason) from None
    data = json.loads(out)  # inf and nan come as strings, which float() reads back
    return LabResult(
        config=config,
        grad_h=[float(v) for v in data["grad_h"]],
        grad_x=[float(v) for v in data["grad_x"]],
        ratio_first_last=float(data["ratio_first_last"]),
        spectral_radius=float(data["spectral_radius"]),
        final_state_norm=float(data["final_state_norm"]),
        clip=data.get("clip"),
    )


def run(config: LabConfig) -> LabResult:
    return finish(start(config), config)


def run_many(configs: tuple[LabConfig, ...]) -> list[LabResult]:
    """Several computations at once (a preset's overlaid configurations)."""
    started = [(start(c), c) for c in configs]
    return [finish(proc, c) for proc, c in started]


def with_changes(config: LabConfig, **changes: Any) -> LabConfig:
    return replace(config, **{k: v for k, v in changes.items() if v is not None})


def log10(value: float) -> float:
    """For a log-scale plot: a gradient of exactly 0 sits at the bottom, not at -inf."""
    return math.log10(value) if value > 0 else -300.0
