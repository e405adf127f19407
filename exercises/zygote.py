"""The template of learner's processes: forked from the judge once torch is imported and before
any grading module is loaded, it forks one fresh learner's process per grading, so one
learner's file can never change how the next is graded, at the cost of a fork, not an import.

It is a child subreaper: whatever a learner's process starts, even in a session of its own,
stays below it, and `clear` kills all of it and reaps it before the judge gives its verdict.
The judge speaks to it over a Unix socket (JSON, with the learner's pipes passed as file
descriptors); it dies with the judge.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, NoReturn, Protocol

import psutil

from exercises import sandbox

REAP_WAIT_S = 2.0  # how long a learner's process that closed its pipe gets to finish exiting


SPAWN_ENV = "RNNPREP_GRADER_SPAWN"  # "1": start each learner's process afresh, never fork
_BOOT = "import sys; from exercises import sandbox; sandbox.boot(sys.argv[1:])"


class Template(Protocol):
    """Where learner's processes come from: `spawn` one, `clear` it and all it started."""

    pid: int
    preload: set[str]
    start_allowance: float  # seconds a new process may take to start, on top of the time limit

    def spawn(self, commands: int, replies: int, setup: sandbox.Setup) -> int: ...

    def clear(self, *, wait: bool = False) -> int | None: ...


def start(close_in_child: list[int]) -> Template:
    """A forking template where forking after `import torch` is safe (Linux); elsewhere (macOS,
    whose frameworks do not survive a fork) or when $RNNPREP_GRADER_SPAWN=1, a fresh Python
    per grading."""
    if sys.platform.startswith("linux") and os.environ.get(SPAWN_ENV) != "1":
        return Zygote(close_in_child)
    return Spawner()


class Spawner:
    """A fresh `python -I` per learner's process: slower (it imports torch each time) but safe
    on any system. Its process group is killed at `clear` (no subreaper outside Linux)."""

    start_allowance = 120.0

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.preload: set[str] = set()
        self._proc: subprocess.Popen[bytes] | None = None
        self._workdir: str | None = None

    def spawn(self, commands: int, replies: int, setup: sandbox.Setup) -> int:
        self._workdir = tempfile.mkdtemp(prefix="rnnprep-learner-")
        argv = [str(commands), str(replies), self._workdir, json.dumps(dataclasses.asdict(setup))]
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-c", _BOOT, *argv],
            stdin=subprocess.DEVNULL,
            pass_fds=(commands, replies),
            start_new_session=True,
        )
        return self._proc.pid

    def clear(self, *, wait: bool = False) -> int | None:
        proc, self._proc = self._proc, None
        status: int | None = None
        if proc is not None:
            if wait:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    status = proc.wait(timeout=REAP_WAIT_S)
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            code = proc.wait()
            status = code if status is None else status
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        return status


class Zygote:
    """The judge's handle on the template process (Linux)."""

    start_allowance = 30.0

    def __init__(self, close_in_child: list[int]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with warnings.catch_warnings():  # torch's native threads are idle: forking is safe here
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            ours.close()
            for fd in close_in_child:
                with contextlib.suppress(OSError):
                    os.close(fd)
            _serve(theirs)
        theirs.close()
        self.pid = pid
        self._socket = ours
        self.preload: set[str] = set()  # modules (sandbox.PRELOADABLE) to import before forking

    def spawn(self, commands: int, replies: int, setup: sandbox.Setup) -> int:
        """A fresh learner's process reading `commands` and writing `replies`; its pid."""
        request = {
            "op": "spawn",
            "setup": dataclasses.asdict(setup),
            "preload": sorted(self.preload),
        }
        socket.send_fds(self._socket, [json.dumps(request).encode()], [commands, replies])
        return int(self._ask_reply()["pid"])

    def clear(self, *, wait: bool = False) -> int | None:
        """Kill the learner's process and everything it started; its exit status (negative: a
        signal), None if unknown. `wait`: it closed its pipe, give it time to finish exiting
        first, so a crash is reported as itself, not as our kill."""
        self._socket.send(json.dumps({"op": "clear", "wait": wait}).encode())
        status = self._ask_reply()["status"]
        return None if status is None else int(status)

    def _ask_reply(self) -> dict[str, Any]:
        data = self._socket.recv(65536)
        if not data:
            raise RuntimeError("the template of learner's processes is gone")
        reply: dict[str, Any] = json.loads(data)
        return reply


def _serve(sock: socket.socket) -> NoReturn:
    sandbox.prctl(sandbox.PR_SET_CHILD_SUBREAPER, 1)
    sandbox.prctl(sandbox.PR_SET_PDEATHSIG, signal.SIGKILL)
    learner: int | None = None
    workdir: str | None = None
    while True:
        data, fds, _, _ = socket.recv_fds(sock, 65536, 2)
        if not data:
            os._exit(0)
        request = json.loads(data)
        if request["op"] == "spawn":
            for name in request["preload"]:
                if name in sandbox.PRELOADABLE and name not in sys.modules:
                    with contextlib.suppress(Exception):
                        importlib.import_module(name)
            workdir = tempfile.mkdtemp(prefix="rnnprep-learner-")
            setup = sandbox.Setup(**request["setup"])
            learner = os.fork()
            if learner == 0:
                sock.close()
                sandbox.main(fds[0], fds[1], workdir, setup)
            for fd in fds:
                os.close(fd)
            sock.send(json.dumps({"pid": learner}).encode())
        else:
            status = _clear(learner, wait=bool(request["wait"]))
            if workdir is not None:
                shutil.rmtree(workdir, ignore_errors=True)
            learner = workdir = None
            sock.send(json.dumps({"status": status}).encode())


def _clear(learner: int | None, *, wait: bool) -> int | None:
    """Kill and reap every process below this one; the learner's exit status."""
    status: int | None = None
    if learner is not None and wait:
        deadline = time.monotonic() + REAP_WAIT_S
        while time.monotonic() < deadline:
            pid, raw = os.waitpid(learner, os.WNOHANG)
            if pid:
                status, learner = os.waitstatus_to_exitcode(raw), None
                break
            time.sleep(0.005)
    while True:
        below = _descendants()
        for pid in below:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        reaped = False
        while True:
            try:
                pid, raw = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if not pid:
                break
            reaped = True
            if pid == learner:
                status = os.waitstatus_to_exitcode(raw)
        if not below and not reaped:
            return status
        if below and not reaped:
            time.sleep(0.002)  # killed, not dead yet


def _descendants() -> list[int]:
    """Every process below this one: from /proc's children lists (a few reads), else (no such
    lists on this system) psutil's scan of every process."""
    me = os.getpid()
    found: list[int] = []
    pending = [me]
    while pending:
        pid = pending.pop()
        try:
            kids = [
                int(k)
                for task in os.listdir(f"/proc/{pid}/task")
                for k in Path(f"/proc/{pid}/task/{task}/children").read_text().split()
            ]
        except OSError:
            if pid != me:
                continue  # it ended while we looked: the caller looks again
            try:
                return [p.pid for p in psutil.Process().children(recursive=True)]
            except psutil.Error:
                return []
        found += kids
        pending += kids
    return found
