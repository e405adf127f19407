"""The `rnnprep` command: opens the app, or runs one job (bank checks, grading, stats) and exits.

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
from typing import TYPE_CHECKING

from quiz import __version__
from quiz.i18n import LANGS, Lang
from quiz.l10n import (
    ENV,
    N_,
    _,
    choose_language,
    install_argparse,
    ngettext,
    remember_language,
    remembered_language,
    set_language,
)
from quiz.locations import HOME_ENV, data_dir_problem
from quiz.logs import DEFAULT_LEVEL, LEVELS
from quiz.pipes import quiet_broken_pipe
from quiz.store import StoreError

if TYPE_CHECKING:
    from quiz.interview.scripts import Script

log = logging.getLogger(__name__)

DESCRIPTION = N_("""\
Interview prep for recurrent neural networks (RNN, LSTM, GRU).

With no command, opens the app on the home screen. Progress is kept in a SQLite file in your
user data folder (see --data-dir); every answer is saved the moment you give it.
""")

EPILOG = N_("""\
examples:
  rnnprep                          open the app
  rnnprep quiz --topic lstm        ten questions on LSTM gates
  rnnprep review                   the questions due today
  rnnprep grade exercise lstm_cell grade your hand-written LSTM cell against PyTorch
  rnnprep bank check --json        validate every question bank and print counts
  rnnprep doctor                   versions, paths, torch's device, grader check (bug reports)
""")


class Parser(argparse.ArgumentParser):
    """argparse with full-width colons after its section headings when they are Chinese
    (argparse writes `heading:` itself; its words come from the catalogue, see install_argparse)."""

    def format_help(self) -> str:
        text = super().format_help()
        for group in self._action_groups:
            title = group.title or ""
            if title and not title.isascii():
                text = text.replace(f"\n{title}:\n", f"\n{title}：\n")
        return text


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="rnnprep",
        description=_(DESCRIPTION),
        epilog=_(EPILOG),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"rnnprep {__version__}",
        help=_("show program's version number and exit"),
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="PATH",
        help=_("where progress is kept (default: the user data folder, or ${env})").format(
            env=HOME_ENV
        ),
    )
    parser.add_argument(
        "--lang",
        choices=LANGS,
        help=_(
            "language of the interface, questions and explanations (zh-Hans is converted from"
            " zh-Hant); also ${env}; remembered for the next start"
        ).format(env=ENV),
    )
    parser.add_argument(
        "--log-level",
        choices=LEVELS,
        default=DEFAULT_LEVEL,
        type=str.upper,
        help=_("how much goes to the log file {file} in the data folder (default: {level})").format(
            file="rnnprep.log", level=DEFAULT_LEVEL
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    quiz = sub.add_parser("quiz", help=_("take a quiz: due questions first, then new ones"))
    _add_selection(quiz)
    review = sub.add_parser("review", help=_("answer the questions that are due now"))
    review.add_argument("--count", type=_positive, default=50, help=_("at most this many"))
    practice = sub.add_parser(
        "practice",
        help=_("cram: any questions, schedule untouched (works when nothing is due)"),
    )
    _add_selection(practice)

    mock = sub.add_parser("mock", help=_("sit a timed mock interview and get a report"))
    mock.add_argument(
        "--minutes", type=int, choices=(30, 45), default=30, help=_("length of the interview")
    )
    mock.add_argument(
        "--level", choices=("junior", "senior"), default="junior", help=_("junior or senior")
    )
    mock.add_argument(
        "--script", help=_("a script id from data/interviews (default: chosen for you)")
    )
    mock.add_argument(
        "--report", type=Path, metavar="PATH", help=_("where to save the Markdown report")
    )
    stats = sub.add_parser("stats", help=_("progress: mastery, history, forecast"))
    stats.add_argument(
        "--json", action="store_true", help=_("print the numbers as one JSON object")
    )

    bank = sub.add_parser("bank", help=_("question bank tools"))
    bank_sub = bank.add_subparsers(dest="bank_command", metavar="BANK_COMMAND", required=True)
    check = bank_sub.add_parser(
        "check", help=_("validate every bank; print counts; exit 1 on any error")
    )
    check.add_argument("--json", action="store_true", help=_("print one JSON object"))
    check.add_argument("--dir", type=Path, help=_("check the banks in this folder instead"))
    bank_sub.add_parser("flagged", help=_("list the questions you flagged as wrong or unclear"))

    sub.add_parser(
        "grade",
        help=_("grade a coding exercise (same as the `grade` command; see `rnnprep grade -h`)"),
        add_help=False,
    )
    sub.add_parser("exercise", help=_("list, show, hint or reset coding exercises"), add_help=False)
    doctor = sub.add_parser(
        "doctor",
        help=_("check the install: versions, paths, torch and its device, banks, the grader"),
    )
    doctor.add_argument(
        "--json", action="store_true", help=_("print one JSON object (attach it to bug reports)")
    )
    return parser


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--topic", help=_("only this topic id (see `rnnprep bank check`)"))
    p.add_argument("--count", type=_positive, default=10, help=_("number of questions (10)"))
    p.add_argument(
        "--difficulty", type=int, choices=(1, 2, 3), action="append", help=_("repeatable")
    )
    p.add_argument("--tag", action="append", help=_("only questions with this tag (repeatable)"))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return value


# Subcommands that hand the rest of the line to another program's parser.
_PASS_THROUGH = {"grade", "exercise"}
# Options before the command that take a value (the next word is not the command).
_VALUED = ("--data-dir", "--lang", "--log-level")


def _split_pass_through(argv: list[str]) -> tuple[list[str], list[str]]:
    """Cut the line after `grade`/`exercise`, which the grader's own parser reads."""
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
    return run_app(args)


