"""Loading the learner's file and running its code, with failures told in the learner's terms.

The learner's process (exercises.sandbox). Everything the learner's code does runs inside
`Guard.active()`, and any exception it raises, SystemExit included, is caught and described by
the line of the learner's file it came from, never by a traceback through the grader.
"""

from __future__ import annotations

import difflib
import errno
import linecache
import sys
import traceback
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import torch

from exercises.guard import FORBIDDEN_ADVICE, ForbiddenAPIUsed, Guard
from quiz.l10n import N_, _

T = TypeVar("T")


class Failure(Exception):
    """A verdict reached while loading or running learner code: a diagnosis id and a message."""

    def __init__(self, diagnosis: str, message: str) -> None:
        super().__init__(message)
        self.diagnosis = diagnosis
        self.message = message


def run(
    thunk: Callable[[], T], guard: Guard, *, watch: bool = True
) -> tuple[T | None, BaseException | None]:
    """Run learner code under the guard (see Guard.active for `watch`); return (result, None)
    or (None, the exception)."""
    stdout, stderr = sys.stdout, sys.stderr
    grad_mode, default_dtype = torch.is_grad_enabled(), torch.get_default_dtype()
    try:
        with guard.active(watch=watch):
            return thunk(), None
    except BaseException as exc:  # the learner's code may raise anything, SystemExit included
        return None, exc
    finally:
        sys.stdout, sys.stderr = stdout, stderr
        torch.set_grad_enabled(grad_mode)
        torch.set_default_dtype(default_dtype)


NUMPY_TRACK_ADVICE = N_(
    "This exercise is on the numpy track: write it with numpy only (import numpy as np), the way"
    " the interview question asks for it; the grader converts to and from torch itself."
)


def load(
    source: bytes, path: Path, function: str, guard: Guard, *, numpy_only: bool = False
) -> Callable[..., Any]:
    """Execute the learner's file (`source`, read from `path` by the judge) as a fresh module
    and return its `function`; on the numpy track a file that uses torch at all is refused."""
    try:
        code = compile(source, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise Failure("syntax_error", _syntax_message(exc)) from None
    except ValueError as exc:  # e.g. a NUL byte in the file
        raise Failure(
            "syntax_error", _("Python cannot read your file: {error}").format(error=exc)
        ) from None
    lines = source.decode("utf-8", "replace").splitlines(keepends=True)
    linecache.cache[str(path)] = (len(source), None, lines, str(path))  # tracebacks quote it
    module = types.ModuleType(f"learner_{function}")
    module.__file__ = str(path)
    sys.modules[module.__name__] = module  # dataclasses and typing look the module up there
    error = run(lambda: exec(code, module.__dict__), guard)[1]
    if guard.used:
        what, advice = guard.used[0]
        raise Failure("forbidden_api", _("Your file {what}.").format(what=what) + f" {advice}")
    if error is not None:
        diagnosis, message = describe(error, path)
        raise Failure(
            diagnosis, _("Your file fails while loading: {message}").format(message=message)
        )
    fn = vars(module).get(function)
    if not callable(fn):
        raise Failure("missing_function", _missing_message(module, function))
    if numpy_only and _uses_torch(module, code):
        raise Failure("forbidden_api", _("Your file uses torch.") + f" {_(NUMPY_TRACK_ADVICE)}")
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
        return "forbidden_api", f"{exc}{where}. {_(FORBIDDEN_ADVICE)}"
    if isinstance(exc, NotImplementedError):
        return "not_implemented", _("it raises NotImplementedError{where}").format(where=where)
    if isinstance(exc, SystemExit):
        return "crash", _(
            "your code calls sys.exit({code}){where}. A function hands back its result"
            " with `return`; ending the process only ends the grading."
        ).format(code=repr(exc.code), where=where)
    if isinstance(exc, MemoryError) or "can't allocate memory" in str(exc):
        return "crash", _(
            "your code ran out of memory{where}: it asked for more than the grader allows."
            " A cell on a batch of a few rows needs kilobytes; look for a tensor sized by a"
            " wrong dimension or a list that keeps growing."
        ).format(where=where)
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return "crash", _(
            "your code printed more than the grader keeps{where}; print less."
        ).format(where=where)
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
    if code:
        return _(" (line {line}: `{code}`)").format(line=frame.lineno, code=code)
    return _(" (line {line})").format(line=frame.lineno)


def _syntax_message(exc: SyntaxError) -> str:
    where = _("line {line}").format(line=exc.lineno) if exc.lineno else _("somewhere")
    text = (exc.text or "").rstrip("\n")
    caret = ""
    if text and exc.offset:
        stripped = text.lstrip()
        text, offset = stripped, max(exc.offset - (len(text) - len(stripped)), 1)
        caret = "\n    " + " " * (offset - 1) + "^"
    shown = f"\n    {text}{caret}" if text else ""
    return (
        _("Python cannot parse your file: {error} ({where}).").format(error=exc.msg, where=where)
        + shown
    )


def _missing_message(module: types.ModuleType, function: str) -> str:
    defined = [
        name
        for name, value in vars(module).items()
        if callable(value) and getattr(value, "__module__", None) == module.__name__
    ]
    close = difflib.get_close_matches(function, defined, n=2, cutoff=0.4)
    if close:
        return _(
            "Your file defines no function `{function}`, but it has {close}: did you"
            " misname it? The grader calls `{function}` exactly."
        ).format(function=function, close=", ".join(close))
    listed = _(" (it defines: {names})").format(names=", ".join(defined)) if defined else ""
    return _(
        "Your file defines no function `{function}`{listed}; the grader calls `{function}`."
    ).format(function=function, listed=listed)
