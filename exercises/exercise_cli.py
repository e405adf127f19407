"""`rnnprep exercise ...`: list, hint, show and reset the exercises (grading: exercises.cli).

Exit codes as for `grade`: 0 done, 2 usage error, 3 the grader itself broke.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from typing import TYPE_CHECKING

from exercises.cli_support import (
    EXIT_GRADER,
    EXIT_USAGE,
    add_lang,
    choose_language,
    complain,
    learner_file,
    open_store,
    parse,
)
from exercises.errors import GraderError, UsageError
from quiz.l10n import N_, _
from quiz.pipes import quiet_broken_pipe

if TYPE_CHECKING:
    from exercises.api import ExerciseInfo

EXERCISE_PROG = "rnnprep exercise"

# `rnnprep exercise list` shows an exercise's status in words (data: "not started", ...).
STATUS_WORDS = {
    "not started": N_("not started"),
    "failing": N_("failing"),
    "passing": N_("passing"),
}


LIST_EPILOG = N_("""\
--json prints one object per exercise, on one line each, sorted by name:
  {"name", "title", "topics": [topic ids], "track": "torch" or "numpy", "difficulty": 1 to 3,
   "status": "not started", "failing" or "passing", "attempts",
   "last_attempt": ISO 8601 time or null, "last_diagnosis": diagnosis id or null}
""")


def _exercise_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=EXERCISE_PROG,
        description=_(
            "Your coding exercises: write RNN, LSTM and GRU cells by hand;"
            " `grade exercise NAME` checks them against PyTorch."
        ),
    )
    add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser(
        "list",
        help=_("every exercise: not started / failing / passing"),
        description=_("Every exercise and where you stand on it."),
        epilog=_(LIST_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    listing.add_argument(
        "--json", action="store_true", help=_("one JSON object per exercise, one per line")
    )
    add_lang(listing)
    hint = commands.add_parser("hint", help=_("the next hint (gentle first, explicit last)"))
    hint.add_argument("name")
    add_lang(hint)
    show = commands.add_parser("show", help=_("the task (README) and where your file is"))
    show.add_argument("name")
    add_lang(show)
    reset = commands.add_parser("reset", help=_("put the starter back in place of your file"))
    reset.add_argument("name")
    add_lang(reset)
    reset.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    return parser


@quiet_broken_pipe
def exercise_main(argv: list[str]) -> int:
    """`rnnprep exercise ARGS`: list, hint, show, reset."""
    choose_language(argv)
    args = parse(_exercise_parser(), argv)
    if isinstance(args, int):
        return args
    commands = {"list": _list, "hint": _hint, "show": _show_task, "reset": _reset}
    try:
        return commands[args.command](args)
    except UsageError as exc:
        return complain(EXERCISE_PROG, str(exc), EXIT_USAGE)
    except GraderError as exc:
        return complain(EXERCISE_PROG, str(exc), EXIT_GRADER)


def _list(args: argparse.Namespace) -> int:
    from exercises.api import list_exercises

    store = open_store()
    try:
        infos = list_exercises(store)
    finally:
        store.close()
    if args.json:
        for info in infos:
            print(json.dumps(_as_json(info), ensure_ascii=False), flush=True)
        return 0
    rows = [
        (
            _("exercise"),
            _("title"),
            _("level"),
            _("status"),
            _("tries"),
            _("last attempt"),
            _("last diagnosis"),
        )
    ]
    for info in infos:
        when = (
            info.last_attempt.astimezone().strftime("%Y-%m-%d %H:%M") if info.last_attempt else "-"
        )
        level = "★" * info.difficulty + "☆" * (3 - info.difficulty)
        rows.append(
            (
                info.name,
                info.title,
                level,
                _(STATUS_WORDS.get(info.status, info.status)),
                str(info.attempts),
                when,
                info.last_diagnosis or "-",
            )
        )
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    return 0


def _as_json(info: ExerciseInfo) -> dict[str, object]:
    """`exercise list --json`'s object for one exercise (field names and values in English)."""
    return {
        "name": info.name,
        "title": info.title,
        "topics": info.topics,
        "track": info.track,
        "difficulty": info.difficulty,
        "status": info.status,
        "attempts": info.attempts,
        "last_attempt": info.last_attempt.isoformat() if info.last_attempt else None,
        "last_diagnosis": info.last_diagnosis,
    }


def _width(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _hint(args: argparse.Namespace) -> int:
    from exercises.workspace import next_hint

    hint = next_hint(args.name)
    print(
        _("Hint {number}/{total} for {name}:").format(
            number=hint.number, total=hint.total, name=args.name
        )
    )
    print(hint.text)
    if hint.last:
        print(_("(That is the last hint; the README has the full equations.)"))
    return 0


def _show_task(args: argparse.Namespace) -> int:
    from exercises import catalogue

    exercise = catalogue.load(args.name)
    path = learner_file(args.name, as_json=False)
    print(exercise.task().rstrip())
    print()
    print(_("Your file: {path}").format(path=path))
    print(_("Grade it:  {command}").format(command=f"grade exercise {args.name}"))
    return 0


def _reset(args: argparse.Namespace) -> int:
    from exercises import catalogue, workspace

    catalogue.check_name(args.name)
    path = workspace.learner_path(args.name)
    if path.exists() and not args.yes:
        if not sys.stdin.isatty():
            return complain(
                EXERCISE_PROG,
                _(
                    "not resetting {path} without confirmation; run it in a terminal to be"
                    " asked, or add --yes."
                ).format(path=path),
                EXIT_USAGE,
            )
        try:
            answer = input(
                _("Replace {path} with the starter? Your code in it will be lost. [y/N] ").format(
                    path=path
                )
            )
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print(_("Kept your file."))
            return 0
    workspace.reset(args.name)
    print(_("{path} now holds the starter again.").format(path=path))
    return 0
