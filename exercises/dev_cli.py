"""`rnnprep dev ...`: tools for exercise authors. `dev new NAME` scaffolds a working exercise
folder from the templates in exercises/scaffold/; `dev check [NAME ...]` runs the dev check
(exercises.devcheck) and says how each file came out.

Both work on the exercises folder quiz.locations names: the shipped one, or $RNNPREP_EXERCISES,
so an author can try a new exercise in a folder of their own.

Exit codes: 0 done (every file as expected); 1 some file not as expected; 2 usage error (a bad
name, an existing folder, an unknown exercise, a bad option); 3 the grader itself broke.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import keyword
import re
import shutil
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
    parse,
)
from exercises.errors import GraderError, UsageError
from exercises.runner import DEFAULT_TIMEOUT, Worker
from quiz.l10n import N_, _, ngettext
from quiz.pipes import quiet_broken_pipe

if TYPE_CHECKING:
    from exercises.devcheck import Outcome

DEV_PROG = "rnnprep dev"
TRACKS = ("torch", "numpy")
SCAFFOLD = "scaffold"  # the templates' folder in the exercises package
TEMPLATE_SUFFIX = ".tmpl"
COMMON = "common"  # templates every track gets; then those of the track's own folder
SPEC_TEMPLATE = "exercise.yaml"  # written last: it is what makes a folder an exercise
# An exercise's name is its folder's and the learner's function's: a lowercase Python name.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")

DEV_EPILOG = N_("""\
examples:
  rnnprep dev new gru_layer                 a new exercise folder that already passes the check
  rnnprep dev new rnn_forward --track numpy the learner writes NumPy instead of torch
  rnnprep dev check gru_layer               check one exercise (or several; none: all of them)
  rnnprep dev check --json                  every exercise, one JSON object per line

The exercises folder is the shipped one, or $RNNPREP_EXERCISES when it is set.
""")

CHECK_EPILOG = N_("""\
--json prints one object per checked file or problem, on one line each:
  {"exercise", "file", "expected": "pass", "not_implemented" or a diagnosis id,
   "got": likewise, or "" when it could not be graded, "ok", "message"}
then one last line {"summary": {"exercises", "files", "ok", "not_ok", "seed", "seconds"}};
the exercises' names go to stderr as their check starts.
exit codes: 0 every file as expected, 1 some file not as expected, 2 usage error,
  3 the grader itself broke
