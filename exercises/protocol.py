"""The grader's protocol: what the parent (exercises.runner) and the child (exercises.child,
exercises.checks) say to each other, as msgspec structs, in this one module.

The parent writes one Request per line on the request pipe; the child answers on the event pipe
with one Event per line: Ready once, when torch is imported, then for each request any number of
Stage events, and finally one of Result (the verdict), Usage (the request cannot be run here) or
Failed (the grader itself broke). Lines are JSON (json.dumps of msgspec.to_builtins, so a NaN in
`Worst` travels as the Python json module writes it); a line that does not decode is learner
code writing to the pipe and is ignored.

No torch and nothing heavy: the TUI and the CLI import these cheaply.
"""

# No `from __future__ import annotations`: msgspec would evaluate the string annotations when the
# child first decodes, after its import guard is up, and fail to find the names.
import json
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, Struct


class Tolerance(Struct, frozen=True, forbid_unknown_fields=True):
    """Closeness as torch.testing.assert_close reads it: |got - want| <= atol + rtol * |want|."""

    rtol: Annotated[float, Meta(gt=0)]
    atol: Annotated[float, Meta(ge=0)]


class Check(Struct, frozen=True):
    name: str
    passed: bool
    message: str = ""


class Diagnosis(Struct, frozen=True):
    """A named mistake (`id`, e.g. "lstm.gate_order" or "timeout") and what to do about it.
    `ids` lists every mistake found (two slips at once: both), the main one, `id`, first."""

    id: str
    message: str
    ids: list[str] = []

    def __post_init__(self) -> None:
        if not self.ids:
            self.ids.append(self.id)


class Worst(Struct, frozen=True):
    """The largest output error: where (`output[index]`), how big, on which input case."""

    output: str
    index: tuple[int, ...]
    got: float
    expected: float
    error: float
    case: str
    step: int | None = None  # a sequence's first time step that differs, where it has one
    length: bool = False  # got and expected are the lengths of a list, not values

    @property
    def where(self) -> str:
        if not self.index:
            return self.output
        return f"{self.output}[{', '.join(map(str, self.index))}]"


class Request(Struct, frozen=True, forbid_unknown_fields=True):
    """One grading asked of the child: which exercise (its folder, whose grading.py the child
    loads), the learner's file, where and on which inputs."""

    id: str
    exercise: str
    folder: str
    file: str
    device: str
    seed: int
    track: Literal["torch", "numpy"] = "torch"
    timeout: Annotated[float, Meta(gt=0)] = 10.0  # seconds the learner's code may run in all
    lang: Literal["en", "zh-Hant", "zh-Hans"] = "en"  # the language of the verdict's messages


class Cost(Struct, frozen=True):
    """What one call cost, counted rather than timed so that it is the same on every machine:
    matmul calls and FLOPs on the case `case`, against the exercise's budget for them; the
    wall-clock ratio to torch's own implementation is information only (machines differ)."""

    case: str
    matmuls: int
    flops: int
    budget_matmuls: int
    budget_flops: int
    steps: int  # time steps of the case: the per-step figures are matmuls / steps
    seconds: float
    torch_seconds: float

    @property
    def within(self) -> bool:
        return self.matmuls <= self.budget_matmuls and self.flops <= self.budget_flops

    @property
    def ratio(self) -> float:
        """Wall-clock time against torch's (information only)."""
        return self.seconds / self.torch_seconds if self.torch_seconds > 0 else float("inf")


class Verdict(Struct):
    """The child's result: what the child knows of a grading. The parent's GradeResult
    (exercises.results) extends it with what only the parent knows."""

    exercise: str
    passed: bool
    device: str
    seed: int
    checks: list[Check]
    diagnosis: Diagnosis | None
    worst: Worst | None = None
    skipped: list[str] = []  # checks that are not part of this exercise (e.g. no float32)
    cost: Cost | None = None  # counted, for an exercise graded on cost


class Ready(Struct, frozen=True, tag="ready", tag_field="event"):
    """The child has imported torch and waits for requests."""


class Stage(Struct, frozen=True, tag="stage", tag_field="event"):
    """The request `id` is now running `check`, doing `doing` (for a timeout's message)."""

    id: str
    check: str
    doing: str


class Result(Struct, frozen=True, tag="result", tag_field="event"):
    id: str
    result: Verdict


class Usage(Struct, frozen=True, tag="usage", tag_field="event"):
    """The request cannot be graded here (e.g. no CUDA): a usage error for the learner."""

    id: str
    message: str


class Failed(Struct, frozen=True, tag="error", tag_field="event"):
    """A bug in the grader (never the learner's code); the child keeps serving."""

    id: str
    message: str


Event = Ready | Stage | Result | Usage | Failed
EventKind = Literal["ready", "stage", "result", "usage", "error"]


def encode(message: Request | Event) -> bytes:
    """One line of the protocol, newline included."""
    return (json.dumps(msgspec.to_builtins(message)) + "\n").encode()


def decode_request(line: str | bytes) -> Request:
    return msgspec.convert(json.loads(line), Request)


def decode_event(line: str | bytes) -> Event | None:
    """The event on `line`, or None for a line that is not one (learner code's writing)."""
    try:
        event: Event = msgspec.convert(json.loads(line), Event)
        return event
    except (ValueError, msgspec.ValidationError):
        return None
