"""Parent side of grading: starts the child process, sends requests, enforces the limits.

The child (exercises/child.py) is the only process that runs learner code. This side never imports
torch: it spawns `python -I` at once, so the child's torch import overlaps whatever the parent
still has to do, and it turns every way the child can end (result, timeout, memory, signal,
silent exit) into a GradeResult. A Worker serves many requests while its child lives, which is
what keeps re-grading fast for --watch, --all and the TUI.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

from exercises import endings, protocol, results
from exercises.errors import GraderError, UsageError
from exercises.results import Check, Diagnosis, GradeResult
from quiz.i18n import Lang
from quiz.l10n import current_language

if TYPE_CHECKING:
    import psutil

    from exercises.catalogue import Exercise

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_MB = 2048  # beyond torch's own footprint; RNNPREP_GRADE_MEMORY_MB overrides it
MEMORY_ENV = "RNNPREP_GRADE_MEMORY_MB"
START_TIMEOUT = 120.0  # a cold disk can make `import torch` slow; that is not the learner's time
# The judge stops the learner's process at the job's timeout itself; the parent stops the judge
# only if it overstays by this much too (it never runs learner code, so that is a grader bug or
# learner code that reached it).
JUDGE_GRACE = 20.0
# One thread per grading process (judge, template, learner): the tensors are small, and OpenMP's
# spinning threads in two gradings at once on a 2-core machine made a 0.3 s grading take over
# 10 s and time out. Set before the child imports torch; its learner's processes inherit it.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
POLL_S = 0.05
OUTPUT_READ = 64 * 1024  # bytes of the capture read back; results.learner_output keeps 8 KiB

# The child imports only installed modules: `-I` leaves the checkout and the current directory off
# its path, so it finds `exercises` where the interpreter's installation (a wheel, or the editable
# install of a checkout) puts it. It must be the same copy the parent runs; if it is not (a venv
# shared with another checkout) the child says so and exits, rather than grade with other code.
CHILD_FILE = Path(__file__).resolve().with_name("child.py")
_BOOT = """\
import os, sys
try:
    import exercises.child as child
except ModuleNotFoundError as exc:
    if exc.name != "exercises":
        raise
    sys.exit(f"rnnprep is not installed for {{sys.executable}}: pip install -e . (or the wheel)")
if os.path.realpath(child.__file__) != {child!r}:
    sys.exit(f"the installed grader {{child.__file__}} is not this one ({child}): pip install -e .")
child.main(sys.argv[1:])
"""


@dataclass(frozen=True)
class Job:
    """One thing to grade: which exercise, which file, where, on which inputs."""

    exercise: Exercise
    file: Path
    device: str = "cpu"
    seed: int = 0
    timeout: float = DEFAULT_TIMEOUT
    lang: Lang = field(default_factory=current_language)  # of the verdict's messages

    def request(self, rid: str) -> protocol.Request:
        return protocol.Request(
            id=rid,
            exercise=self.exercise.name,
            folder=str(self.exercise.folder),
            file=str(self.file),
            device=self.device,
            seed=self.seed,
            track=self.exercise.spec.track,
            timeout=self.timeout,
            lang=self.lang,
        )


class Grades(Protocol):
    """What grades jobs: a Worker, or the warm grading server's client (server_client)."""

    def start(self) -> None: ...

    def grade(self, job: Job) -> GradeResult: ...

    def close(self) -> None: ...


class _ChildEnded(Exception):
    """The child closed its event pipe (it exited or was killed)."""


