"""What learner code may not do, watched in the learner's process (exercises.sandbox).

Behaviour is judged, not imports or attribute reads:
- A call of a forbidden torch operation, however it was reached (torch.lstm_cell, torch._VF,
  torch.ops.aten, torch._C._jit_get_operation, an nn.LSTMCell's forward), is seen by a
  TorchFunctionMode as the operation's name; a ready-made cell written in Python (torch.nn,
  torch.ao's quantizable LSTM, torch._decomp's cells) by a profile hook that matches the code
  it runs: its module and qualified name, not the name it was reached by.
- An audit hook refuses what a function computing from its arguments never needs: opening the
  grader's files or another process's /proc entries, starting programs, loading native code with
  ctypes, signalling the grader's processes. Forking is allowed but noted (whatever it starts is
  killed with the learner's process).
Every refusal is kept in `used`, so a learner's `except` cannot hide it from the verdict.
Importing the `reference` or `exercises` packages is refused outright.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.abc
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from torch.overrides import TorchFunctionMode

from quiz.l10n import N_, current_language, translations
from quiz.l10n import _ as _translated

BLOCKED_PACKAGES = ("reference", "exercises")

# Both advices are translated where they are recorded (`_(FORBIDDEN_ADVICE)`).
FORBIDDEN_ADVICE = N_(
    "The exercise is to build it yourself from basic operations (x @ w.T or F.linear,"
    " torch.sigmoid, torch.tanh, softmax). The ready-made version of what it asks (recurrent"
    " cells and layers: nn.RNNCell/LSTMCell/GRUCell, nn.RNN/LSTM/GRU, torch.*_cell, torch._VF;"
    " packing utilities; attention functions; clip_grad_norm_; autograd where the gradients are"
    " the exercise) and the grader's own packages are off limits."
)
SANDBOX_ADVICE = N_(
    "A graded function computes its result from its arguments: reading the grader's files,"
    " touching other processes, starting programs or loading native code is refused."
)

_PROGRAMS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "pty.spawn"}
)
_NATIVE = frozenset({"ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle"})
_SIGNALS = frozenset({"os.kill", "os.killpg"})
_LINKS = frozenset({"os.link", "os.rename", "shutil.copyfile", "shutil.copytree"})


def _(message: str) -> str:
    """`message` in the interface language, or as it is should translating fail: learner code
    can reach quiz.l10n and gettext, and whatever it did to them a refusal is still recorded."""
    try:
        return _translated(message)
    except BaseException:
        return message


class ForbiddenAPIUsed(BaseException):
    """Raised where a forbidden operation is called: a BaseException, so `except Exception` in
    learner code misses it."""


Use = tuple[str, str]  # (what the code did, "uses torch.lstm_cell"; the advice that goes with it)


class _Calls(TorchFunctionMode):
    """Sees every torch operation called while active, however the learner reached it."""

    def __init__(self, guard: Guard) -> None:
        super().__init__()
        self._guard = guard

    def __torch_function__(self, func: Any, types: Any, args: Any = (), kwargs: Any = None) -> Any:
        name = str(getattr(func, "__name__", "")).split(".")[0]
        if name in self._guard.ops:
            self._guard.trip(f"torch.{name}")
        return func(*args, **(kwargs or {}))


class _ImportBlocker(importlib.abc.MetaPathFinder):
    def __init__(self, guard: Guard) -> None:
        self._guard = guard

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> None:
        if fullname.split(".")[0] in BLOCKED_PACKAGES:
            what = _("imports {module}").format(module=fullname)
            self._guard.used.append((what, _(FORBIDDEN_ADVICE)))
            raise ImportError(
                _("importing {module!r} is not allowed in an exercise").format(module=fullname)
            )
        return None


class Guard:
    """The watch over one learner's process. `prepare(forbidden)` once, then learner code runs
    inside `with guard.active():`."""

    def __init__(self) -> None:
        self.used: list[Use] = []
        self.ops: frozenset[str] = frozenset()
        self._codes: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
        self._mode = _Calls(self)
        self._running = False
        self._protected: tuple[str, ...] = ()
        self._ancestors: frozenset[int] = frozenset()
        self.learner_file = ""  # set when the learner's file is loaded

    # -- forbidden operations ------------------------------------------------------------------

    def prepare(self, forbidden: list[str] | tuple[str, ...]) -> None:
        """Watch for calls of the dotted torch names in `forbidden`: C operations by name, Python
        functions and classes by their code."""
        ops: set[str] = set()
        codes: dict[str, tuple[set[str], set[str]]] = {}
        for dotted in forbidden:
            obj = _resolve(dotted)
            if isinstance(obj, type):
                _add(codes, obj.__module__, obj.__qualname__, whole=True)
            elif hasattr(obj, "__code__") and hasattr(obj, "__module__"):
                _add(codes, obj.__module__, obj.__qualname__, whole=False)
            else:
                ops.add(dotted.rsplit(".", 1)[-1])
                if obj is None:  # a module not loaded yet: any split may be the module
                    parts = dotted.split(".")
                    for cut in range(1, len(parts)):
                        module, qual = ".".join(parts[:cut]), ".".join(parts[cut:])
                        _add(codes, module, qual, whole=True)
        self.ops = frozenset(ops)
        self._codes = {m: (frozenset(q), tuple(f"{p}." for p in c)) for m, (q, c) in codes.items()}
        # The catalogue is read now, before learner code runs: reading it from a refusal, with
        # the audit hook watching every open, would be judged as the learner's.
        translations(current_language())
        threading.setprofile(self._thread_start)  # threads the learner starts are watched too

    def trip(self, what: str) -> None:
        self.used.append((_("uses {what}").format(what=what), _(FORBIDDEN_ADVICE)))
        raise ForbiddenAPIUsed(_("{what} is not allowed in this exercise").format(what=what))

    def _profile(self, frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        module = frame.f_globals.get("__name__")
        watched = self._codes.get(module) if isinstance(module, str) else None
        if watched is None:
            return
        qual = frame.f_code.co_qualname
        if qual in watched[0] or qual.startswith(watched[1]):
            self.trip(f"{module}.{qual}")

    def _thread_start(self, frame: FrameType, event: str, arg: Any) -> None:
        """The first event of a thread the learner started: watch it for its whole life."""
        self._mode.__enter__()  # type: ignore[no-untyped-call]
        sys.setprofile(self._profile)
        self._profile(frame, event, arg)

    @contextmanager
    def active(self, *, watch: bool = True) -> Iterator[None]:
        """Learner code runs inside: calls watched, files and processes guarded. Unwatched
        (`watch=False`) only files and processes are: for timing a call that already ran
        watched on the same inputs, without the watching's cost in the time."""
        self._running = True
        if watch:
            sys.setprofile(self._profile)
        try:
            with self._mode if watch else contextlib.nullcontext():
                yield
        finally:
            sys.setprofile(None)
            self._running = False

    # -- the process around the code -----------------------------------------------------------

    def seal(self, protected: list[str], ancestors: list[int]) -> None:
        """From now on: the grader's packages cannot be imported, `protected` folders cannot be
        read and `ancestors` (the grader's processes) cannot be signalled, by learner code."""
        for name in [n for n in sys.modules if n.split(".")[0] in BLOCKED_PACKAGES]:
            del sys.modules[name]
        sys.meta_path.insert(0, _ImportBlocker(self))
        self._protected = tuple(os.path.realpath(p) + os.sep for p in protected)
        self._ancestors = frozenset(ancestors)
        sys.addaudithook(self._audit)

    def _learner_here(self) -> bool:
        return self._running or threading.current_thread() is not threading.main_thread()

    def _audit(self, event: str, args: tuple[Any, ...]) -> None:
        if not self._learner_here():
            return
        if event == "open":
            self._check_open(args[0])
        elif event in _PROGRAMS:
            self._refuse(_("starts a program ({event})").format(event=event))
        elif event in _NATIVE and self._learner_calls():
            self._refuse(_("loads native code through ctypes ({event})").format(event=event))
        elif event in _SIGNALS:
            target = int(args[0])
            if target == -1 or abs(target) in self._ancestors:
                self._refuse(_("signals the grader's process {pid}").format(pid=abs(target)))
        elif event in _LINKS and args and self._is_protected(args[0]):
            self._refuse(_("copies or links the grader's file {path}").format(path=args[0]))
        elif event == "os.fork":
            self.used.append((_("starts a process (os.fork)"), _(SANDBOX_ADVICE)))

    def _learner_calls(self) -> bool:
        """Whether the learner's file itself called ctypes (not a library, torch.compile's for
        one, loading its own parts on the learner's behalf)."""
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and (
            frame.f_code.co_filename in (__file__,)
            or f"{os.sep}ctypes{os.sep}" in frame.f_code.co_filename
        ):
            frame = frame.f_back
        return frame is not None and frame.f_code.co_filename == self.learner_file

    def _check_open(self, path: Any) -> None:
        if isinstance(path, int) or path is None:
            return  # an fd the process already holds
        try:
            text = os.fsdecode(path)
        except TypeError:
            return
        parts = Path(os.path.abspath(text)).parts
        own = (str(os.getpid()), "self", "thread-self")
        if len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and parts[2] not in own:
            self._refuse(_("opens {path}").format(path=text))
        if self._is_protected(text):
            self._refuse(_("opens the grader's file {path}").format(path=text))

    def _is_protected(self, path: Any) -> bool:
        try:
            real = os.path.realpath(os.fsdecode(path))
        except (TypeError, ValueError):
            return False
        return any((real + os.sep).startswith(root) for root in self._protected)

    def _refuse(self, what: str) -> None:
        self.used.append((what, _(SANDBOX_ADVICE)))
        raise PermissionError(
            errno.EACCES, _("the grader refuses: your code {what}").format(what=what)
        )


def _add(
    codes: dict[str, tuple[set[str], set[str]]], module: str, qual: str, *, whole: bool
) -> None:
    exact, classes = codes.setdefault(module, (set(), set()))
    exact.add(qual)
    if whole:
        classes.add(qual)


def _resolve(dotted: str) -> Any:
    """The object a dotted name like 'torch.nn.LSTMCell' denotes among loaded modules, or None."""
    parts = dotted.split(".")
    obj: Any = sys.modules.get(parts[0])
    for part in parts[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj
