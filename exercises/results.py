"""What a grading produces, shared by the child (which fills it) and the parent (which shows it).

Plain dataclasses with a JSON form; no torch here, so the TUI can import them cheaply.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

# The checks, in the order they run; grading stops at the first that fails.
LOADS = "loads"
IMPLEMENTED = "implemented"
ALLOWED = "allowed APIs only"
CONTRACT = "shape, dtype and device"
VALUES64 = "values (float64)"
VALUES32 = "values (float32)"
GRADIENTS = "gradients"
UNCHANGED = "inputs unchanged"
CHECKS = (LOADS, IMPLEMENTED, ALLOWED, CONTRACT, VALUES64, VALUES32, GRADIENTS, UNCHANGED)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class Diagnosis:
    """A named mistake (`id`, e.g. "lstm.gate_order" or "timeout") and what to do about it."""

    id: str
    message: str


@dataclass(frozen=True)
class Worst:
    """The largest output error: where (`output[index]`), how big, on which input case."""

    output: str
    index: tuple[int, ...]
    got: float
    expected: float
    error: float
    case: str

    @property
    def where(self) -> str:
        return f"{self.output}[{', '.join(map(str, self.index))}]"


@dataclass
class GradeResult:
    """One grading. `to_json()` gives exactly the fields of `grade exercise --json`.

    `output` holds what the learner's code printed (already truncated), `file` the graded file,
    `replay` the command that grades it again on the same inputs.
    """

    exercise: str
    passed: bool
    device: str
    seed: int
    checks: list[Check]
    diagnosis: Diagnosis | None
    worst: Worst | None = None
    output: str = ""
    file: str = ""
    replay: str = ""

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
            "checks": [asdict(c) for c in self.checks],
            "diagnosis": asdict(self.diagnosis) if self.diagnosis else None,
        }

    @classmethod
    def from_child(cls, data: dict[str, Any], *, output: str, file: str) -> GradeResult:
        """Rebuild a result from the child's message (its JSON form plus `worst`)."""
        worst = data.get("worst")
        diagnosis = data.get("diagnosis")
        return cls(
            exercise=data["exercise"],
            passed=bool(data["passed"]),
            device=data["device"],
            seed=int(data["seed"]),
            checks=[Check(**c) for c in data["checks"]],
            diagnosis=Diagnosis(**diagnosis) if diagnosis else None,
            worst=Worst(**{**worst, "index": tuple(worst["index"])}) if worst else None,
            output=output,
            file=file,
        )