class Worker:
    """One child process grading jobs one at a time; a fresh child replaces one that died.

    Use as a context manager, or call close(). `start()` may be called early, before the first
    job is known, so the child's torch import overlaps the caller's own start-up.
    """

    def __init__(self, memory_mb: int | None = None) -> None:
        self.memory_mb = memory_mb or int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB))
        self._proc: subprocess.Popen[bytes] | None = None
        self._requests = -1
        self._events = -1
        self._output = -1
        self._buffer = b""
        self._ready = False
        self._baseline_rss = 0
        self._memory_killed = False
        self._ps: psutil.Process | None = None

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- process life ----------------------------------------------------------------------

    def start(self) -> None:
        """Spawn the child if none is running (returns at once; the child imports torch)."""
        if self._proc is not None:
            return
        request_r, self._requests = os.pipe()
        self._events, events_w = os.pipe()
        if self._output < 0:
            fd, path = tempfile.mkstemp(prefix="rnnprep-output-")
            os.close(fd)
            self._output = os.open(path, os.O_RDWR | os.O_APPEND)
            os.unlink(path)
        command = [
            sys.executable,
            "-I",  # no PYTHON* variables, no user site, no current directory on sys.path
            "-u",  # learner prints reach the capture file even if the child is killed
            "-c",
            _BOOT.format(child=str(CHILD_FILE)),
            "--requests",
            str(request_r),
            "--events",
            str(events_w),
            "--memory-mb",
            str(self.memory_mb),
        ]
        self._proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=self._output,
            pass_fds=(request_r, events_w),
            env={**os.environ, **ONE_THREAD},
            start_new_session=True,  # its own process group: one kill ends whatever it spawned
        )
        os.close(request_r)
        os.close(events_w)
        self._buffer, self._ready, self._ps, self._memory_killed = b"", False, None, False

    def close(self) -> None:
        """End the child and everything it started; safe to call twice."""
        self._kill()
        if self._output >= 0:
            os.close(self._output)
            self._output = -1

    def _kill(self) -> int:
        """End the child's process group; its exit status (negative: killed by that signal)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return 0
        os.close(self._requests)
        os.close(self._events)
        with contextlib.suppress(ProcessLookupError):  # pid not reaped yet: the group is ours
            os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()

    # -- grading ---------------------------------------------------------------------------

    def grade(self, job: Job) -> GradeResult:
        """Grade one job; every ending, clean or not, becomes a GradeResult.

        Raises UsageError when the job cannot be run here (e.g. no CUDA) and GraderError when
        the grader itself fails.
        """
        if self._proc is not None and self._proc.poll() is not None:
            self._kill()  # it died while idle (killed from outside): not this job's doing
        self.start()
        assert self._proc is not None
        rid = secrets.token_hex(8)
        os.ftruncate(self._output, 0)
        self._send(job.request(rid))
        if not self._ready:
            self._wait_ready()
        deadline = time.monotonic() + job.timeout + JUDGE_GRACE
        stage = (results.LOADS, "loading your file")
        while True:
            try:
                event = self._next_event(deadline)
            except _ChildEnded:
                return self._failed(job, stage, *self._death(stage[1]))
            if event is None:
                self._kill()
                return self._failed(
                    job, stage, "timeout", endings.timeout(job.timeout + JUDGE_GRACE, stage[1])
                )
            if isinstance(event, protocol.Ready) or event.id != rid:
                continue
            if isinstance(event, protocol.Stage):
                stage = (event.check, event.doing)
            elif isinstance(event, protocol.Result):
                return GradeResult.from_child(
                    event.result, output=self._captured(), file=str(job.file)
                )
            elif isinstance(event, protocol.Usage):
                raise UsageError(event.message)
            else:
                self._kill()
                raise GraderError(f"the grader failed (not your code): {event.message}")

    def _send(self, request: protocol.Request) -> None:
        data = protocol.encode(request)
        try:
            while data:
                data = data[os.write(self._requests, data) :]
        except BrokenPipeError:
            pass  # the child already died; reading its events will say how

    def _wait_ready(self) -> None:
        try:
            event = self._next_event(time.monotonic() + START_TIMEOUT)
        except _ChildEnded:
            event = None
        if not isinstance(event, protocol.Ready):
            tail = self._captured()[-2000:]
            self._kill()
            raise GraderError(f"the grading process did not start.\n{tail}".rstrip())
        self._ready = True
        self._baseline_rss = self._rss()

    def _next_event(self, deadline: float) -> protocol.Event | None:
        """The next event, None at the deadline; kills the child if it outgrows its memory.
        Lines that are no event (learner code writing to the pipe) are skipped."""
        while True:
            line = self._next_line(deadline)
            if line is None:
                return None
            event = protocol.decode_event(line)
            if event is not None:
                return event

    def _next_line(self, deadline: float) -> bytes | None:
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            readable, _, _ = select.select([self._events], [], [], min(left, POLL_S))
            if readable:
                chunk = os.read(self._events, 65536)
                if not chunk:
                    raise _ChildEnded
                self._buffer += chunk
            elif self._proc.poll() is not None:  # type: ignore[union-attr]
                if not select.select([self._events], [], [], 0)[0]:
                    raise _ChildEnded  # gone, though something it spawned may hold the pipe
            elif self._ready and self._rss() > self._baseline_rss + self.memory_mb * 2**20:
                os.killpg(self._proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
                self._memory_killed = True
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def _rss(self) -> int:
        import psutil  # imported on first use: it costs start-up time the CLI does not have

        try:
            if self._ps is None:
                self._ps = psutil.Process(self._proc.pid)  # type: ignore[union-attr]
            return int(self._ps.memory_info().rss)
        except psutil.Error:
            return 0

    def _death(self, doing: str) -> tuple[str, str]:
        """(diagnosis, message) for a child that ended without a verdict."""
        proc = self._proc
        assert proc is not None
        try:
            code: int | None = proc.wait(timeout=2.0)  # it closed its pipe: exited, or about to
        except subprocess.TimeoutExpired:
            code = None
        self._kill()  # and anything it spawned goes too
        if self._memory_killed:
            return "crash", endings.memory(self.memory_mb, doing)
        return "crash", endings.death(code, doing)

    def _failed(
        self, job: Job, stage: tuple[str, str], diagnosis: str, message: str
    ) -> GradeResult:
        """A result for a child that timed out or died: the checks before `stage` had passed."""
        check = stage[0]
        passed = [Check(name, True) for name in results.CHECKS[: results.CHECKS.index(check)]]
        return GradeResult(
            exercise=job.exercise.name,
            passed=False,
            device=job.device,
            seed=job.seed,
            checks=[*passed, Check(check, False, message)],
            diagnosis=Diagnosis(diagnosis, message),
            output=self._captured(),
            file=str(job.file),
        )

    def _captured(self) -> str:
        """What the learner's code printed during the last job: without terminal control
        sequences, cut to results.OUTPUT_LIMIT bytes with a "…truncated" marker."""
        if self._output < 0:
            return ""
        data = os.pread(self._output, OUTPUT_READ, 0)
        return results.learner_output(data, os.fstat(self._output).st_size)
