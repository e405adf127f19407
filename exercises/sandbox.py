"""The learner's process: one per grading, forked from a clean template (exercises.zygote).

It holds torch and the learner's file and nothing of the judge's: no reference, no expected
value, no comparison, not even the grading module. The judge (exercises.remote) sends it the
learner's source and each call's inputs as plain data (exercises.wire); it runs the learner's
function under the guard and sends back what came out, as plain data. Before any learner code
runs it takes its own process group, dies with its parent, keeps no file descriptor but its
two pipes and the capture file, works in a fresh folder, caps its memory and output, drops to
an unprivileged user where that is possible, and seals itself (exercises.guard).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import pwd
import resource
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from exercises import counting, learner, wire
from exercises.backprop import input_gradients, leaf_copies, tensors
from exercises.guard import Guard
from quiz.i18n import Lang
from quiz.l10n import set_language

OUTPUT_LIMIT_BYTES = 8 * 1024 * 1024  # learner prints go to the capture file; this much at most
COMMANDS_FD, REPLIES_FD = 3, 4
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
NOBODY = "nobody"
# Library modules slow to import (torch.compile, checkpointing and custom operators pull in
# torch._dynamo, about a second): once a learner's code needed one, the template imports it too,
# so the next gradings fork with it loaded.
PRELOADABLE = ("torch._dynamo",)


@dataclass(frozen=True)
class Setup:
    """What the judge tells a new learner's process (through the template)."""

    memory_mb: int
    cuda: bool
    protected: list[str]  # folders learner code may not read (exercises, reference)
    ancestors: list[int]  # the grader's processes, which learner code may not signal


def main(commands: int, replies: int, workdir: str, setup: Setup) -> NoReturn:
    """The forked learner's process: isolate, then serve the judge until it closes the pipe."""
    code = 0
    try:
        _isolate(commands, replies, workdir, setup)
        guard = Guard()
        guard.seal(setup.protected, setup.ancestors)
        _Session(guard).serve()
    except (BrokenPipeError, wire.Closed):
        pass  # the judge is done with this process (or gone)
    except BaseException:  # the grader's own failure here: the judge reports the process's end
        traceback.print_exc()
        code = 70
    finally:
        os._exit(code)


def boot(argv: list[str]) -> NoReturn:
    """Entry point of a learner's process started afresh (zygote.Spawner), not forked."""
    commands, replies, workdir, setup = argv
    main(int(commands), int(replies), workdir, Setup(**json.loads(setup)))


def _isolate(commands: int, replies: int, workdir: str, setup: Setup) -> None:
    with contextlib.suppress(OSError):  # already a group (and session) leader when spawned
        os.setpgid(0, 0)  # a killpg of its own reaches no grader process
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100) for fd in (commands, replies)]
    os.dup2(high[0], COMMANDS_FD, inheritable=False)
    os.dup2(high[1], REPLIES_FD, inheritable=False)
    os.closerange(REPLIES_FD + 1, 65536)  # the grader's pipes and sockets stay out of reach
    os.chdir(workdir)
    os.environ["TMPDIR"] = workdir  # temporary files go where the clean-up looks
    tempfile.tempdir = workdir
    if setup.cuda:  # CUDA's lazy start-up (libraries, context) before any learner code runs
        import torch

        torch.cuda.init()  # type: ignore[no-untyped-call]
        (torch.ones(2, 2, device="cuda") @ torch.ones(2, 2, device="cuda")).sum().item()
    if not setup.cuda:  # CUDA's driver maps large regions; the judge's RSS watch still applies
        data = _vm_data_bytes()
        if data:
            limit = data + setup.memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_DATA, (limit, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_BYTES))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long print fails, the process lives
    _drop_privileges(workdir)


def prctl(option: int, value: int) -> None:
    """Linux's prctl(2); nothing elsewhere (the grader's kills still apply there)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def _vm_data_bytes() -> int:
    """The process's current data segment size (what RLIMIT_DATA counts), 0 if unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _drop_privileges(workdir: str) -> None:
    """Run as `nobody` when started as root and Python's files are readable by anyone (torch
    imports some modules lazily); the grader's files are then off limits to the kernel too."""
    if os.getuid() != 0:
        return
    try:
        nobody = pwd.getpwnam(NOBODY)
    except KeyError:
        return
    if not all(_world_readable(Path(p)) for p in (sys.prefix, *sys.path) if p and Path(p).exists()):
        return
    os.chown(workdir, nobody.pw_uid, nobody.pw_gid)
    os.environ.update(
        HOME=workdir, USER=NOBODY, LOGNAME=NOBODY
    )  # caches (torch.compile's) go there
    os.setgroups([])
    os.setgid(nobody.pw_gid)
    os.setuid(nobody.pw_uid)


def _world_readable(path: Path) -> bool:
    """Whether anyone can read `path` (and pass through every folder above it)."""
    path = path.resolve()
    try:
        if not path.stat().st_mode & stat.S_IROTH:
            return False
        return all(p.stat().st_mode & stat.S_IXOTH for p in path.parents)
    except OSError:
        return False


class _Callback(wire.CallbackRef):
    """An input of the judge's that is a function (a toy language model): called here, it runs
    there, on plain data."""

    def __call__(self, *args: Any) -> Any:
        wire.send(REPLIES_FD, ("callback", self.index, wire.pack(list(args))))
        answer = wire.receive(COMMANDS_FD)
        if answer[0] == "return":
            return wire.unpack(answer[1])
        raise RuntimeError(str(answer[1]))


