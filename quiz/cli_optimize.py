"""`rnnprep optimize`: fit FSRS's parameters to the learner's own reviews (quiz.fsrs_fit), show
them beside those in use with how well each predicts the reviews, and keep the fitted ones."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from quiz.l10n import _

if TYPE_CHECKING:
    from quiz.fsrs_fit import FitResult


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
    import msgspec

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
        study = msgspec.structs.replace(
            study,
            fsrs_parameters=result.after,
            optimized_at=now_utc(),
            optimized_reviews=result.reviews,
        )
        save_study(folder, study)
    if args.json:
        report = {
            "status": "saved" if saved else ("dry_run" if args.dry_run else "kept"),
            **result.to_json(),
            "scheduler": fsrs_fit.scheduler_json(study),
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(describe(result))
    if saved:
        print(_("Saved: the schedule uses the fitted parameters from now on."))
    elif args.dry_run:
        print(_("Dry run: the parameters in use are kept."))
    else:
        print(_("The fitted parameters predict your reviews no better; kept those in use."))
    return 0


def describe(result: FitResult) -> str:
    """The parameters in use and fitted side by side, three to a line, then the expected
    retention of each against the recall the learner really had."""
    lines = [_("FSRS parameters (in use → fitted):"), *table(result.before, result.after)]
    b, a = result.before_calibration, result.after_calibration
    lines += [
        _("On your {count} reviews you recalled {recalled:.1%}.").format(
            count=result.reviews, recalled=result.recalled
        ),
        _("Expected retention in use: {predicted:.1%} (log loss {loss:.3f})").format(
            predicted=b.predicted, loss=b.log_loss
        ),
        _("Expected retention fitted: {predicted:.1%} (log loss {loss:.3f})").format(
            predicted=a.predicted, loss=a.log_loss
        ),
    ]
    return "\n".join(lines)


def table(before: Sequence[float], after: Sequence[float], per_line: int = 3) -> list[str]:
    rows = (len(before) + per_line - 1) // per_line
    lines = []
    for row in range(rows):
        cells = [
            f"w{i:<3}{before[i]:8.4f} → {after[i]:<8.4f}" for i in range(row, len(before), rows)
        ]
        lines.append("  " + "   ".join(cells).rstrip())
    return lines
