"""A torch computation in a process of its own, for the app and its commands.

torch never loads in the app's process: the gradient lab and the FSRS fit each run a module
as a child, on one thread (as the grader's children: two at once on a small machine would
otherwise spin against each other), reading one JSON answer from its stdout. Ending the
process cancels the computation.
"""

from __future__ import annotations

import os
import subprocess
import sys

from exercises.runner import ONE_THREAD


class ChildFailed(Exception):
    """The child ran past its time, or ended without an answer (the reason: its last words)."""

    def __init__(self, reason: str, *, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.timed_out = timed_out


def start(module: str, *args: str) -> subprocess.Popen[str]:
    """`python -m module args…`, started and left running."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **ONE_THREAD},
    )


def output(proc: subprocess.Popen[str], timeout: float) -> str:
    """What the child printed, once it has ended well; ChildFailed otherwise."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise ChildFailed("timeout", timed_out=True) from None
    if proc.returncode != 0:
        tail = err.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise ChildFailed(tail[0])
    return out
