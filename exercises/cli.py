"""Command line of the exercise grader: `grade ...` (= `rnnprep grade ...`), `rnnprep exercise ...`.

Exit codes: 0 passed; 1 failed (for any reason inside the learner's code: wrong values, crash,
timeout, ...); 2 usage error (unknown exercise, missing file, no CUDA, bad option); 3 the grader
itself broke (a broken exercise or a child that cannot start), which is never the learner's fault;
130 interrupted by Ctrl-C (--watch, which runs until Ctrl-C, then ends with 0). README.md and
GRADE_EPILOG say the same.

Start-up is the child's `import torch`, so main() spawns the child first and imports the rest
(msgspec, the store, ...) while torch loads; hence the imports inside functions below.

Help, messages and the human report follow the interface language (quiz.l10n), chosen as rnnprep
chooses it: --lang > $RNNPREP_LANG > the choice remembered in settings.json > English. What the
grading process says (check and diagnosis messages) and the --json output stay English.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from exercises.errors import GraderError, UsageError
from exercises.runner import DEFAULT_TIMEOUT, Worker
from quiz.i18n import LANGS
from quiz.l10n import ENV, N_, _, current_language, install_argparse, parse_lang, set_language
from quiz.pipes import quiet_broken_pipe

if TYPE_CHECKING:
    from exercises.api import Grader
    from exercises.results import GradeResult

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_GRADER = 0, 1, 2, 3
EXERCISE_PROG = "rnnprep exercise"

GRADE_EPILOG = N_("""\
examples:
  grade exercise lstm_cell                 grade your file (created from the starter if new)
  grade exercise lstm_cell --seed 4242     the same random inputs as an earlier run
  grade exercise gru_cell --watch          re-grade on every save; Ctrl-C stops
  grade exercise --all --json              every exercise, one JSON object per line

--json prints one object per graded exercise, on one line each:
  {"exercise", "passed", "device", "seed", "checks": [{"name", "passed", "message"}],
   "diagnosis": null or {"id", "message"}, "output": what your code printed}
  (output: terminal control sequences removed, cut to 8 KiB with a "…truncated" line)
exit codes: 0 passed, 1 failed, 2 usage error, 3 the grader itself broke (not your code),
  130 interrupted by Ctrl-C (--watch ends with 0 when Ctrl-C stops it)
""")
# `rnnprep exercise list` shows an exercise's status in words (data: "not started", ...).
STATUS_WORDS = {
    "not started": N_("not started"),
    "failing": N_("failing"),
    "passing": N_("passing"),
}
LANG_HELP = N_(
    "language of the help and the report: en, zh-Hant or zh-Hans (default: $RNNPREP_LANG, else"
    " the language last chosen in rnnprep, else en)"
)


def _option_value(argv: list[str], name: str) -> str | None:
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
    lang = parse_lang(_option_value(argv, "--lang"))
    if lang is None and current_language() == "en":
        from quiz.l10n import remembered_language
        from quiz.locations import data_dir

        lang = parse_lang(os.environ.get(ENV)) or remembered_language(data_dir())
    set_language(lang or current_language())
    install_argparse()


def _add_lang(parser: argparse.ArgumentParser) -> None:
    """--lang, read before parsing (choose_language); here it is documented and checked."""
    parser.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=_(LANG_HELP))


def _grade_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_("Grade your hand-written recurrent cells against PyTorch's own."),
        epilog=_(GRADE_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = commands.add_parser(
        "exercise",
        help=_("grade an exercise"),
        description=_(
            "Run your function and PyTorch's on the same random inputs and compare"
            " shapes, dtypes, values (float64 and float32), gradients, and that inputs stay"
            " unchanged. A wrong answer is matched against known mistakes and named."
        ),
        epilog=_(GRADE_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ex.add_argument("name", nargs="?", help=_("exercise name, e.g. lstm_cell"))
    ex.add_argument("--all", action="store_true", help=_("grade every exercise (your files)"))
    ex.add_argument(
        "--file", type=Path, help=_("grade this file instead of your workspace copy of NAME")
    )
    ex.add_argument(
        "--device",
        choices=("cpu", "cuda", "auto"),
        default="cpu",
        help=_("where learner and reference run; auto = cuda when available (default: cpu)"),
    )
    ex.add_argument("--seed", type=int, help=_("seed of the random inputs (default: a new one)"))
    ex.add_argument("--json", action="store_true", help=_("machine-readable output (see below)"))
    ex.add_argument("--watch", action="store_true", help=_("re-grade whenever the file is saved"))
    ex.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=_("seconds your code may run per grading (default: {seconds})").format(
            seconds=f"{DEFAULT_TIMEOUT:g}"
        ),
    )
    ex.add_argument(
        "--check-catalogue",
        action="store_true",
        help=_(
            "developer check: every exercise's starter, solution and mistake fixtures"
            " get the verdict they should"
        ),
    )
    _add_lang(ex)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace | int:
    """Parsed arguments, or the exit code argparse chose (--help: 0, a bad option: 2)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