def _shallow(value: Any) -> Any:
    """`value`'s containers copied, its leaves (tensors, arrays) the very same objects."""
    if isinstance(value, list | tuple):
        return type(value)(_shallow(v) for v in value)
    if isinstance(value, dict):
        return {k: _shallow(v) for k, v in value.items()}
    return value


def _same_objects(now: Any, given: Any) -> bool:
    """Whether the containers of an input still hold the very objects they were given."""
    if isinstance(given, list | tuple):
        return (
            isinstance(now, type(given))
            and len(now) == len(given)
            and all(_same_objects(a, b) for a, b in zip(now, given, strict=True))
        )
    if isinstance(given, dict):
        return (
            isinstance(now, dict)
            and now.keys() == given.keys()
            and all(_same_objects(now[k], given[k]) for k in given)
        )
    return now is given


class _Session:
    """The learner's function and the commands that call it."""

    def __init__(self, guard: Guard) -> None:
        self.guard = guard
        self.path = Path()
        self.function: Callable[..., Any] | None = None

    def serve(self) -> None:
        handlers: dict[str, Callable[..., tuple[Any, ...]]] = {
            "load": self._load,
            "call": self._call,
            "grad": self._grad,
            "cost": self._cost,
            "hello": lambda: ("hello",),
        }
        while True:
            try:
                message = wire.receive(COMMANDS_FD)
            except wire.Closed:
                return
            reply = handlers[message[0]](*message[1:])
            loaded = [m for m in PRELOADABLE if m in sys.modules]
            wire.send(REPLIES_FD, (reply[0], list(self.guard.used), loaded, *reply[1:]))

    def _load(
        self,
        source: bytes,
        path: str,
        function: str,
        numpy_only: bool,
        forbidden: list[str],
        lang: Lang,
    ) -> tuple[Any, ...]:
        set_language(lang)  # of what this process says about the learner's code
        self.path = Path(path)
        self.guard.learner_file = path
        self.guard.prepare(forbidden)
        try:
            self.function = learner.load(
                source, self.path, function, self.guard, numpy_only=numpy_only
            )
        except learner.Failure as failure:
            return ("loaded", (failure.diagnosis, failure.message, ""))
        return ("loaded", None)

    def _inputs(self, packed: Any, callbacks: int) -> dict[str, Any]:
        return wire.unpack(packed, [_Callback(k) for k in range(callbacks)])  # type: ignore[no-any-return]

    def _call(self, packed: Any, callbacks: int) -> tuple[Any, ...]:
        assert self.function is not None
        args = self._inputs(packed, callbacks)
        given = {name: _shallow(value) for name, value in args.items()}
        fn = self.function
        value, error = learner.run(lambda: fn(*args.values()), self.guard)
        result, error = self._packed(value, error)
        # The objects that were passed, as they are now: a list whose items were replaced by
        # new tensors is not the caller's tensors changed in place (clip_grad_norm_'s contract).
        after, _ = self._packed(given, None)
        replaced = [name for name in args if not _same_objects(args[name], given[name])]
        return ("called", result, self._error(error), after, replaced)

    def _cost(self, packed: Any, callbacks: int, repeats: int) -> tuple[Any, ...]:
        """Matmul calls and FLOPs of one call, and its fastest time of `repeats`."""
        assert self.function is not None
        args = self._inputs(packed, callbacks)
        fn = self.function
        counted, error = learner.run(lambda: counting.count(lambda: fn(*args.values())), self.guard)
        if error is not None or counted is None:
            return ("costed", None, self._error(error))
        # Timed unwatched (files and processes still guarded): the watched call just above
        # ran on these very inputs, and the watching would dwarf the time of a small call.
        seconds, error = learner.run(
            lambda: counting.fastest(lambda: fn(*args.values()), repeats), self.guard, watch=False
        )
        if error is not None or seconds is None:
            return ("costed", None, self._error(error))
        return ("costed", [*counted, seconds], None)

    def _grad(
        self, packed: Any, callbacks: int, differentiable: list[str], seed: int, k: int
    ) -> tuple[Any, ...]:
        assert self.function is not None
        args, leaves = leaf_copies(self._inputs(packed, callbacks), tuple(differentiable))
        fn = self.function
        value, error = learner.run(lambda: fn(*args.values()), self.guard)
        result, error = self._packed(value, error)
        after, _ = self._packed(args, None)  # leaves changed under no_grad show here
        if error is not None:
            return ("graded", None, [], None, self._error(error), "call", after)
        connected = [bool(t.requires_grad) for t in tensors(value)]
        grads, error = learner.run(lambda: input_gradients(value, leaves, seed, k), self.guard)
        packed_grads, error = self._packed(grads, error)
        return ("graded", result, connected, packed_grads, self._error(error), "backward", after)

    def _packed(self, value: Any, error: BaseException | None) -> tuple[Any, BaseException | None]:
        """`value` as plain data; packing runs under the guard too (a learner's subclass may
        run code when read)."""
        if error is not None:
            return None, error
        return learner.run(lambda: wire.pack(value), self.guard)

    def _error(self, error: BaseException | None) -> tuple[str, str, str] | None:
        if error is None:
            return None
        diagnosis, message = learner.describe(error, self.path)
        return (diagnosis, message, str(error)[:2000])
