"""The judge's side of the learner's process: the learner's function, called from afar.

Each call sends the inputs as plain data (exercises.wire) and gets back plain data: the result,
the exception (already described in the learner's terms), the inputs as the call left them (the
judge itself compares them with what it sent, to find in-place changes) and what the guard
noted. Everything that comes back is checked as it is read; a message that is not what the
protocol allows, a process that dies, overstays the deadline or outgrows its memory ends the
grading with a verdict on the learner's code (Ended), never with a grader failure.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import torch

from exercises import endings, wire
from exercises.learner import Failure
from exercises.sandbox import PRELOADABLE, Setup
from exercises.zygote import Template
from quiz.l10n import _, current_language

_DIAGNOSES = frozenset(
    {"crash", "not_implemented", "forbidden_api", "syntax_error", "missing_function"}
)


class Ended(Exception):
    """The learner's process ended the grading: a diagnosis id and the learner's message."""

    def __init__(self, diagnosis: str, message: str) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis
        self.message = message


@dataclass(frozen=True)
class Raised:
    """An exception the learner's code raised, as its process described it."""

    diagnosis: str
    message: str
    text: str  # str() of the exception


@dataclass
class Outcome:
    """One call of the learner's function: what it returned or raised, which inputs it changed."""

    value: Any = None
    error: Raised | None = None
    mutated: tuple[str, ...] = ()
    after: dict[str, Any] = field(default_factory=dict)  # the inputs as the call left them


@dataclass
class Graded:
    """A call on inputs that require grad, then the backward pass: the result, whether each of
    its floating tensors is connected to the graph, the gradients by input name."""

    value: Any
    connected: list[bool]
    grads: dict[str, Any]
    error: Raised | None
    phase: str  # "call" or "backward": where `error` was raised
    mutated: tuple[str, ...] = ()  # inputs the call changed in place (under no_grad, say)


