"""The `rnnprep` command line as argparse sees it: the options, the subcommands and their help.

Built after the language is chosen (quiz.cli reads --lang ahead of the parser), so every help
text is already translated.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from quiz import __version__
from quiz.cli_export import add_parser as add_export_parser
from quiz.cli_lab import add_parser as add_lab_parser
from quiz.cli_optimize import add_parser as add_optimize_parser
from quiz.cli_plan import add_parser as add_plan_parser
from quiz.i18n import LANGS
from quiz.l10n import ENV, N_, _
from quiz.locations import HOME_ENV
from quiz.logs import DEFAULT_LEVEL, LEVELS
from quiz.serve import DEFAULT_HOST, DEFAULT_PORT

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
  rnnprep serve                    the app in a browser, at http://127.0.0.1:8000
  rnnprep doctor                   versions, paths, torch's device, grader check (bug reports)
  rnnprep dev check                every exercise's files graded as they should be (authors)
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

    sheet = sub.add_parser(
        "cheatsheet",
        help=_("one page of equations, torch vs Keras, parameter formulas and shapes"),
        description=_(
            "Print the cheat sheet in the interface language (--lang picks another): the RNN,"
            " LSTM and GRU equations in PyTorch's conventions, how Keras differs, parameter"
            " formulas with worked counts, and the shapes in and out. Its numbers are computed"
            " and checked against torch. In the app, c opens it with a parameter calculator."
        ),
    )
    sheet.add_argument(
        "--format", choices=("md", "html"), default="md", help=_("Markdown (default) or HTML")
    )
    sheet.add_argument(
        "--output", type=Path, metavar="PATH", help=_("write it to PATH instead of printing it")
    )

    add_lab_parser(sub)
    add_optimize_parser(sub)
    add_plan_parser(sub)
    add_export_parser(sub)

    serve = sub.add_parser(
        "serve",
        help=_("open the app in a web browser (each tab its own app, on this data folder)"),
        description=_(
            "Serve the app over HTTP for a web browser, with textual-serve: every tab runs its"
            " own app on the same data folder. Binds to 127.0.0.1 unless --host says otherwise;"
            " there is no login, so anyone who can reach another address gets your progress."
        ),
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=_("address to listen on (default {host}: this machine only)").format(
            host=DEFAULT_HOST
        ),
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=_("port to listen on (default {port})").format(port=DEFAULT_PORT),
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
    sub.add_parser(
        "dev",
        help=_("for exercise authors: scaffold a new exercise, run the dev check"),
        add_help=False,
    )
    sub.add_parser(
        "server",
        help=_("the warm grading server behind `grade`: status, stop (see `rnnprep server -h`)"),
        add_help=False,
    )
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


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(_("must be a port number from 1 to 65535"))
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(_("must be at least 1"))
    return value
