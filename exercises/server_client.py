"""`grade`'s side of the warm grading server (exercises.server): find it, start it, ask it.

ServerWorker has runner.Worker's interface, so the CLI's Grader records attempts and prints
verdicts exactly as it does grading in-process: only where the grading runs differs. The server
is started on first use, silently; a stale socket, a crashed server or one running other code
(the stamp: version, Python and the grader's file hashes) is replaced. A server that dies
mid-grade raises ServerGone: the CLI says so and grades in-process instead of waiting.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from exercises.errors import GraderError, UsageError
from exercises.results import GradeResult
from exercises.runner import JUDGE_GRACE, START_TIMEOUT, Job, Worker
from quiz import __version__
from quiz.l10n import _
from quiz.locations import HOME_ENV, data_dir, exercises_dir, grader_socket

NO_SERVER_ENV = "RNNPREP_NO_SERVER"
IDLE_ENV = "RNNPREP_SERVER_IDLE_S"
DEFAULT_IDLE_S = 15 * 60.0
START_WAIT_S = 30.0  # for a new server to listen (it binds before its judge imports torch)
LOG_NAME = "grader-server.log"
# The code a server runs: a change to any of it makes the next `grade` start a new server.
_CODE = Path(__file__).resolve().parent


class ServerGone(Exception):
    """The server stopped before it answered."""


def wanted(flag: bool) -> bool:
    """Whether to grade through the server: not with --no-server or RNNPREP_NO_SERVER=1, and
    only where Unix sockets and fork exist."""
    off = os.environ.get(NO_SERVER_ENV, "") not in ("", "0")
    return not (flag or off) and sys.platform != "win32"


def idle_seconds() -> float:
    raw = os.environ.get(IDLE_ENV)
    try:
        return float(raw) if raw else DEFAULT_IDLE_S
    except ValueError:
        return DEFAULT_IDLE_S


@cache
def stamp() -> str:
    """The installed code, in short: version, Python, the exercises folder and the grader's and
    references' files (those a warm judge keeps imported)."""
    digest = hashlib.sha256(f"{__version__}\0{sys.executable}\0{exercises_dir()}".encode())
    files = [*_CODE.glob("*.py"), *(_CODE.parent / "reference").rglob("*.py")]
    files += (_CODE.parent / "quiz").glob("*.py")
    for path in sorted(files):
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


def request(message: dict[str, Any], *, timeout: float = 5.0) -> dict[str, Any] | None:
    """One request to the running server and its reply; None when none is running."""
    try:
        with _connect(timeout) as conn:
            return _exchange(conn, message)
    except (OSError, ServerGone):
        return None


def _connect(timeout: float) -> socket.socket:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(timeout)
    try:
        conn.connect(str(grader_socket()))
    except OSError:
        conn.close()
        raise
    return conn


def _exchange(conn: socket.socket, message: dict[str, Any]) -> dict[str, Any]:
    conn.sendall(json.dumps(message).encode() + b"\n")
    data = b""
    while not data.endswith(b"\n"):
        try:
            chunk = conn.recv(1 << 16)
        except (ConnectionResetError, TimeoutError) as exc:
            raise ServerGone(str(exc)) from None
        if not chunk:
            raise ServerGone("closed")
        data += chunk
    reply: dict[str, Any] = json.loads(data)
    return reply


def start() -> None:
    """Start a server in the background (it outlives this process) and wait until it listens."""
    log = data_dir() / LOG_NAME
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "exercises.server",
                "--socket",
                str(grader_socket()),
                "--stamp",
                stamp(),
                "--idle",
                str(idle_seconds()),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,  # not ended by the shell's Ctrl-C or its hang-up
            env={**os.environ, HOME_ENV: str(data_dir())},
        )
    deadline = time.monotonic() + START_WAIT_S
    while time.monotonic() < deadline:
        if request({"op": "status"}, timeout=1.0) is not None:
            return
        if proc.poll() is not None and request({"op": "status"}, timeout=1.0) is None:
            break  # it exited (another one won the race, or it failed): is anyone serving?
        time.sleep(0.02)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise GraderError(
        _("the grading server did not start (see {log}).").format(log=log) + f"\n{tail}".rstrip()
    )


def stop(wait_s: float = 30.0) -> bool:
    """Ask the running server to stop and wait until it is gone; False when none ran."""
    if request({"op": "stop"}) is None:
        return False
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and grader_socket().exists():
        time.sleep(0.05)
    return True


class ServerWorker:
    """runner.Worker's interface over the server; `on_gone` is told when the server died
    mid-grade, before the job is graded again in-process."""

    def __init__(self, on_gone: Callable[[], None]) -> None:
        self._on_gone = on_gone
        self._local: Worker | None = None

    def start(self) -> None:
        """Make sure a server of this code runs (it starts warming while the caller goes on)."""
        status = request({"op": "status"}, timeout=2.0)
        if status is not None and status.get("stamp") != stamp():
            stop()
            status = None
        if status is None:
            start()

    def close(self) -> None:
        """The server stays for the next `grade`, until it is idle; a fallback Worker ends."""
        if self._local is not None:
            self._local.close()

    def grade(self, job: Job) -> GradeResult:
        if self._local is None:
            try:
                return self._grade(job)
            except ServerGone:
                self._on_gone()
                self._local = Worker()
        return self._local.grade(job)

    def _grade(self, job: Job) -> GradeResult:
        message = {
            "op": "grade",
            "stamp": stamp(),
            "job": {
                "exercise": job.exercise.name,
                "file": str(job.file),
                "device": job.device,
                "seed": job.seed,
                "timeout": job.timeout,
                "lang": job.lang,
            },
        }
        wait = START_TIMEOUT + job.timeout + JUDGE_GRACE + START_WAIT_S
        for _attempt in range(2):
            try:
                conn = _connect(wait)
            except OSError:
                self.start()
                conn = _connect(wait)
            with conn:
                reply = _exchange(conn, message)
            if reply.get("error") != "stale":
                break
            stop()  # a server of older code: replace it, once
            self.start()
        if "result" in reply:
            return msgspec.convert(reply["result"], GradeResult)
        if reply.get("error") == "usage":
            raise UsageError(reply["message"])
        raise GraderError(reply.get("message", "the grading server gave no verdict"))