@quiet_broken_pipe
def main(argv: list[str] | None = None, prog: str = "grade") -> int:
    """The `grade` console script; `rnnprep grade ARGS` calls main(ARGS, prog="rnnprep grade")."""
    choose_language(sys.argv[1:] if argv is None else argv)
    parser = _grade_parser(prog)
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    args.prog = prog
    if args.check_catalogue:
        args.all = True
    if bool(args.name) == args.all:
        return _complain(prog, _("give an exercise NAME or --all (not both)"), EXIT_USAGE)
    if args.all and (args.watch or args.file):
        return _complain(
            prog, _("--all grades your workspace files; no --file or --watch"), EXIT_USAGE
        )
    worker = Worker()
    worker.start()  # torch loads in the child while this process does the rest
    try:
        if args.check_catalogue:
            return _check_catalogue(args, worker)
        if args.all:
            return _grade_all(args, worker)
        if args.watch:
            return _watch(args, worker)
        return _grade_one(args, worker)
    except UsageError as exc:
        return _complain(prog, str(exc), EXIT_USAGE)
    except GraderError as exc:
        return _complain(prog, str(exc), EXIT_GRADER)
    except KeyboardInterrupt:
        return _complain(prog, _("interrupted"), 130)
    finally:
        worker.close()


def _complain(prog: str, message: str, code: int) -> int:
    print(f"{prog}: {message}", file=sys.stderr, flush=True)
    return code


def _show(result: GradeResult, as_json: bool) -> None:
    from exercises import report

    if as_json:
        print(report.as_json(result), flush=True)
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        print(report.human(result, color=color), flush=True)


def _learner_file(name: str, as_json: bool) -> Path:
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


def _grader(worker: Worker) -> Grader:
    from exercises.api import Grader

    return Grader(worker)


def _grade_one(args: argparse.Namespace, worker: Worker) -> int:
    if args.file is None:
        _learner_file(args.name, args.json)
    result = _grader(worker).grade(args.name, args.file, args.device, args.seed, args.timeout)
    _show(result, args.json)
    return EXIT_PASSED if result.passed else EXIT_FAILED


def _grade_all(args: argparse.Namespace, worker: Worker) -> int:
    from exercises import catalogue
    from exercises.api import new_seed

    grader = _grader(worker)
    seed = new_seed() if args.seed is None else args.seed
    passed = 0
    names = catalogue.names()
    for name in names:
        _learner_file(name, args.json)
        result = grader.grade(name, None, args.device, seed, args.timeout)
        passed += result.passed
        _show(result, args.json)
        if not args.json:
            print()
    if not args.json:
        print(_("{passed}/{total} exercises pass.").format(passed=passed, total=len(names)))
    return EXIT_PASSED if passed == len(names) else EXIT_FAILED


