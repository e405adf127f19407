"""The grader's child process: imports torch once, then grades requests until its pipe closes.

Learner code runs only here. The parent starts this module with `python -I` (see runner.py) and
talks to it over two dedicated pipes, never over stdout, so nothing the learner prints can pose
as a verdict: stdout and stderr go to a file the parent shows apart as "your code printed".

Protocol, one JSON object per line:
  parent -> child (--requests fd): {"id", "exercise", "file", "device", "seed", "gates",
      "states", "outputs", "forbidden", "tolerances"}
  child -> parent (--events fd): {"event": "ready"} once torch is imported; then per request
      {"event": "stage", "id", "check", "doing"} as work starts, and finally one of
      {"event": "result", "id", "result"}, {"event": "usage", "id", "message"} (e.g. no CUDA),
      {"event": "error", "id", "message"} (a bug in the grader, not in the learner's code).
Several requests may come one after another: that is the "warm worker" the TUI can keep.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import IO, Any

from exercises.checks import Grading, UsageProblem
from exercises.guard import Guard, block_imports

# Learner prints go to the capture file; the grader keeps this much of it at most.
OUTPUT_LIMIT_BYTES = 8 * 1024 * 1024


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


def _limit_resources(memory_mb: int) -> None:
    """Cap data memory (a hog gets MemoryError, not the machine) and the size of printed output.

    The soft data limit is lifted before CUDA starts (its driver maps large regions); the parent's
    RSS watchdog still applies there.
    """
    data = _vm_data_bytes()
    if data:
        resource.setrlimit(
            resource.RLIMIT_DATA, (data + memory_mb * 1024 * 1024, resource.RLIM_INFINITY)
        )
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT_BYTES, OUTPUT_LIMIT_BYTES))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an over-long print fails, the process lives


def _lift_data_limit() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="exercises.child")
    parser.add_argument("--requests", type=int, required=True, help="fd to read requests from")
    parser.add_argument("--events", type=int, required=True, help="fd to write events to")
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)

    events = os.fdopen(args.events, "w", encoding="utf-8", buffering=1)
    requests = os.fdopen(args.requests, "r", encoding="utf-8")

    def send(message: dict[str, Any]) -> None:
        events.write(json.dumps(message) + "\n")

    guard = Guard()
    block_imports(guard)
    _limit_resources(args.memory_mb)
    send({"event": "ready"})
    for line in requests:
        _serve(json.loads(line), guard, send)
    _exit(events)


def _serve(request: dict[str, Any], guard: Guard, send: Callable[[dict[str, Any]], None]) -> None:
    rid = request["id"]
    try:
        guard.prepare(request["forbidden"])
        if request["device"] != "cpu":
            _lift_data_limit()

        def stage(check: str, doing: str) -> None:
            send({"event": "stage", "id": rid, "check": check, "doing": doing})

        result = Grading(request, guard, stage).run()
        send({"event": "result", "id": rid, "result": result})
    except UsageProblem as exc:
        send({"event": "usage", "id": rid, "message": str(exc)})
    except Exception as exc:  # a bug in the grader: say so, keep serving
        send({"event": "error", "id": rid, "message": f"{type(exc).__name__}: {exc}"})
    finally:
        sys.modules.pop(f"learner_{request['exercise']}", None)


def _exit(events: IO[str]) -> None:
    """Leave at once: the parent has its answers, and torch's teardown would only cost time."""
    events.close()
    os._exit(0)
