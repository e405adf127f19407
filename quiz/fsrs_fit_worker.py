"""The fit's own process: `python -m quiz.fsrs_fit_worker --db PATH [--parameters JSON]`.

Started by quiz.fsrs_fit, never imported by the app: the `fsrs` optimizer loads torch (and
pandas). Reads the store's schedule-keeping reviews, fits FSRS's parameters to them and prints one
JSON line: FitResult.to_json(), or {"error": "too_few", "reviews": N} when fewer than
MIN_REVIEWS reviews count, {"error": "unavailable", "reason": ...} when the optimizer is not
installed, {"error": "no_fit"} when it found no parameters. A store that can't be read is a
failure: a non-zero exit with the reason on stderr, in the language `--lang` names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from fsrs.scheduler import DEFAULT_PARAMETERS

from exercises.runner import ONE_THREAD
from quiz import fsrs_fit
from quiz.i18n import LANGS
from quiz.l10n import set_language
from quiz.store import Store, StoreError


def main(argv: list[str] | None = None) -> int:
    # One thread, as the grader's children: set before torch loads (fsrs_fit.start sets it too).
    for name, value in ONE_THREAD.items():
        os.environ.setdefault(name, value)
    parser = argparse.ArgumentParser(prog="python -m quiz.fsrs_fit_worker")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--parameters", type=json.loads, default=None)
    parser.add_argument("--lang", choices=LANGS, default="en")
    args = parser.parse_args(argv)
    set_language(args.lang)

    try:
        store = Store(args.db)
        try:
            logs = fsrs_fit.review_logs(store)
        finally:
            store.close()
    except StoreError as exc:  # locked past the wait, unreadable, a newer schema
        print(exc, file=sys.stderr)
        return 1
    reviews = fsrs_fit.counted(logs)
    if reviews < fsrs_fit.MIN_REVIEWS:
        print(json.dumps({"error": "too_few", "reviews": reviews}))
        return 0
    try:
        from fsrs.optimizer import Optimizer

        optimizer = Optimizer(logs)
    except ImportError as exc:
        print(json.dumps({"error": "unavailable", "reason": str(exc).splitlines()[0]}))
        return 0
    fitted = optimizer.compute_optimal_parameters()
    if fitted is None:  # every epoch's loss was NaN
        print(json.dumps({"error": "no_fit"}))
        return 0
    after = tuple(float(v) for v in fitted)
    before = tuple(args.parameters) if args.parameters else tuple(DEFAULT_PARAMETERS)
    result = fsrs_fit.FitResult(
        before=before,
        after=after,
        reviews=reviews,
        recalled=fsrs_fit.recall_rate(logs),
        before_calibration=fsrs_fit.calibration(logs, before),
        after_calibration=fsrs_fit.calibration(logs, after),
    )
    print(json.dumps(result.to_json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
