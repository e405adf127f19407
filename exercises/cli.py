"""Command line of the exercise grader: `grade ...` (= `rnnprep grade ...`), `rnnprep exercise ...`.

Exit codes: 0 passed; 1 failed (for any reason inside the learner's code: wrong values, crash,
timeout, ...); 2 usage error (unknown exercise, missing file, no CUDA, bad option); 3 the grader
itself broke (a broken exercise or a child that cannot start), which is never the learner's fault;
130 interrupted by Ctrl-C (--watch, which runs until Ctrl-C, then ends with 0). README.md and
GRADE_EPILOG say the same.

Start-up is the child's `import torch`, so main() spawns the child first and imports the rest
(msgspec, the store, ...) while torch loads; hence the imports inside functions below.

Help, messages and the human report follow the interface language (quiz.l10n), chosen as rnnprep
chooses it: --lang > $RNNPREP_LANG > the choice remembered in settings.json > English; so do the
grading process's check and diagnosis messages, in --json too (its keys, ids and check names stay
English).

Grading goes through the warm grading server (exercises.server_client) unless --no-server or
$RNNPREP_NO_SERVER=1 asks for a Worker in this process; both give the same verdicts.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from exercises.cli_support import (
    EXIT_FAILED,
    EXIT_GRADER,
    EXIT_PASSED,
    EXIT_USAGE,
    add_lang,
    choose_language,
    complain,
    learner_file,
    open_store,
    parse,
)
from exercises.errors import GraderError, UsageError
from exercises.exercise_cli import exercise_main
from exercises.runner import DEFAULT_TIMEOUT, Grades, Worker
from quiz.l10n import N_, _
from quiz.pipes import quiet_broken_pipe

if TYPE_CHECKING:
    from exercises.api import Grader
    from exercises.results import GradeResult
    from quiz.store import Store

__all__ = [
    "EXIT_FAILED",
    "EXIT_GRADER",
    "EXIT_PASSED",
    "EXIT_USAGE",
    "exercise_main",
    "main",
]

GRADE_EPILOG = N_("""\
examples:
  grade exercise lstm_cell                 grade your file (created from the starter if new)
  grade exercise lstm_cell --seed 4242     the same random inputs as an earlier run
  grade exercise gru_cell --watch          re-grade on every save; Ctrl-C stops
  grade exercise --all --json              every exercise, one JSON object per line
  grade exercise lstm_cell --file F --no-record --json   for a script: nothing kept

--json prints one object per graded exercise, on one line each:
  {"exercise", "passed", "device", "seed", "checks": [{"name", "passed", "message"}],
   "diagnosis": null or {"id", "ids", "message"}, "output": what your code printed}
  (ids: every mistake found, e.g. two slips at once; id is the main one)
  (output: terminal control sequences removed, cut to 8 KiB with a "…truncated" line)
exit codes: 0 passed, 1 failed, 2 usage error, 3 the grader itself broke (not your code),
  130 interrupted by Ctrl-C (--watch ends with 0 when Ctrl-C stops it)
