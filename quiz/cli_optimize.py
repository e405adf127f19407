"""`rnnprep optimize`: fit FSRS's parameters to the learner's own reviews (quiz.fsrs_fit), show
them beside those in use with how well each predicts the reviews, and keep the fitted ones."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from quiz.l10n import _


def add_parser(sub: argparse._SubParsersAction[Any]) -> None:
    parser = sub.add_parser(
        "optimize",
        help=_("fit the scheduler's FSRS parameters to your own reviews"),
        description=_(
            "Fits FSRS's 21 parameters to your reviews with the fsrs optimizer (torch runs in a"
            " process of its own; it takes seconds) and keeps them in settings.json, so the"
            " schedule follows how you really remember. Practice answers do not count. Until"
            " there are enough reviews (512, each at least a day after the question's previous"
            " one) it says how many more are needed. Expected retention is the mean recall"
            " probability each set of parameters predicted for your reviews, against the share"
            " you really recalled; the log loss says which predicts them better."
        ),
    )
    parser.add_argument("--json", action="store_true", help=_("print one JSON object"))
    parser.add_argument(
        "--dry-run", action="store_true", help=_("fit and show, but keep the parameters in use")
    )


def optimize_main(args: argparse.Namespace) -> int:
    from quiz import fsrs_fit
    from quiz.locations import data_dir, db_path
    from quiz.settings import load_study, save_study
    from quiz.store import Store, now_utc

    folder = data_dir()
    study = load_study(folder)
    store = Store(db_path())
    try:
        have = fsrs_fit.counted(fsrs_fit.review_logs(store))
    finally:
        store.close()
    needed = max(0, fsrs_fit.MIN_REVIEWS - have)
    if needed:
        if args.json:
            report = {
                "status": "not_enough_reviews",
                "reviews": have,
                "needed": needed,
                "min_reviews": fsrs_fit.MIN_REVIEWS,
                "scheduler": fsrs_fit.scheduler_json(study),
            }
            print(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            print(fsrs_fit.needed_message(needed))
        return 0
    if not args.json:
        print(
            _("Fitting FSRS to your {count} reviews in a process of its own (seconds)…").format(
                count=have
            ),
            flush=True,
        )
    try:
        result = fsrs_fit.fit(db_path(), fsrs_fit.parameters_in_use(study))
    except fsrs_fit.FitError as exc:
        print(_("rnnprep optimize: {reason}").format(reason=exc), file=sys.stderr)
        return 1
    saved = result.improves and not args.dry_run
    if saved:
        study = fsrs_fit.adopted(study, result, now_utc())
        save_study(folder, study)
    if args.json:
        report = {
            "status": "saved" if saved else ("dry_run" if args.dry_run else "kept"),
            **result.to_json(),
            "scheduler": fsrs_fit.scheduler_json(study),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(fsrs_fit.describe(result))
    if saved:
        print(_("Saved: the schedule uses the fitted parameters from now on."))
    elif args.dry_run:
        print(_("Dry run: the parameters in use are kept."))
    else:
        print(_("The fitted parameters predict your reviews no better; kept those in use."))
    return 0
