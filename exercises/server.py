"""The warm grading server behind `grade`: a shell's re-grade costs what the app's does.

`grade` (exercises.server_client) starts it on first use, one per data folder, and talks to it
over a Unix socket there (mode 0600; connections from another user are refused as well). It
keeps graders warm: runner.Workers whose judge has imported torch and forked its template
before running any torch operation. Every grading still runs the learner's code in a fresh
process forked from that clean template, on one thread (runner.ONE_THREAD), so nothing of one
submission reaches the next; the judge, which never runs learner code, is what stays warm.
Two shells grading at once each get a Worker of their own (a second one starts when needed).

It exits after `--idle` seconds without a request, when asked (`rnnprep server stop`), and when
a client's stamp (the installed code: version and file hashes) differs from its own, so the
client can start one that runs the code now installed.

Protocol: one JSON object per line each way.
  {"op": "grade", "stamp", "job": {...}} -> {"result": GradeResult}
                                          | {"error": "usage" | "grader" | "stale", "message"}
  {"op": "status"} -> {"pid", "stamp", "started", "grades", "idle_exit_s", "busy", "workers"}
  {"op": "stop"} -> {"stopping": true}
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import signal
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any

import msgspec

from exercises import catalogue
from exercises.errors import GraderError, UsageError
from exercises.runner import Job, Worker

MAX_WORKERS = 4  # gradings at once; a fifth waits for one to finish
POLL_S = 0.1  # how soon a stop or an idle exit is noticed
SHUT_WAIT_S = 120.0  # for gradings under way when asked to stop (each has its own time limits)


class Server:
    def __init__(self, path: Path, stamp: str, idle_s: float) -> None:
        self.path = path
        self.stamp = stamp
        self.idle_s = idle_s
        self.started = time.time()
        self.grades = 0
        self.busy = 0
        self.last = time.monotonic()
        self.stopping = threading.Event()
        self._idle: list[Worker] = []
        self._workers = 0
        self._lock = threading.Condition()
        self._listener: socket.socket | None = None

    # -- the pool ----------------------------------------------------------------------------

    def _take(self) -> Worker:
        with self._lock:
            while not self._idle and self._workers >= MAX_WORKERS:
                self._lock.wait()
            if self._idle:
                return self._idle.pop()
            self._workers += 1
        worker = Worker()
        worker.start()
        return worker

    def _give(self, worker: Worker) -> None:
        with self._lock:
            self._idle.append(worker)
            self._lock.notify()

    # -- serving -----------------------------------------------------------------------------

    def serve(self, listener: socket.socket) -> None:
        self._listener = listener
        first = Worker()
        first.start()  # torch loads in its judge while the first client connects
        self._idle.append(first)
        self._workers = 1
        threading.Thread(target=self._watch_idle, daemon=True).start()
        listener.settimeout(POLL_S)
        while not self.stopping.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()
        self._shut()

    def _watch_idle(self) -> None:
        while not self.stopping.wait(POLL_S):
            with self._lock:
                idle = self.busy == 0 and time.monotonic() - self.last > self.idle_s
            if idle:
                self.stopping.set()

    def _shut(self) -> None:
        """Stop taking connections, let gradings under way finish, end every Worker."""
        with contextlib.suppress(OSError):
            if self._listener is not None:
                self._listener.close()
        with contextlib.suppress(OSError):
            self.path.unlink()
        with self._lock:
            self._lock.wait_for(lambda: self.busy == 0, timeout=SHUT_WAIT_S)
            for worker in self._idle:
                worker.close()

    def _connection(self, conn: socket.socket) -> None:
        with conn:
            if _peer_uid(conn) != os.getuid():
                return  # the socket's mode keeps other users out; this is a second lock
            stream = conn.makefile("rwb")
            for line in stream:
                reply = self._handle(json.loads(line))
                stream.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")
                stream.flush()
                if self.stopping.is_set():
                    return

    def _handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        with self._lock:
            self.last = time.monotonic()
        if op == "status":
            return {
                "pid": os.getpid(),
                "stamp": self.stamp,
                "started": self.started,
                "grades": self.grades,
                "idle_exit_s": self.idle_s,
                "busy": self.busy,
                "workers": self._workers,
            }
        if op == "stop":
            self.stopping.set()
            return {"stopping": True}
        if op != "grade":
            return {"error": "grader", "message": f"unknown request {op!r}"}
        if request.get("stamp") != self.stamp:
            self.stopping.set()  # the installed code changed: the client starts a new server
            return {"error": "stale", "message": "the grading server runs older code"}
        return self._grade(request["job"])

    def _grade(self, fields: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            self.busy += 1
        worker = self._take()
        try:
            catalogue.load.cache_clear()  # an author's edit to exercise.yaml shows at once
            job = Job(
                catalogue.load(fields["exercise"]),
                Path(fields["file"]),
                fields["device"],
                fields["seed"],
                fields["timeout"],
                fields["lang"],
            )
            result = worker.grade(job)
            reply: dict[str, Any] = {"result": msgspec.to_builtins(result)}
        except UsageError as exc:
            reply = {"error": "usage", "message": str(exc)}
        except GraderError as exc:
            reply = {"error": "grader", "message": str(exc)}
        finally:
            self._give(worker)
            with self._lock:
                self.busy -= 1
                self.grades += 1
                self.last = time.monotonic()
                self._lock.notify_all()
        return reply


def _peer_uid(conn: socket.socket) -> int:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def bind(path: Path) -> socket.socket | None:
    """The listening socket at `path` (mode 0600), replacing a stale one; None when a live server
    already answers there. Under a lock, so two servers started at once end with one."""
    lock = os.open(f"{path}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                probe.connect(str(path))
                return None  # someone is serving
            except OSError:
                path.unlink()  # stale: its server is gone
            finally:
                probe.close()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            listener.bind(str(path))
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        listener.listen(16)
        return listener
    finally:
        os.close(lock)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exercises.server")
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--stamp", required=True)
    parser.add_argument("--idle", type=float, required=True, help="seconds before exiting")
    args = parser.parse_args(argv)
    listener = bind(args.socket)
    if listener is None:
        return 0
    server = Server(args.socket, args.stamp, args.idle)
    signal.signal(signal.SIGTERM, lambda *_: server.stopping.set())
    print(f"rnnprep grading server {os.getpid()} on {args.socket}", file=sys.stderr, flush=True)
    server.serve(listener)
    return 0


if __name__ == "__main__":
    sys.exit(main())
