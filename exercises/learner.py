"""Loading the learner's file and running its code, with failures told in the learner's terms.

Child side. Everything the learner's code does runs inside `Guard.active()`, and any exception it
raises, SystemExit included, is caught and described by the line of the learner's file it came
from, never by a traceback through the grader.
"""

from __future__ import annotations

import difflib
import errno
import linecache
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import torch

from exercises.guard import ForbiddenAPIUsed, Guard

T = TypeVar("T")

FORBIDDEN_ADVICE = (
    "The exercise is to build it yourself from matrix products and activations (x @ w.T or"
    " F.linear, torch.sigmoid, torch.tanh). Ready-made recurrent cells and layers (nn.RNNCell/"
    "LSTMCell/GRUCell, nn.RNN/LSTM/GRU, torch.*_cell, torch._VF) and the grader's own packages"
    " are off limits."
)


class Failure(Exception):
    """A verdict reached while loading or running learner code: a diagnosis id and a message."""

    def __init__(self, diagnosis: str, message: str) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis
        self.message = message


@dataclass
class Outcome:
    """One call of the learner's function: what it returned or raised, which inputs it changed."""

    value: Any = None
    error: BaseException | None = None
    mutated: tuple[str, ...] = ()


def run(thunk: Callable[[], T], guard: Guard) -> tuple[T | None, BaseException | None]:
    """Run learner code under the guard; return (result, None) or (None, the exception)."""
    stdout, stderr = sys.stdout, sys.stderr
    grad_mode, default_dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    try:
        with guard.active():
            return thunk(), None
    except BaseException as exc:  # the learner's code may raise anything, SystemExit included
        return None, exc
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        torch.set_grad_enabled(grad_mode)
        torch.set_default_dtype(default_dtype)


def call(fn: Callable[..., Any], inputs: dict[str, Any], guard: Guard) -> Outcome:
    """Call `fn` positionally on copies of `inputs` and note which copies it modified."""
    given = {k: copied(v) for k, v in inputs.items()}
    value, error = run(lambda: fn(*given.values()), guard)
    mutated = tuple(k for k, v in inputs.items() if not same(given[k], v))
    return Outcome(value, error, mutated)


def copied(value: Any) -> Any:
    """A copy the learner's code may change without touching the grader's inputs: tensors and
    arrays copied, containers rebuilt, anything else (numbers, a toy model) shared."""
    if isinstance(value, torch.Tensor):
        return _same_layout(value.detach()).requires_grad_(value.requires_grad)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, tuple | list):
        return type(value)(copied(v) for v in value)
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    return value


def _same_layout(t: torch.Tensor) -> torch.Tensor:
    """A copy with the same strides, views included: a transposed view stays transposed and an
    expanded one keeps its stride 0 (clone() would make both contiguous), so the learner's code
    meets the layouts callers really pass."""
    if t.is_contiguous() or t.layout != torch.strided:
        return t.clone()
    storage = t.untyped_storage().clone()  # type: ignore[no-untyped-call]
    copy = torch.empty(0, dtype=t.dtype, device=t.device)
    return copy.set_(storage, t.storage_offset(), t.size(), t.stride())