def run_app(args: argparse.Namespace) -> int:
    """Open the TUI, straight into a quiz when a quiz command was given."""
    topic = getattr(args, "topic", None)
    if topic is not None:
        found, problem = resolve_topic(topic)
        if problem is not None:
            return _fail(problem, code=2)
        args.topic = found

    not_a_terminal = [
        name for name, stream in (("stdin", sys.stdin), ("stdout", sys.stdout)) if not _tty(stream)
    ]
    if not_a_terminal:  # a script or a pipe: the full-screen app would wait forever
        command = f"rnnprep {args.command}" if args.command else "rnnprep"
        message = ngettext(
            "{command} opens the full-screen app, but {streams} is not a terminal.",
            "{command} opens the full-screen app, but {streams} are not terminals.",
            len(not_a_terminal),
        ).format(command=command, streams=_(" and ").join(not_a_terminal))
        advice = {
            "stats": _("For scripts, use `rnnprep stats --json`."),
            "mock": "",
        }.get(args.command, _("For scripts, use `rnnprep bank check --json` or `grade --json`."))
        if advice:  # a space between sentences in English, none in Chinese
            message = _("{problem} {advice}").format(problem=message, advice=advice)
        return _fail(message, code=2)

    from quiz.tui.app import RnnPrepApp, StartRequest

    start = None
    if args.command == "mock":
        options = {"minutes": args.minutes, "level": args.level, "script": args.script}
        start = StartRequest("mock", options={**options, "report_path": args.report})
    elif args.command == "stats":
        start = StartRequest("stats")
    elif args.command in ("quiz", "review", "practice"):
        start = StartRequest(
            mode=args.command,
            topic=getattr(args, "topic", None),
            count=args.count,
            difficulty=getattr(args, "difficulty", None),
            tags=getattr(args, "tag", None),
        )
    app = RnnPrepApp(lang=args.lang, start=start)
    app.run()
    return app.return_code or 0


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def resolve_topic(name: str) -> tuple[str | None, str | None]:
    """A topic id as typed (any case), or a one-line problem naming the closest ids and all."""
    import difflib

    from quiz.bank import load_bank

    topics = list(load_bank().topics)
    by_case = {t.casefold(): t for t in topics}
    if name.casefold() in by_case:
        return by_case[name.casefold()], None
    close = difflib.get_close_matches(name.casefold(), topics, n=2, cutoff=0.5)
    hint = _(" Did you mean {names}?").format(names=_(" or ").join(close)) if close else ""
    problem = _("unknown topic {name!r}.{hint} Topics: {topics}").format(
        name=name, hint=hint, topics=", ".join(topics)
    )
    return None, problem


