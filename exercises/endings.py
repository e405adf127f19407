"""How a process that runs learner code can end without an answer, told in the learner's terms.

Shared by the judge (exercises.remote, for the learner's process) and the parent
(exercises.runner, for the judge's process, should learner code reach it). No torch here.
"""

from __future__ import annotations

import signal

from quiz.l10n import N_, _

_SIGNAL_NOTES = {
    "SIGSEGV": N_(
        " (a segmentation fault: ctypes or a C extension touched memory it does not own)"
    ),
    "SIGKILL": N_(" (killed from outside, often by the system for using too much memory)"),
}


def timeout(seconds: float, doing: str) -> str:
    return _(
        "Stopped after {seconds:g} s while {doing}: an endless loop, or far more work than a"
        " cell this small needs."
    ).format(seconds=seconds, doing=doing)


def memory(memory_mb: int, doing: str) -> str:
    return _(
        "Your code used more than {memory_mb} MiB of memory while {doing} and was stopped. A"
        " cell on a few rows needs kilobytes: look for a tensor sized by a wrong dimension or a"
        " list that keeps growing."
    ).format(memory_mb=memory_mb, doing=doing)


def death(code: int | None, doing: str) -> str:
    """The message for a process that ended with exit status `code` (negative: a signal;
    None: unknown) while `doing`."""
    if code is None:
        return _("The grading process closed its channel to the grader while {doing}.").format(
            doing=doing
        )
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = _("signal {number}").format(number=-code)
        note = _(_SIGNAL_NOTES.get(name, ""))
        return _("The grading process was killed by {name}{note} while {doing}.").format(
            name=name, note=note, doing=doing
        )
    return _(
        "The grading process exited with code {code} while {doing}, before giving a verdict."
        " Does your code call os._exit(), or end its own process some other way? A function"
        " should return its result."
    ).format(code=code, doing=doing)
