"""The `rnnprep` command: opens the app, or runs one job (bank checks, grading, stats) and exits.

Here: reading the language and data folder ahead of the parser, the log, and dispatch. The
parser is quiz.cli_parser, the bank commands quiz.cli_bank, opening the app quiz.cli_app.
Heavy modules (Textual, torch, the grader) are imported only by the subcommand that needs them,
so `rnnprep --help` and `rnnprep bank check` answer at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from quiz import __version__
from quiz.cli_app import open_app, start_problem
from quiz.cli_bank import bank_check, bank_flagged
from quiz.cli_parser import build_parser
from quiz.i18n import LANGS, Lang
from quiz.l10n import (
    ENV,
    _,
    choose_language,
    install_argparse,
    remember_language,
    remembered_language,
    set_language,
)
from quiz.locations import HOME_ENV, data_dir_problem
from quiz.pipes import quiet_broken_pipe
from quiz.store import StoreError

log = logging.getLogger(__name__)

_PASS_THROUGH = {"grade", "exercise", "dev", "server"}
# Options before the command that take a value (the next word is not the command).
_VALUED = ("--data-dir", "--lang", "--log-level")


def _split_pass_through(argv: list[str]) -> tuple[list[str], list[str]]:
    """Cut the line after `grade`/`exercise`/`dev`/`server`, which the grader's own parsers
    read."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in _VALUED:
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        if token in _PASS_THROUGH:
            return argv[: i + 1], argv[i + 1 :]
        break
    return argv, []


def _option_value(argv: list[str], name: str) -> str | None:
    """`--name VALUE` or `--name=VALUE` from the options before the command, read ahead of the
    parser: its own help and errors are already in the chosen language."""
    value = None
    for i, token in enumerate(argv):
        if token == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif token.startswith(name + "="):
            value = token.partition("=")[2]
        elif not token.startswith("-") and (i == 0 or argv[i - 1] not in _VALUED):
            break  # the command: what follows is its own
    return value


def interface_language(argv: list[str], remembered: bool = True) -> Lang:
    """--lang > $RNNPREP_LANG > the choice remembered in the data folder > English."""
    flag, env = _option_value(argv, "--lang"), os.environ.get(ENV)
    if flag in LANGS or env in LANGS or not remembered:
        return choose_language(flag, env, None)
    folder = _option_value(argv, "--data-dir")
    if folder is not None:
        data = Path(folder).expanduser()
    else:
        from quiz.locations import data_dir

        data = data_dir()
    return choose_language(None, None, remembered_language(data))


@quiet_broken_pipe
def main(argv: Sequence[str] | None = None) -> int:
    args_list, rest = _split_pass_through(list(sys.argv[1:] if argv is None else argv))
    folder_problem = data_dir_problem(_option_value(args_list, "--data-dir"))
    lang = interface_language(args_list, remembered=folder_problem is None)
    set_language(lang)
    install_argparse()
    args = build_parser().parse_args(args_list)
    if folder_problem is not None:
        return _fail(folder_problem, code=2)
    try:
        return _run(args, rest, lang)
    except StoreError as exc:  # locked past the wait, read-only and damaged, newer schema
        return _fail(str(exc))


def _fail(message: str, code: int = 1) -> int:
    log.warning("%s", message)
    print(_("rnnprep: error: {message}").format(message=message), file=sys.stderr)
    return code


def start_log(level: str) -> None:
    """The rotating log in the data folder (quiz.logs); quietly none if it can't be written."""
    from quiz import logs

    try:
        from quiz.locations import data_dir

        folder = data_dir()
    except OSError:  # a data folder that can't be made: the store will say so
        return
    logs.setup(folder, level)
    log.info("rnnprep %s: %s", __version__, " ".join(sys.argv[1:]))


def _run(args: argparse.Namespace, rest: list[str], lang: Lang) -> int:
    if args.data_dir is not None:
        os.environ[HOME_ENV] = str(args.data_dir.expanduser().resolve())
    start_log(args.log_level)
    if args.lang is not None:
        from quiz.locations import data_dir

        remember_language(data_dir(), args.lang)
    args.lang = lang

    if args.command == "doctor":
        from quiz.doctor import doctor

        return doctor(args.json)

    if args.command == "bank":
        return bank_check(args.dir, args.json) if args.bank_command == "check" else bank_flagged()
    if args.command == "plan":
        from quiz.cli_plan import plan_main

        return plan_main(args)
    if args.command == "lab":
        from quiz.cli_lab import lab_gradients

        return lab_gradients(args)
    if args.command == "optimize":
        from quiz.cli_optimize import optimize_main

        return optimize_main(args)
    if args.command in ("export", "import"):
        from quiz.cli_export import export_main, import_main

        return export_main(args, lang) if args.command == "export" else import_main(args)
    if args.command == "serve":
        from quiz.locations import data_dir
        from quiz.serve import serve

        return serve(args.host, args.port, data_dir())  # tabs take the remembered language
    if args.command == "cheatsheet":
        return print_cheatsheet(args.format, args.output, lang)
    if args.command == "stats" and args.json:
        from quiz.stats import stats_json

        print(json.dumps(stats_json(lang=lang), ensure_ascii=False, indent=2))
        return 0
    # The grader's own parsers read the rest of the line; rnnprep's language goes with it
    # unless the rest names one itself.
    passed_on = rest if "--lang" in rest else ["--lang", lang, *rest]
    if args.command == "grade":
        from exercises.cli import main as grade_main

        return grade_main(passed_on, prog="rnnprep grade")
    if args.command == "exercise":
        from exercises.cli import exercise_main

        return exercise_main(passed_on)
    if args.command == "dev":
        from exercises.dev_cli import dev_main

        return dev_main(passed_on)
    if args.command == "server":
        from exercises.server_cli import server_main

        return server_main(passed_on)
    return run_app(args)


def print_cheatsheet(fmt: str, output: Path | None, lang: Lang) -> int:
    from quiz import cheatsheet

    text = cheatsheet.html(lang) if fmt == "html" else cheatsheet.markdown(lang)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        return _fail(_("Could not write {path}: {reason}").format(path=output, reason=exc))
    print(_("Wrote the cheat sheet to {path}.").format(path=output))
    return 0


def run_app(args: argparse.Namespace) -> int:
    """Open the TUI, straight into a quiz when a quiz command was given."""
    problem = start_problem(args)
    if problem is not None:
        return _fail(problem, code=2)
    return open_app(args)