# The headings of `rnnprep bank check`'s counts (the JSON keeps the English keys).
BY_HEADINGS = {
    "topic": N_("topic"),
    "type": N_("type"),
    "difficulty": N_("difficulty"),
    "single answer position": N_("single answer position"),
    "multi answer positions": N_("multi answer positions"),
    "spot_error answer line": N_("spot_error answer line"),
    "truefalse answer": N_("truefalse answer"),
    "single right option is the longest": N_("single right option is the longest"),
    "language": N_("language"),
}


def bank_check(directory: Path | None, as_json: bool) -> int:
    """Validate every bank and interview script; counts by topic, type, difficulty, language."""
    from quiz.bank import BankProblem, load_bank
    from quiz.locations import questions_dir

    bank = load_bank(directory)
    problems = list(bank.problems)
    if not bank.questions and not problems:  # a lost bank must not pass as a clean, empty one
        folder = directory or questions_dir()
        problems.append(BankProblem(folder, None, None, f"no questions found in {folder}"))
    counts = bank.counts()
    total = len(bank.questions)
    counts["language"] = {"en": total, "zh-Hant": total, "zh-Hans": total}
    scripts: list[Script] = []
    if directory is None:  # scripts refer to the shipped bank's ids
        from quiz.interview.scripts import load_scripts

        scripts, script_problems = load_scripts(bank=bank)
        problems += script_problems
    levels = {level: sum(s.level == level for s in scripts) for level in ("junior", "senior")}
    if as_json:
        report = {
            "ok": not problems,
            "questions": total,
            "topics": sorted(bank.topics),
            "counts": counts,
            "interviews": {"scripts": len(scripts), "levels": levels},
            "problems": [
                {
                    "file": str(p.file),
                    "line": p.line,
                    "question_id": p.question_id,
                    "message": p.message,
                }
                for p in problems
            ],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        topics = ngettext("{n} topic", "{n} topics", len(bank.topics)).format(n=len(bank.topics))
        print(
            ngettext("{n} question in {topics}", "{n} questions in {topics}", total).format(
                n=total, topics=topics
            )
        )
        for heading, table in counts.items():
            cells = ", ".join(f"{k}: {v}" for k, v in sorted(table.items()))
            label = _(BY_HEADINGS.get(heading, heading))
            print(_("  by {heading}: {cells}").format(heading=label, cells=cells))
        if scripts:
            print(
                ngettext(
                    "{n} interview script: {junior} junior, {senior} senior",
                    "{n} interview scripts: {junior} junior, {senior} senior",
                    len(scripts),
                ).format(n=len(scripts), junior=levels["junior"], senior=levels["senior"])
            )
        for problem in problems:
            print(_("error: {problem}").format(problem=problem), file=sys.stderr)
        if problems:
            print(
                ngettext("{n} problem found", "{n} problems found", len(problems)).format(
                    n=len(problems)
                ),
                file=sys.stderr,
            )
    return 1 if problems else 0


def bank_flagged() -> int:
    """The questions the learner flagged, newest last."""
    from quiz.locations import db_path
    from quiz.store import Store

    flags = Store(db_path()).flags()
    if not flags:
        print(_("No flagged questions."))
    for flag in flags:
        note = f"  {flag.note}" if flag.note else ""
        print(f"{flag.created_at:%Y-%m-%d %H:%M}  {flag.question_id}{note}")
    return 0