""")


def _dev_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=DEV_PROG,
        description=_(
            "Tools for writing exercises: scaffold a new exercise folder, and check that every"
            " exercise's starter, solution and known mistakes get the verdicts they should."
        ),
        epilog=_(DEV_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_lang(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = commands.add_parser(
        "new",
        help=_("scaffold a new exercise folder that passes the dev check as it is"),
        description=_(
            "Create the folder NAME in the exercises folder with README.md, exercise.yaml,"
            " starter.py, solution.py, grading.py and mistakes/: a small working exercise"
            " (NAME(x, w) = tanh(x @ w.T) with one known mistake) whose TODO comments say what"
            " to replace. NAME is the learner's function too: lowercase letters, digits and _,"
            " starting with a letter."
        ),
    )
    new.add_argument("name", metavar="NAME", help=_("the new exercise's name, e.g. gru_layer"))
    new.add_argument(
        "--track",
        choices=TRACKS,
        default="torch",
        help=_("what the learner writes: torch tensors or NumPy arrays (default: torch)"),
    )
    add_lang(new)
    check = commands.add_parser(
        "check",
        help=_("grade every exercise's starter, solution and mistake files; exit 1 on a surprise"),
        description=_(
            "Check the exercises NAME (all of them by default): each folder is complete and"
            " valid, its grading.py loads, its known mistakes can be told apart, and through the"
            " real grader the starter is graded not_implemented, the solution passes and every"
            " mistake file gets its diagnosis."
        ),
        epilog=_(CHECK_EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("names", nargs="*", metavar="NAME", help=_("exercises to check"))
    check.add_argument("--json", action="store_true", help=_("machine-readable output (see below)"))
    check.add_argument("--seed", type=int, help=_("seed of the random inputs (default: a new one)"))
    check.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=_("seconds each file may run per grading (default: {seconds})").format(
            seconds=f"{DEFAULT_TIMEOUT:g}"
        ),
    )
    add_lang(check)
    return parser


@quiet_broken_pipe
def dev_main(argv: list[str]) -> int:
    """`rnnprep dev ARGS`: new, check."""
    choose_language(argv)
    args = parse(_dev_parser(), argv)
    if isinstance(args, int):
        return args
    try:
        if args.command == "new":
            return _new(args)
        return _check(args)
    except UsageError as exc:
        return complain(DEV_PROG, str(exc), EXIT_USAGE)
    except GraderError as exc:
        return complain(DEV_PROG, str(exc), EXIT_GRADER)
    except KeyboardInterrupt:
        return complain(DEV_PROG, _("interrupted"), 130)


# -- dev new -----------------------------------------------------------------------------------


def check_new_name(name: str, root: Path) -> None:
    """UsageError, saying why, unless `name` can be a new exercise in the folder `root`."""
    if not NAME_PATTERN.fullmatch(name) or keyword.iskeyword(name):
        raise UsageError(
            _(
                "{name} cannot name an exercise: it is the folder's name and the learner's"
                " function's, so it must be a Python name in lowercase snake case (letters a-z,"
                " digits and _, starting with a letter; not a keyword), e.g. gru_layer"
            ).format(name=repr(name))
        )
    if not root.is_dir():
        raise UsageError(_("The exercises folder {path} does not exist.").format(path=root))
    target = root / name
    if target.exists() or target.is_symlink():
        raise UsageError(
            _("{path} already exists: choose another name, or remove it first.").format(path=target)
        )
    clash = root / f"{name}.py"
    if clash.exists():
        raise UsageError(
            _("{name} is taken by the grader's module {path}: choose another name.").format(
                name=repr(name), path=clash
            )
        )


def scaffold_dir() -> Path:
    """The templates, as importlib.resources finds them (a checkout or an installed wheel)."""
    root = importlib.resources.files("exercises") / SCAFFOLD
    if not isinstance(root, Path) or not root.is_dir():
        raise GraderError(f"the exercise templates are missing: {root}")
    return root


def scaffold(name: str, track: str, root: Path) -> Path:
    """Write the exercise `name` of `track` into `root` from the templates and return its folder.

    exercise.yaml, which makes the folder an exercise, is written last; a failure removes the
    folder, so no half-made exercise is left behind.
    """
    check_new_name(name, root)
    templates = scaffold_dir()
    files: dict[str, str] = {}  # path in the new folder -> its text
    for part in (COMMON, track):
        for template in sorted((templates / part).rglob(f"*{TEMPLATE_SUFFIX}")):
            relative = template.relative_to(templates / part).as_posix()
            path = _fill(relative.removesuffix(TEMPLATE_SUFFIX), name, track)
            files[path] = _fill(template.read_text(encoding="utf-8"), name, track)
    target = root / name
    try:
        target.mkdir()
    except FileExistsError:
        raise UsageError(
            _("{path} already exists: choose another name, or remove it first.").format(path=target)
        ) from None
    try:
        for path in sorted(files, key=lambda p: p == SPEC_TEMPLATE):
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_text(files[path], encoding="utf-8")
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def _fill(text: str, name: str, track: str) -> str:
    return text.replace("{{name}}", name).replace("{{track}}", track)


def _new(args: argparse.Namespace) -> int:
    from quiz.locations import exercises_dir

    folder = scaffold(args.name, args.track, exercises_dir())
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    print(
        _("Created {path} ({track} track): {files}.").format(
            path=folder, track=args.track, files=", ".join(files)
        )
    )
    print(
        _(
            "It works as it is ({name}(x, w) = tanh(x @ w.T), one known mistake): replace the"
            " example where its TODO comments say, then check it with"
        ).format(name=args.name)
    )
    print(f"  rnnprep dev check {args.name}")
    return EXIT_PASSED


# -- dev check ---------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    from exercises import catalogue

    names = list(dict.fromkeys(args.names)) or None
    for name in names or ():
        catalogue.check_name(name)  # before the child starts: a typo is a usage error at once
    if args.seed is not None and not 0 <= args.seed < 2**32:
        raise UsageError(_("the seed must be a whole number from 0 to 2**32 - 1"))
    if args.timeout <= 0:
        raise UsageError(_("the time limit must be positive"))
    worker = Worker()
    worker.start()  # torch loads in the child while this process does the rest
    try:
        from exercises import devcheck
        from exercises.api import Grader, new_seed

        seed = new_seed() if args.seed is None else args.seed
        started = time.monotonic()
        outcomes = devcheck.run(
            Grader(None, worker),  # no progress store: the dev check records no attempt
            seed,
            args.timeout,
            names=names,
            progress=lambda name: _progress(name, args.json),
        )
        seconds = time.monotonic() - started
    finally:
        worker.close()
    checked = len(names) if names is not None else len(catalogue.names())
    if args.json:
        for outcome in outcomes:
            print(json.dumps(outcome.as_json(), ensure_ascii=False))
        summary = _summary(outcomes, checked, seed, seconds)
        print(json.dumps({"summary": summary}, ensure_ascii=False), flush=True)
    else:
        _print_outcomes(outcomes)
        print(_summary_line(outcomes, checked, seed, seconds), flush=True)
    return EXIT_PASSED if all(o.ok for o in outcomes) else EXIT_FAILED


def _progress(name: str, as_json: bool) -> None:
    """The exercise whose check starts now: the check takes about a minute in all."""
    print(
        _("checking {name}…").format(name=name),
        file=sys.stderr if as_json else sys.stdout,
        flush=True,
    )


def _files(outcomes: list[Outcome]) -> int:
    """Files graded (a problem with a folder as a whole is an outcome but no file)."""
    return len({o.file for o in outcomes if o.file.suffix == ".py"})


def _summary(outcomes: list[Outcome], checked: int, seed: int, seconds: float) -> dict[str, object]:
    bad = sum(not o.ok for o in outcomes)
    return {
        "exercises": checked,
        "files": _files(outcomes),
        "ok": len(outcomes) - bad,
        "not_ok": bad,
        "seed": seed,
        "seconds": round(seconds, 1),
    }


def _summary_line(outcomes: list[Outcome], checked: int, seed: int, seconds: float) -> str:
    bad = sum(not o.ok for o in outcomes)
    done = ngettext(
        "checked {n} exercise, {files} files in {seconds} s (seed {seed})",
        "checked {n} exercises, {files} files in {seconds} s (seed {seed})",
        checked,
    ).format(n=checked, files=_files(outcomes), seconds=f"{seconds:.1f}", seed=seed)
    if not bad:
        return _("{done}: all as expected.").format(done=done)
    return _("{done}: {bad} not as expected.").format(done=done, bad=bad)


def _print_outcomes(outcomes: list[Outcome]) -> None:
    """One line per outcome: ✓ or ✗, the exercise, the file, what was expected (and, when it
    differs, what came), aligned within each exercise so that short names stay short."""
    by_exercise: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_exercise.setdefault(outcome.exercise, []).append(outcome)
    for group in by_exercise.values():
        files = [_shown_file(o) for o in group]
        width = max(len(f) for f in files)
        for outcome, file in zip(group, files, strict=True):
            mark = "✓" if outcome.ok else "✗"
            verdict = (
                outcome.expected
                if outcome.ok
                else _("expected {expected}, got {got}").format(
                    expected=outcome.expected, got=outcome.got or _("nothing")
                )
            )
            print(f"{mark} {outcome.exercise}  {file:<{width}}  {verdict}".rstrip())
            if not outcome.ok and outcome.message:
                print(f"    {outcome.message}")


def _shown_file(outcome: Outcome) -> str:
    """The file as short as it stays clear: in its exercise's folder, else in the checkout."""
    from quiz.locations import REPO_ROOT, exercises_dir

    for base in (exercises_dir() / outcome.exercise, REPO_ROOT):
        if outcome.file.is_relative_to(base):
            shown = outcome.file.relative_to(base).as_posix()
            return shown if shown != "." else f"{outcome.exercise}/"
    return str(outcome.file)
