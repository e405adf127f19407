"""The grader's child, the judge: imports torch once, then grades requests until its pipe closes.

It never runs learner code. Right after importing torch, before any grading module is loaded,
it forks the template of learner's processes (exercises.zygote); each request gets a fresh
learner's process from it, which runs the learner's file and sends back plain data, while this
process computes the reference, compares and decides. The parent (exercises.runner) starts it
with `python -I` and talks to it over two dedicated pipes, never over stdout: stdout and stderr
go to a capture file the parent shows apart as "your code printed".

The protocol (one Request per line on --requests, one Event per line on --events) is
exercises.protocol's structs. Several requests may come one after another: that is the "warm
worker" the TUI can keep.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import IO

from exercises import sandbox
from exercises import zygote as templates
from exercises.protocol import Event, Failed, Ready, Request, Result, Stage, Usage, decode_request
from exercises.protocol import encode as encode_message


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="exercises.child")
    parser.add_argument("--requests", type=int, required=True, help="fd to read requests from")
    parser.add_argument("--events", type=int, required=True, help="fd to write events to")
    parser.add_argument("--memory-mb", type=int, required=True)
    args = parser.parse_args(argv)

    zygote = templates.start(close_in_child=[args.requests, args.events])
    # Non-dumpable: another process of the same user (learner code) cannot open this one's
    # /proc entries (its pipes, its memory).
    sandbox.prctl(sandbox.PR_SET_DUMPABLE, 0)
    # The judge's own code, loaded only now: the template holds none of it.
    from exercises.checks import Grading, UsageProblem
    from exercises.grading_module import GradingModuleError
    from quiz.l10n import set_language

    events = os.fdopen(args.events, "w", encoding="utf-8", buffering=1)
    requests = os.fdopen(args.requests, "r", encoding="utf-8")

    def send(message: Event) -> None:
        events.write(encode_message(message).decode())

    send(Ready())
    for line in requests:
        request = decode_request(line)
        rid = request.id

        def stage(check: str, doing: str, rid: str = rid) -> None:
            send(Stage(rid, check, doing))

        set_language(request.lang)
        try:
            grading = Grading(
                request, zygote, stage, memory_mb=args.memory_mb, protected=_protected(request)
            )
            send(Result(rid, grading.run()))
        except UsageProblem as exc:
            send(Usage(rid, str(exc)))
        except GradingModuleError as exc:  # the exercise's own bug: the dev check names it
            send(Failed(rid, str(exc)))
        except Exception as exc:  # a bug in the grader: say so, keep serving
            send(Failed(rid, f"{type(exc).__name__}: {exc}"))
    _exit(events)


def _protected(request: Request) -> list[str]:
    """Folders learner code may not read: every exercise's (solutions, grading modules) and the
    references' package. (The grader's own modules stay readable: torch.compile reads the
    source of the guard's hooks it traces through.)"""
    import reference

    folders = [p for p in Path(request.folder).parent.iterdir() if (p / "exercise.yaml").exists()]
    return [*map(str, folders), str(Path(reference.__file__).parent)]


def _exit(events: IO[str]) -> None:
    """Leave at once: the parent has its answers, and torch's teardown would only cost time."""
    events.close()
    os._exit(0)
