"""`rnnprep server status|stop`: the warm grading server that `grade` starts on first use."""

from __future__ import annotations

import argparse
import json
import time

from exercises import server_client
from exercises.cli_support import EXIT_FAILED, EXIT_PASSED, add_lang, choose_language, parse
from quiz.l10n import _
from quiz.locations import grader_socket


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnnprep server",
        description=_(
            "`grade` grades through a background server that keeps torch loaded, so a re-grade"
            " from the shell takes a fraction of a second. It starts on first use, runs each"
            " grading in a fresh process, and exits after {minutes:g} minutes without a grading"
            " ({idle_env} sets the seconds). `grade --no-server` or {no_env}=1 grades without it."
        ).format(
            minutes=server_client.DEFAULT_IDLE_S / 60,
            idle_env=server_client.IDLE_ENV,
            no_env=server_client.NO_SERVER_ENV,
        ),
    )
    add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    status = commands.add_parser(
        "status", help=_("whether it runs, since when, how many gradings (exit 1: not running)")
    )
    status.add_argument("--json", action="store_true", help=_("print one JSON object"))
    commands.add_parser("stop", help=_("stop it now (the next `grade` starts a new one)"))
    return parser


def server_main(argv: list[str]) -> int:
    choose_language(argv)
    args = parse(_parser(), argv)
    if isinstance(args, int):
        return args
    if args.command == "stop":
        stopped = server_client.stop()
        print(_("Stopped the grading server.") if stopped else _("No grading server was running."))
        return EXIT_PASSED
    status = server_client.request({"op": "status"})
    if args.json:
        print(
            json.dumps(
                {"running": status is not None, "socket": str(grader_socket()), **(status or {})}
            )
        )
    elif status is None:
        print(_("No grading server is running; the next `grade` starts one."))
    else:
        print(
            _(
                "The grading server (process {pid}) has run for {minutes:.0f} min; gradings so"
                " far: {grades}. It exits after {idle:.0f} min without a grading."
            ).format(
                pid=status["pid"],
                minutes=(time.time() - status["started"]) / 60,
                grades=status["grades"],
                idle=status["idle_exit_s"] / 60,
            )
        )
        if status["stamp"] != server_client.stamp():
            print(_("It runs older code: the next `grade` replaces it."))
    return EXIT_PASSED if status is not None else EXIT_FAILED
