"""The grader's child process: imports torch once, then grades requests until its pipe closes.

Learner code runs only here. The parent starts this module with `python -I` (see runner.py) and
talks to it over two dedicated pipes, never over stdout, so nothing the learner prints can pose
as a verdict: stdout and stderr go to a file the parent shows apart as "your code printed".

The protocol (one Request per line on --requests, one Event per line on --events) is
exercises.protocol's structs. Several requests may come one after another: that is the "warm
worker" the TUI can keep.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import IO

from exercises.checks import Grading, UsageProblem
from exercises.grading_module import GradingModuleError
from exercises.guard import Guard, block_imports
from exercises.protocol import Event, Failed, Ready, Request, Result, Stage, Usage, decode_request
from exercises.protocol import encode as encode_message

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

    def send(message: Event) -> None:
        events.write(encode_message(message).decode())

    guard = Guard()
    block_imports(guard)
    _limit_resources(args.memory_mb)
    send(Ready())
    for line in requests:
        _serve(decode_request(line), guard, send)
    _exit(events)


def _serve(request: Request, guard: Guard, send: Callable[[Event], None]) -> None:
    rid = request.id
    try:
        if request.device != "cpu":
            _lift_data_limit()

        def stage(check: str, doing: str) -> None:
            send(Stage(rid, check, doing))

        send(Result(rid, Grading(request, guard, stage).run()))
    except UsageProblem as exc:
        send(Usage(rid, str(exc)))
    except GradingModuleError as exc:  # the exercise's own bug: the dev check names it
        send(Failed(rid, str(exc)))
    except Exception as exc:  # a bug in the grader: say so, keep serving
        send(Failed(rid, f"{type(exc).__name__}: {exc}"))
    finally:
        sys.modules.pop(f"learner_{request.exercise}", None)


def _exit(events: IO[str]) -> None:
    """Leave at once: the parent has its answers, and torch's teardown would only cost time."""
    events.close()
    os._exit(0)