def same(a: Any, b: Any) -> bool:
    """Whether the learner's copy `a` still equals the original `b` (dtype, shape and values)."""
    if isinstance(b, torch.Tensor):
        return (
            isinstance(a, torch.Tensor)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and torch.equal(a.detach(), b.detach())
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


NUMPY_TRACK_ADVICE = (
    "This exercise is on the numpy track: write it with numpy only (import numpy as np), the way"
    " the interview question asks for it; the grader converts to and from torch itself."
)


def load(
    path: Path, function: str, guard: Guard, *, numpy_only: bool = False
) -> Callable[..., Any]:
    """Execute the learner's file as a fresh module and return its `function`; on the numpy
    track a file that uses torch at all is refused."""
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise Failure("crash", f"cannot read {path}: {exc.strerror}") from None
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise Failure("syntax_error", _syntax_message(exc)) from None
    except ValueError as exc:  # e.g. a NUL byte in the file
        raise Failure("syntax_error", f"Python cannot read your file: {exc}") from None
    linecache.checkcache(str(path))
    module = types.ModuleType(f"learner_{function}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # dataclasses and typing look the module up there
    _, error = run(lambda: exec(code, module.__dict__), guard)
    if guard.used:
        raise Failure("forbidden_api", f"Your file uses {guard.used[0]}. {FORBIDDEN_ADVICE}")
    if error is not None:
        diagnosis, message = describe(error, path)
        raise Failure(diagnosis, f"Your file fails while loading: {message}")
    fn = vars(module).get(function)
    if not callable(fn):
        raise Failure("missing_function", _missing_message(module, function))
    if numpy_only and _uses_torch(module, code):
        raise Failure("forbidden_api", f"Your file uses torch. {NUMPY_TRACK_ADVICE}")
    return cast(Callable[..., Any], fn)


def _uses_torch(module: types.ModuleType, code: types.CodeType) -> bool:
    """Whether the file names torch anywhere in its code, or holds a torch object."""
    for value in vars(module).values():
        owner = (
            value.__name__
            if isinstance(value, types.ModuleType)
            else getattr(value, "__module__", "")
        )
        if isinstance(owner, str) and owner.split(".")[0] == "torch":
            return True
    pending = [code]
    while pending:
        current = pending.pop()
        if "torch" in current.co_names:
            return True
        pending.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return False


def describe(exc: BaseException, path: Path) -> tuple[str, str]:
    """A diagnosis id and a plain message for an exception raised by learner code."""
    where = learner_line(exc, path)
    if isinstance(exc, ForbiddenAPIUsed):
        return "forbidden_api", f"{exc}{where}. {FORBIDDEN_ADVICE}"
    if isinstance(exc, NotImplementedError):
        return "not_implemented", f"it raises NotImplementedError{where}"
    if isinstance(exc, SystemExit):
        return "crash", (
            f"your code calls sys.exit({exc.code!r}){where}. A function hands back its result"
            " with `return`; ending the process only ends the grading."
        )
    if isinstance(exc, MemoryError) or "can't allocate memory" in str(exc):
        return "crash", (
            f"your code ran out of memory{where}: it asked for more than the grader allows."
            " A cell on a batch of a few rows needs kilobytes; look for a tensor sized by a"
            " wrong dimension or a list that keeps growing."
        )
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return "crash", f"your code printed more than the grader keeps{where}; print less."
    text = str(exc).strip().splitlines()
    summary = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    return "crash", f"{summary}{where}"


def learner_line(exc: BaseException, path: Path) -> str:
    """' (line 12: `h = x @ w`)' for the deepest frame in the learner's file, or ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == str(path)]
    if not frames:
        return ""
    frame = frames[-1]
    code = (frame.line or "").strip()
    return f" (line {frame.lineno}: `{code}`)" if code else f" (line {frame.lineno})"


def _syntax_message(exc: SyntaxError) -> str:
    where = f"line {exc.lineno}" if exc.lineno else "somewhere"
    text = (exc.text or "").rstrip("\n")
    caret = ""
    if text and exc.offset:
        stripped = text.lstrip()
        text, offset = stripped, max(exc.offset - (len(text) - len(stripped)), 1)
        caret = "\n    " + " " * (offset - 1) + "^"
    shown = f"\n    {text}{caret}" if text else ""
    return f"Python cannot parse your file: {exc.msg} ({where}).{shown}"


def _missing_message(module: types.ModuleType, function: str) -> str:
    defined = [
        name
        for name, value in vars(module).items()
        if callable(value) and getattr(value, "__module__", None) == module.__name__
    ]
    close = difflib.get_close_matches(function, defined, n=2, cutoff=0.4)
    if close:
        return (
            f"Your file defines no function `{function}`, but it has {', '.join(close)}: did you"
            f" misname it? The grader calls `{function}` exactly."
        )
    listed = f" (it defines: {', '.join(defined)})" if defined else ""
    return f"Your file defines no function `{function}`{listed}; the grader calls `{function}`."