def _watch(args: argparse.Namespace, worker: Worker) -> int:
    import watchfiles

    from exercises.api import new_seed

    path = (args.file or _learner_file(args.name, args.json)).resolve()
    if not path.is_file():
        raise UsageError(_("There is no file {path}.").format(path=path))
    grader = _grader(worker)
    seed = new_seed() if args.seed is None else args.seed

    def once() -> None:
        if not args.json:
            when = time.strftime("%H:%M:%S")
            print(_("--- {time} grading {file}").format(time=when, file=path.name), flush=True)
        try:
            result = grader.grade(args.name, path, args.device, seed, args.timeout)
        except UsageError as exc:  # e.g. the file vanished mid-save; wait for the next one
            _complain(args.prog, str(exc), EXIT_USAGE)
            return
        _show(result, args.json)
        if not result.recorded:
            print(
                _(
                    "(Not counted as an attempt: the file is as it was last graded, or is the"
                    " starter again.)"
                ),
                file=sys.stderr,
                flush=True,
            )

    def is_ours(_change: watchfiles.Change, changed: str) -> bool:
        return os.path.realpath(changed) == str(path)

    try:
        once()
        print(
            _("Watching {path}: save to re-grade, Ctrl-C to stop.").format(path=path),
            file=sys.stderr,
            flush=True,
        )
        for _changes in watchfiles.watch(path.parent, watch_filter=is_ours, raise_interrupt=True):
            once()
    except KeyboardInterrupt:
        print(_("Stopped watching."), file=sys.stderr)
    return EXIT_PASSED


def _check_catalogue(args: argparse.Namespace, worker: Worker) -> int:
    import json

    from exercises import devcheck
    from exercises.api import new_seed

    seed = new_seed() if args.seed is None else args.seed
    outcomes = devcheck.run(_grader(worker), seed, args.timeout)
    for o in outcomes:
        if args.json:
            print(json.dumps(o.as_json()))
        else:
            mark = "ok  " if o.ok else "FAIL"
            detail = "" if o.ok else f"  (got {o.got or 'nothing'}: {o.message})"
            print(f"{mark} {o.exercise:<10} {o.file.name:<40} expects {o.expected}{detail}")
    bad = sum(not o.ok for o in outcomes)
    if not args.json:
        print(f"{len(outcomes) - bad}/{len(outcomes)} as expected (seed {seed}).")
    return EXIT_PASSED if bad == 0 else EXIT_FAILED


# -- rnnprep exercise ... ---------------------------------------------------------------------


def _exercise_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=EXERCISE_PROG,
        description=_(
            "Your coding exercises: write RNN, LSTM and GRU cells by hand;"
            " `grade exercise NAME` checks them against PyTorch."
        ),
    )
    _add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("list", help=_("every exercise: not started / failing / passing"))
    _add_lang(listing)
    hint = commands.add_parser("hint", help=_("the next hint (gentle first, explicit last)"))
    hint.add_argument("name")
    _add_lang(hint)
    show = commands.add_parser("show", help=_("the task (README) and where your file is"))
    show.add_argument("name")
    _add_lang(show)
    reset = commands.add_parser("reset", help=_("put the starter back in place of your file"))
    reset.add_argument("name")
    _add_lang(reset)
    reset.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    return parser


@quiet_broken_pipe
def exercise_main(argv: list[str]) -> int:
    """`rnnprep exercise ARGS`: list, hint, show, reset."""
    choose_language(argv)
    args = _parse(_exercise_parser(), argv)
    if isinstance(args, int):
        return args
    commands = {"list": _list, "hint": _hint, "show": _show_task, "reset": _reset}
    try:
        return commands[args.command](args)
    except UsageError as exc:
        return _complain(EXERCISE_PROG, str(exc), EXIT_USAGE)
    except GraderError as exc:
        return _complain(EXERCISE_PROG, str(exc), EXIT_GRADER)


def _list(args: argparse.Namespace) -> int:
    from exercises.api import list_exercises

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
    for info in list_exercises():
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
    path = _learner_file(args.name, as_json=False)
    print(exercise.readme.read_text(encoding="utf-8").rstrip())
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
            return _complain(
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