""")


def _grade_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=_(
            "Grade your hand-written RNN code (cells, layers, backward passes, decoding)"
            " against PyTorch."
        ),
        epilog=_(GRADE_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ex = commands.add_parser(
        "exercise",
        help=_("grade an exercise"),
        description=_(
            "Run your function and PyTorch's on the same random inputs and compare"
            " shapes, dtypes, values (float64 and float32), gradients, that a second call agrees"
            " and that inputs stay unchanged. A wrong answer is matched against known mistakes,"
            " alone or two at once, and named; a missing term is found by probing."
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
        "--no-record",
        action="store_true",
        help=_(
            "grade without keeping the attempt in your progress (for scripts and editors; the"
            " progress file is not even opened)"
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
    ex.add_argument(
        "--no-server",
        action="store_true",
        help=_(
            "grade in this process instead of through the warm grading server (also"
            " RNNPREP_NO_SERVER=1); see `rnnprep server -h`"
        ),
    )
    add_lang(ex)
    return parser


@quiet_broken_pipe
def main(argv: list[str] | None = None, prog: str = "grade") -> int:
    """The `grade` console script; `rnnprep grade ARGS` calls main(ARGS, prog="rnnprep grade")."""
    choose_language(sys.argv[1:] if argv is None else argv)
    parser = _grade_parser(prog)
    args = parse(parser, argv)
    if isinstance(args, int):
        return args
    args.prog = prog
    if args.check_catalogue:
        args.all = True
    if bool(args.name) == args.all:
        return complain(prog, _("give an exercise NAME or --all (not both)"), EXIT_USAGE)
    if args.all and (args.watch or args.file):
        return complain(
            prog, _("--all grades your workspace files; no --file or --watch"), EXIT_USAGE
        )
    worker = _worker(args)
    worker.start()  # torch loads in the child (or the server starts) while this process goes on
    store: Store | None = None
    try:
        if not (args.no_record or args.check_catalogue):
            store = open_store()  # the process's one store, where every attempt is recorded
        grader = _grader(worker, store)
        if args.check_catalogue:
            return _check_catalogue(args, grader)
        if args.all:
            return _grade_all(args, grader)
        if args.watch:
            return _watch(args, grader)
        return _grade_one(args, grader)
    except UsageError as exc:
        return complain(prog, str(exc), EXIT_USAGE)
    except GraderError as exc:
        return complain(prog, str(exc), EXIT_GRADER)
    except KeyboardInterrupt:
        return complain(prog, _("interrupted"), 130)
    finally:
        worker.close()
        if store is not None:
            store.close()


def _worker(args: argparse.Namespace) -> Grades:
    """The warm grading server's client, unless asked to grade in this process."""
    from exercises import server_client

    if not server_client.wanted(args.no_server):
        return Worker()

    def gone() -> None:
        message = _("the grading server stopped mid-grade; grading again without it")
        print(f"{args.prog}: {message}", file=sys.stderr, flush=True)

    return server_client.ServerWorker(on_gone=gone)


def _show(result: GradeResult, as_json: bool) -> None:
    from exercises import report

    if as_json:
        print(report.as_json(result), flush=True)
    else:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        print(report.human(result, color=color), flush=True)


def _grader(worker: Grades, store: Store | None) -> Grader:
    from exercises.api import Grader

    return Grader(store, worker)


def _grade_one(args: argparse.Namespace, grader: Grader) -> int:
    if args.file is None:
        learner_file(args.name, args.json)
    result = grader.grade(args.name, args.file, args.device, args.seed, args.timeout)
    _show(result, args.json)
    return EXIT_PASSED if result.passed else EXIT_FAILED


def _grade_all(args: argparse.Namespace, grader: Grader) -> int:
    from exercises import catalogue
    from exercises.api import new_seed

    seed = new_seed() if args.seed is None else args.seed
    passed = 0
    names = catalogue.names()
    for name in names:
        learner_file(name, args.json)
        result = grader.grade(name, None, args.device, seed, args.timeout)
        passed += result.passed
        _show(result, args.json)
        if not args.json:
            print()
    if not args.json:
        print(_("{passed}/{total} exercises pass.").format(passed=passed, total=len(names)))
    return EXIT_PASSED if passed == len(names) else EXIT_FAILED


def _watch(args: argparse.Namespace, grader: Grader) -> int:
    import watchfiles

    from exercises.api import new_seed

    path = (args.file or learner_file(args.name, args.json)).resolve()
    if not path.is_file():
        raise UsageError(_("There is no file {path}.").format(path=path))
    seed = new_seed() if args.seed is None else args.seed

    def once() -> None:
        if not args.json:
            when = time.strftime("%H:%M:%S")
            print(_("--- {time} grading {file}").format(time=when, file=path.name), flush=True)
        try:
            result = grader.grade(args.name, path, args.device, seed, args.timeout)
        except UsageError as exc:  # e.g. the file vanished mid-save; wait for the next one
            complain(args.prog, str(exc), EXIT_USAGE)
            return
        _show(result, args.json)
        if not result.recorded and not args.no_record:
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


def _check_catalogue(args: argparse.Namespace, grader: Grader) -> int:
    import json

    from exercises import devcheck
    from exercises.api import new_seed

    seed = new_seed() if args.seed is None else args.seed
    outcomes = devcheck.run(grader, seed, args.timeout)
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