class Learner:
    """One learner's process for one grading; `close()` kills it and everything it started."""

    def __init__(
        self,
        zygote: Template,
        setup: Setup,
        *,
        deadline: float,
        timeout: float,
        doing: Callable[[], str],
    ) -> None:
        self.used: list[tuple[str, str]] = []
        self._zygote = zygote
        self._setup = setup
        self._deadline = deadline
        self._timeout = timeout
        self._doing = doing
        self._callbacks: list[Any] = []
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()
        try:
            self.pid = zygote.spawn(commands_r, replies_w, setup)
        finally:
            os.close(commands_r)
            os.close(replies_w)
        self._process = psutil.Process(self.pid)
        self._memory_killed = False
        self._open = True
        self._baseline = self._rss()
        self._started(zygote.start_allowance)
        self._baseline = max(self._baseline, self._rss())  # a spawned one has imported torch

    def _started(self, allowance: float) -> None:
        """Wait for the process's first word; the time it took to start is not the learner's:
        the deadline moves by as much."""
        began = time.monotonic()
        self._deadline += allowance
        if self._ask(("hello",)) != []:
            raise self._broken("a malformed greeting")
        self._deadline += time.monotonic() - began - allowance

    def close(self, *, wait: bool = False) -> int | None:
        """End the process and all it started; its exit status."""
        if not self._open:
            return None
        self._open = False
        os.close(self._commands)
        os.close(self._replies)
        return self._zygote.clear(wait=wait)

    # -- the calls ---------------------------------------------------------------------------

    def load(
        self, path: Path, function: str, *, numpy_only: bool, forbidden: tuple[str, ...]
    ) -> None:
        """Load the learner's file there; learner.Failure if it cannot be graded."""
        try:
            source = path.read_bytes()
        except OSError as exc:
            raise Failure("crash", f"cannot read {path}: {exc.strerror}") from None
        reply = self._ask(
            ("load", source, str(path), function, numpy_only, list(forbidden), current_language())
        )
        error = _raised(_field(reply, 0))
        if error is not None:
            raise Failure(error.diagnosis, error.message)

    def call(self, inputs: dict[str, Any]) -> Outcome:
        packed = self._pack(inputs)
        reply = self._ask(("call", packed, len(self._callbacks)))
        error = _raised(_field(reply, 1))
        value = None if error is not None else self._unpack(_field(reply, 0))
        after = self._after(_field(reply, 2), inputs)
        replaced = _field(reply, 3)  # inputs whose containers now hold other objects
        if not isinstance(replaced, list) or not set(replaced) <= inputs.keys():
            raise self._broken("a malformed call reply")
        changed = {*self._changed(after, inputs), *replaced}
        mutated = tuple(name for name in inputs if name in changed)
        return Outcome(value, error, mutated, after)

    def cost(self, inputs: dict[str, Any], repeats: int) -> tuple[int, int, float] | Raised:
        """(matmul calls, FLOPs, fastest seconds of `repeats`) of a call, or what it raised."""
        reply = self._ask(("cost", self._pack(inputs), len(self._callbacks), repeats))
        error = _raised(_field(reply, 1))
        if error is not None:
            return error
        counted = _field(reply, 0)
        if (
            not isinstance(counted, list)
            or len(counted) != 3
            or not all(type(c) is int and c >= 0 for c in counted[:2])
            or type(counted[2]) is not float
        ):
            raise self._broken("a malformed cost reply")
        return counted[0], counted[1], counted[2]

    def gradients(
        self, inputs: dict[str, Any], differentiable: tuple[str, ...], seed: int, k: int
    ) -> Graded:
        packed = self._pack(inputs)
        reply = self._ask(("grad", packed, len(self._callbacks), list(differentiable), seed, k))
        error = _raised(_field(reply, 3))
        phase = _field(reply, 4)
        connected = _field(reply, 1)
        if phase not in ("call", "backward") or not isinstance(connected, list):
            raise self._broken("a malformed gradient reply")
        value = None if phase == "call" else self._unpack(_field(reply, 0))
        grads = {} if error is not None else self._unpack(_field(reply, 2))
        if not isinstance(grads, dict):
            raise self._broken("malformed gradients")
        mutated = self._changed(self._after(_field(reply, 5), inputs), inputs)
        return Graded(value, [c is True for c in connected], grads, error, phase, mutated)

    def _after(self, after_node: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        """The inputs as the call left them (they come back after every call)."""
        after = self._unpack(after_node)
        if not isinstance(after, dict) or after.keys() != inputs.keys():
            raise self._broken("the inputs came back malformed")
        return after

    @staticmethod
    def _changed(after: dict[str, Any], inputs: dict[str, Any]) -> tuple[str, ...]:
        """The inputs a call changed in place: what came back against what was sent."""
        return tuple(k for k, v in inputs.items() if not same(after[k], v))

    # -- the channel -------------------------------------------------------------------------

    def _pack(self, inputs: dict[str, Any]) -> Any:
        self._callbacks = []
        return wire.pack(inputs, self._callbacks)

    def _unpack(self, node: Any) -> Any:
        try:
            return wire.unpack(node, self._callbacks)
        except wire.WireError as exc:
            raise self._broken(str(exc)) from None

    def _ask(self, message: tuple[Any, ...]) -> list[Any]:
        """Send `message`, serve the learner's callbacks, return the reply's fields after its
        kind and the guard's notes (kept in `used`)."""
        with contextlib.suppress(BrokenPipeError):  # it died: reading says how
            wire.send(self._commands, message)
        while True:
            reply = self._receive()
            if isinstance(reply, list) and len(reply) == 3 and reply[0] == "callback":
                self._serve_callback(reply[1], reply[2])
                continue
            if not isinstance(reply, list) or len(reply) < 3 or not isinstance(reply[1], list):
                raise self._broken("a malformed reply")
            self._note(reply[1])
            if isinstance(reply[2], list):
                self._zygote.preload.update(m for m in reply[2] if m in PRELOADABLE)
            return list(reply[3:])

    def _receive(self) -> Any:
        try:
            return wire.receive(self._replies, self._deadline, self._watch_memory)
        except wire.TimedOut:
            self.close()
            raise Ended("timeout", endings.timeout(self._timeout, self._doing())) from None
        except wire.Closed:
            status = self.close(wait=True)
            if self._memory_killed:
                raise Ended("crash", endings.memory(self._setup.memory_mb, self._doing())) from None
            raise Ended("crash", endings.death(status, self._doing())) from None
        except wire.WireError as exc:
            raise self._broken(str(exc)) from None

    def _serve_callback(self, index: Any, args: Any) -> None:
        if type(index) is not int or not 0 <= index < len(self._callbacks):
            raise self._broken("a call of an unknown function")
        arguments = self._unpack(args)
        if not isinstance(arguments, list):
            raise self._broken("a malformed call")
        try:
            answer: tuple[str, Any] = ("return", wire.pack(self._callbacks[index](*arguments)))
        except Exception as exc:  # the learner passed it something it cannot take
            answer = ("raise", f"{type(exc).__name__}: {exc}")
        wire.send(self._commands, answer)

    def _note(self, used: list[Any]) -> None:
        notes = [
            (u[0], u[1])
            for u in used
            if isinstance(u, tuple | list) and len(u) == 2 and all(isinstance(s, str) for s in u)
        ]
        self.used = notes[:20]

    def _broken(self, what: str) -> Ended:
        self.close()
        return Ended(
            "crash",
            _(
                "The process running your code sent the grader something it cannot read ({what})"
                " while {doing}: a grading only returns results."
            ).format(what=what, doing=self._doing()),
        )

    def _rss(self) -> int:
        try:
            return int(self._process.memory_info().rss)
        except psutil.Error:
            return 0

    def _watch_memory(self) -> None:
        if self._rss() > self._baseline + self._setup.memory_mb * 2**20:
            self._memory_killed = True
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)


def _field(reply: list[Any], index: int) -> Any:
    return reply[index] if index < len(reply) else None


def _raised(error: Any) -> Raised | None:
    if error is None:
        return None
    if (
        isinstance(error, list)
        and len(error) == 3
        and all(isinstance(e, str) for e in error)
        and error[0] in _DIAGNOSES
    ):
        return Raised(*error)
    return Raised("crash", "your code failed in a way the grader cannot read", "")


def same(a: Any, b: Any) -> bool:
    """Whether the learner's copy `a` still equals the original `b` (dtype, shape and values).
    A random generator is given to be drawn from: its state moving is no change of an input."""
    if isinstance(b, torch.Generator):
        return isinstance(a, torch.Generator)
    if isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a.detach().to(b.device), b.detach())
        )
    if isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and bool(np.array_equal(a, b))
        )
    if isinstance(b, tuple | list):
        return (
            isinstance(a, type(b))
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(b, dict):
        return isinstance(a, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in b)
    return a is b or bool(a == b)
