"""What a grading produces, shared by the child (which fills it) and the parent (which shows it).

The pieces that travel between them (Check, Diagnosis, Worst, the child's Verdict) are the
protocol's structs (exercises.protocol); GradeResult adds what the parent knows. No torch here,
so the TUI can import them cheaply.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

from exercises.protocol import Check, Cost, Diagnosis, Verdict, Worst
from quiz.l10n import N_, _

__all__ = [
    "CHECKS",
    "Check",
    "Cost",
    "Diagnosis",
    "GradeResult",
    "Worst",
    "cost_line",
    "label",
    "learner_output",
]

# The checks, in the order they run; grading stops at the first that fails. The names are keys
# (the JSON's); label() gives a name in the interface language.
LOADS = N_("loads")
IMPLEMENTED = N_("implemented")
ALLOWED = N_("allowed APIs only")
CONTRACT = N_("shape, dtype and device")
VALUES64 = N_("values (float64)")
VALUES32 = N_("values (float32)")
GRADIENTS = N_("gradients")
REPEATABLE = N_("same result on every call")
UNCHANGED = N_("inputs unchanged")
COST = N_("cost")
CHECKS = (
    LOADS,
    IMPLEMENTED,
    ALLOWED,
    CONTRACT,
    VALUES64,
    VALUES32,
    GRADIENTS,
    REPEATABLE,
    UNCHANGED,
    COST,
)


def label(name: str) -> str:
    """A check's name as the learner reads it, in the interface language."""
    return _(name)


def cost_line(cost: Cost) -> str:
    """The counted cost in one sentence, with the wall-clock ratio (information only)."""
    return _(
        "Cost: {per_step:.3g} matmul calls per time step ({matmuls} in {steps} steps);"
        " wall clock {ratio:.2f}x torch's own on this machine (information only)."
    ).format(
        per_step=cost.matmuls / max(cost.steps, 1),
        matmuls=cost.matmuls,
        steps=cost.steps,
        ratio=cost.ratio,
    )


def values_check(dtype: object) -> str:
    """The values check of one dtype (torch.float64 -> "values (float64)")."""
    return f"values ({str(dtype).removeprefix('torch.')})"


# What the learner's code printed is kept up to this many bytes (UTF-8, after cleaning), then
# cut with TRUNCATED's marker: enough for any debugging print, never a flood in a report.
OUTPUT_LIMIT = 8 * 1024
TRUNCATED = "…truncated ({total:,} bytes printed; the first {kept} KiB are kept)"
# Terminal control sequences: CSI (colours, cursor moves, erasing), OSC (titles, hyperlinks),
# DCS/SOS/PM/APC strings, the other two-byte escapes, and the 8-bit CSI.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline


def learner_output(data: bytes, total: int | None = None) -> str:
    """What the learner's code printed, safe to show and to put in JSON.

    `data` is the start of the capture and `total` its full size in bytes (when larger, the rest
    was not read). Terminal control sequences and other control characters are removed (a
    carriage return becomes a newline, so no line hides another), and the text is cut to
    OUTPUT_LIMIT bytes with a "…truncated" line saying how much was printed.
    """
    total = len(data) if total is None else max(total, len(data))
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _ESCAPES.sub("", text))
    encoded = text.encode("utf-8")
    if len(encoded) <= OUTPUT_LIMIT and total == len(data):
        return text
    kept = encoded[:OUTPUT_LIMIT].decode("utf-8", errors="ignore").rstrip("\n")  # whole chars
    marker = TRUNCATED.format(total=total, kept=OUTPUT_LIMIT // 1024)
    return f"{kept}\n{marker}\n"


class GradeResult(Verdict):
    """One grading: the child's verdict and what the parent adds. `to_json()` gives exactly the
    fields of `grade exercise --json`.

    `output` holds what the learner's code printed (cleaned and truncated by learner_output),
    `file` the graded file, `replay` the command that grades it again on the same inputs, and
    `recorded` whether the grading was kept as an attempt in the progress store.
    """

    output: str = ""
    file: str = ""
    replay: str = ""
    recorded: bool = False

    @property
    def verdict(self) -> str:
        """One word: "pass", the diagnosis id, or "null" (failed, no named mistake)."""
        if self.passed:
            return "pass"
        return self.diagnosis.id if self.diagnosis else "null"

    def to_json(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "passed": self.passed,
            "device": self.device,
            "seed": self.seed,
            "checks": msgspec.to_builtins(self.checks),
            "diagnosis": msgspec.to_builtins(self.diagnosis),
            "output": self.output,
            **({"cost": self.cost_json()} if self.cost is not None else {}),
        }

    def cost_json(self) -> dict[str, Any]:
        """The counted cost with its per-step figures and the wall-clock ratio to torch."""
        cost = self.cost
        assert cost is not None
        return {
            **msgspec.to_builtins(cost),
            "matmuls_per_step": cost.matmuls / max(cost.steps, 1),
            "flops_per_step": cost.flops / max(cost.steps, 1),
            "within_budget": cost.within,
            "wall_clock_ratio_to_torch": round(cost.ratio, 3),
        }

    @classmethod
    def from_child(cls, verdict: Verdict, *, output: str, file: str) -> GradeResult:
        """The parent's result from the child's verdict, its messages without terminal control
        sequences (they quote the learner's exceptions, which may hold any text)."""
        fields = msgspec.structs.asdict(verdict)
        checks = [Check(c.name, c.passed, _plain(c.message)) for c in verdict.checks]
        found = verdict.diagnosis
        if found is not None:
            found = Diagnosis(found.id, _plain(found.message), list(found.ids))
        return cls(**{**fields, "checks": checks, "diagnosis": found}, output=output, file=file)


def _plain(text: str) -> str:
    return _CONTROL.sub("", _ESCAPES.sub("", text))
