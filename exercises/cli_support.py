"""What the grader's two commands share (`grade ...` in exercises.cli, `rnnprep exercise ...` in
exercises.exercise_cli): exit codes, the interface language, --lang, parsing, complaints, the
learner's file and the process's one progress store.

Imports stay light (no msgspec, no store, no torch) so `grade` can start its child first.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from quiz.i18n import LANGS
from quiz.l10n import ENV, N_, _, current_language, install_argparse, parse_lang, set_language

if TYPE_CHECKING:
    from quiz.store import Store

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_GRADER = 0, 1, 2, 3

LANG_HELP = N_(
    "language of the help and the report: en, zh-Hant or zh-Hans (default: $RNNPREP_LANG, else"
    " the language last chosen in rnnprep, else en)"
)


def option_value(argv: list[str], name: str) -> str | None:
    """`--name VALUE` or `--name=VALUE` anywhere in `argv` (the last one wins), read ahead of the
    parser so that its own help and errors are in the chosen language."""
    value = None
    for i, token in enumerate(argv):
        if token == "--":
            break
        if token == name and i + 1 < len(argv):
            value = argv[i + 1]
        elif token.startswith(name + "="):
            value = token.partition("=")[2]
    return value


def choose_language(argv: list[str]) -> None:
    """Set the interface language: this command's --lang, else one already chosen by the caller
    (`rnnprep --lang zh-Hant grade ...` chose by the same rule), else $RNNPREP_LANG, else the
    choice rnnprep remembered, else English."""
    lang = parse_lang(option_value(argv, "--lang"))
    if lang is None and current_language() == "en":
        from quiz.l10n import remembered_language
        from quiz.locations import data_dir

        lang = parse_lang(os.environ.get(ENV)) or remembered_language(data_dir())
    set_language(lang or current_language())
    install_argparse()


def add_lang(parser: argparse.ArgumentParser) -> None:
    """--lang, read before parsing (choose_language); here it is documented and checked."""
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=_(LANG_HELP))


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace | int:
    """Parsed arguments, or the exit code argparse chose (--help: 0, a bad option: 2)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


def complain(prog: str, message: str, code: int) -> int:
    print(f"{prog}: {message}", file=sys.stderr, flush=True)
    return code


def learner_file(name: str, as_json: bool) -> Path:
    """The learner's workspace file, announcing it when it is created from the starter."""
    from exercises import catalogue, workspace

    catalogue.check_name(name)
    path, created = workspace.ensure_learner_file(name)
    if created:
        print(
            _("Created your file from the starter: {path}").format(path=path),
            file=sys.stderr if as_json else sys.stdout,
        )
    return path


def open_store() -> Store:
    """The command's one progress store for the whole process (closed by the caller)."""
    from quiz.locations import db_path
    from quiz.store import Store

    return Store(db_path())
