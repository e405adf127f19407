"""`rnnprep plan`: set the interview date and the study settings, and see where you stand."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

import msgspec

from quiz import study_plan
from quiz.l10n import _, ngettext


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "plan",
        help=_("set the interview date and daily limits; see days left and the daily load"),
        description=_(
            "With no options, prints where you stand: days to the interview, questions seen,"
            " due and mastered, how many new questions a day meet the whole bank in time (the"
            " last 3 days are kept for reviews), the daily load that implies, and your leeches."
            " Options change the plan and are kept in settings.json in the data folder."
        ),
    )
    parser.add_argument(
        "--date",
        type=_date,
        metavar="YYYY-MM-DD",
        help=_("the interview date: reviews due after it are brought into its last 3 days"),
    )
    parser.add_argument("--no-date", action="store_true", help=_("forget the interview date"))
    parser.add_argument(
        "--retention",
        type=float,
        metavar="R",
        help=_("desired retention, 0.70 to 0.97 (default 0.90): higher means more reviews"),
    )
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument(
        "--new-per-day", type=int, metavar="N", help=_("at most N new questions a day")
    )
    limit.add_argument(
        "--no-limit", action="store_true", help=_("as many new questions as the date needs")
    )
    parser.add_argument(
        "--leech-after",
        type=int,
        metavar="N",
        help=_("wrong answers that make a question a leech (default 8)"),
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date like 2026-12-18")) from None


def plan_main(args: argparse.Namespace) -> int:
    from quiz.bank import load_bank
    from quiz.leeches import leeches
    from quiz.locations import data_dir, db_path
    from quiz.settings import load_study, save_study
    from quiz.store import Store, now_utc

    folder = data_dir()
    study = load_study(folder)
    changes: dict[str, Any] = {}
    if args.date is not None:
        changes["interview_date"] = args.date
    if args.no_date:
        changes["interview_date"] = None
    if args.retention is not None:
        changes["desired_retention"] = args.retention
    if args.new_per_day is not None:
        changes["new_per_day"] = args.new_per_day
    if args.no_limit:
        changes["new_per_day"] = None
    if args.leech_after is not None:
        changes["leech_after"] = args.leech_after
    now = now_utc()
    store = Store(db_path())
    try:
        if changes:
            study = msgspec.structs.replace(study, **changes)
            problem = study.problem()
            if problem is not None:
                print(_("rnnprep plan: {reason}").format(reason=problem), file=sys.stderr)
                return 2
            if study.interview_date is not None and study.interview_date <= now.date():
                print(_("rnnprep plan: the interview date must be after today"), file=sys.stderr)
                return 2
            save_study(folder, study)
            moved = study_plan.pull_forward(store, study, now)
            if moved and not args.json:
                print(
                    ngettext(
                        "{count} review due after the interview now falls in its last days.",
                        "{count} reviews due after the interview now fall in its last days.",
                        moved,
                    ).format(count=moved)
                )
        bank = load_bank()
        standing = study_plan.standing(bank, store, study, now)
        found = leeches(bank, store, study)
    finally:
        store.close()
    if args.json:
        report = {
            "study": msgspec.to_builtins(study),
            "standing": msgspec.to_builtins(standing),
            "leeches": [{"id": x.question.id, "wrong": x.wrong} for x in found],
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(study_plan.describe(standing))
    if found:
        print(_("Leeches (out of the rotation until you look at what helps; k in the app):"))
        for leech in found:
            print(_("  {id}: wrong {count} times").format(id=leech.question.id, count=leech.wrong))
    return 0
