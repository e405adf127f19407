"""Commands whose output is piped into something that stops reading early (`| head`) end
quietly, as Unix tools do, instead of printing a BrokenPipeError traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")


def quiet_broken_pipe(main: Callable[P, int]) -> Callable[P, int]:
    @functools.wraps(main)
    def run(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            code = main(*args, **kwargs)
            sys.stdout.flush()
            return code
        except BrokenPipeError:
            # Python flushes stdout again at exit; point it at /dev/null so that can't fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 0

    return run
