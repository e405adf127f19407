"""A personal scheduler: FSRS's parameters fitted to the learner's own reviews.

The fit is the `fsrs` package's optimizer, which needs torch: it runs in a process of its own
(`python -m quiz.fsrs_fit_worker --db PATH`, one JSON line out), so torch never loads where the
app runs. This module is the plain side: which reviews count, how many more are needed, starting
the fit and reading its answer, and how well a set of parameters predicts the learner's log.

Which reviews count: answers given in schedule-keeping sittings (quiz, review, interviews) to
questions the schedule holds a card for. Practice answers leave the schedule alone, and so stay
out of the fit too. Of those, the optimizer learns from a review of a question at least a day
after its previous review, among each question's first MAX_PER_QUESTION reviews; with fewer
than MIN_REVIEWS of them (its mini-batch) it returns FSRS's defaults unchanged, so no fit is
started before then.

"Expected retention" is the calibration of the model on the learner's own log, computed the way
the optimizer scores it: for every counted review, the recall probability the parameters
predicted at that moment, against whether the learner recalled it (any rating but Again). A set
of parameters that fits predicts on average the recall rate the learner really had, with a lower
log loss (the optimizer's objective).
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import msgspec
from fsrs import Card, Rating, ReviewLog, Scheduler

from quiz import torch_child
from quiz.l10n import _, current_language, ngettext
from quiz.settings import Study
from quiz.store import Store

MIN_REVIEWS = 512  # fsrs.optimizer's mini-batch: with fewer counted reviews it fits nothing
MAX_PER_QUESTION = 64  # fsrs.optimizer learns from each card's first 64 reviews only
TIMEOUT_S = 900.0  # torch's import plus 5 epochs; a few seconds for a thousand reviews
WORKER = "quiz.fsrs_fit_worker"


class FitError(Exception):
    """The fit could not run (too few reviews, or its process failed); the message is for the
    learner, in the interface language."""


@dataclass(frozen=True)
class Calibration:
    """How well parameters predict the counted reviews (see the module's docstring)."""

    predicted: float  # mean predicted recall probability, 0-1
    log_loss: float  # mean binary cross-entropy, the optimizer's objective


@dataclass(frozen=True)
class FitResult:
    """Parameters before (those in use) and after (fitted), and how well each predicts the
    learner's log: `recalled` is the recall rate the learner really had on the `reviews` counted
    reviews, `before`/`after_calibration` what each set of parameters expected."""

    before: tuple[float, ...]
    after: tuple[float, ...]
    reviews: int
    recalled: float
    before_calibration: Calibration
    after_calibration: Calibration

    @property
    def improves(self) -> bool:
        """The fitted parameters predict the log better (a lower log loss)."""
        return self.after_calibration.log_loss < self.before_calibration.log_loss

    def to_json(self) -> dict[str, Any]:
        return {
            "reviews": self.reviews,
            "recalled": self.recalled,
            "before": {"parameters": list(self.before), **asdict(self.before_calibration)},
            "after": {"parameters": list(self.after), **asdict(self.after_calibration)},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FitResult:
        return cls(
            before=tuple(float(v) for v in data["before"]["parameters"]),
            after=tuple(float(v) for v in data["after"]["parameters"]),
            reviews=int(data["reviews"]),
            recalled=float(data["recalled"]),
            before_calibration=Calibration(
                float(data["before"]["predicted"]), float(data["before"]["log_loss"])
            ),
            after_calibration=Calibration(
                float(data["after"]["predicted"]), float(data["after"]["log_loss"])
            ),
        )


def card_id(question_id: str) -> int:
    """A stable positive integer per question (FSRS's cards are numbered)."""
    return int.from_bytes(hashlib.blake2b(question_id.encode(), digest_size=6).digest(), "big")


def review_logs(store: Store) -> list[ReviewLog]:
    """Every schedule-keeping review, oldest first, as FSRS's review logs."""
    return [
        ReviewLog(
            card_id=card_id(review.question_id),
            rating=Rating(review.rating),
            review_datetime=review.answered_at,
            review_duration=max(0, round(review.elapsed_s * 1000)),
        )
        for review in store.schedule_reviews()
    ]


def _histories(logs: Sequence[ReviewLog]) -> dict[int, list[ReviewLog]]:
    """Each card's first MAX_PER_QUESTION reviews in time order, as the optimizer sees them."""
    by_card: dict[int, list[ReviewLog]] = {}
    for log in logs:
        by_card.setdefault(log.card_id, []).append(log)
    return {
        cid: sorted(history, key=lambda log: log.review_datetime)[:MAX_PER_QUESTION]
        for cid, history in sorted(by_card.items())
    }


def _counted(logs: Sequence[ReviewLog]) -> list[ReviewLog]:
    """The reviews the optimizer learns from: at least a day after the card's previous one."""
    return [
        later
        for history in _histories(logs).values()
        for earlier, later in pairwise(history)
        if (later.review_datetime - earlier.review_datetime).days > 0
    ]


def counted(logs: Sequence[ReviewLog]) -> int:
    return len(_counted(logs))


def reviews_needed(store: Store) -> int:
    """How many more counted reviews before a fit can run (0: it can)."""
    return max(0, MIN_REVIEWS - counted(review_logs(store)))


def recall_rate(logs: Sequence[ReviewLog]) -> float:
    """The share of counted reviews the learner recalled (rated above Again)."""
    done = _counted(logs)
    return sum(log.rating != Rating.Again for log in done) / len(done) if done else math.nan


def calibration(logs: Sequence[ReviewLog], parameters: Sequence[float]) -> Calibration:
    """What `parameters` expected on the counted reviews: mean predicted recall and log loss."""
    pairs = _predictions(logs, parameters)
    if not pairs:
        return Calibration(math.nan, math.nan)
    loss = sum(_cross_entropy(p, y) for p, y in pairs)
    return Calibration(sum(p for p, _y in pairs) / len(pairs), loss / len(pairs))


def _cross_entropy(predicted: float, recalled: int) -> float:
    """-log of the probability given to what happened, at most 100 (as torch's BCELoss)."""
    given = predicted if recalled else 1.0 - predicted
    return -max(math.log(given), -100.0) if given > 0 else 100.0


def _predictions(logs: Sequence[ReviewLog], parameters: Sequence[float]) -> list[tuple[float, int]]:
    """(predicted recall probability, recalled 0/1) for each counted review, replaying every
    card's history through FSRS with `parameters` as the optimizer does."""
    scheduler = Scheduler(parameters=parameters, enable_fuzzing=False)
    pairs = []
    for cid, history in _histories(logs).items():
        card = Card(card_id=cid, due=history[0].review_datetime)
        for log in history:
            at = log.review_datetime
            if card.last_review is not None and (at - card.last_review).days > 0:
                predicted = float(scheduler.get_card_retrievability(card, current_datetime=at))
                pairs.append((predicted, int(log.rating != Rating.Again)))
            card, _log = scheduler.review_card(card, log.rating, review_datetime=at)
    return pairs


def parameters_in_use(study: Study) -> tuple[float, ...]:
    """The parameters the schedule runs on: the fitted ones, or FSRS's defaults."""
    return tuple(float(v) for v in study.fsrs().parameters)


def scheduler_json(study: Study) -> dict[str, Any]:
    """Which FSRS parameters the schedule uses (`rnnprep stats --json`, `optimize --json`)."""
    fitted = study.fsrs_parameters is not None
    return {
        "parameters": list(parameters_in_use(study)),
        "source": "fitted" if fitted else "default",
        "fitted_at": study.optimized_at.isoformat() if fitted and study.optimized_at else None,
        "fitted_on_reviews": study.optimized_reviews if fitted else None,
        "desired_retention": study.desired_retention,
    }


def needed_message(needed: int) -> str:
    return ngettext(
        "{count} more review needed before FSRS can be fitted to you ({min} in all).",
        "{count} more reviews needed before FSRS can be fitted to you ({min} in all).",
        needed,
    ).format(count=needed, min=MIN_REVIEWS)


def start(db_path: Path, parameters: Sequence[float] | None = None) -> subprocess.Popen[str]:
    """The fit of the reviews in the store at `db_path`, started in a process of its own (end
    it to cancel). `parameters` are those in use, to compare with (default FSRS's)."""
    args = ["--db", str(db_path), "--lang", current_language()]
    if parameters is not None:
        args += ["--parameters", json.dumps(list(parameters))]
    return torch_child.start(WORKER, *args)


def finish(proc: subprocess.Popen[str]) -> FitResult:
    """The result of a started fit (FitError if there were too few reviews or it failed)."""
    try:
        out = torch_child.output(proc, TIMEOUT_S)
    except torch_child.ChildFailed as exc:
        if exc.timed_out:
            raise FitError(_("the fit took too long")) from None
        raise FitError(_("the fit failed: {reason}").format(reason=exc)) from None
    lines = [line for line in out.splitlines() if line.strip()]
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise FitError(_("the fit failed: {reason}").format(reason=_("no answer")))
    if data.get("error") == "too_few":
        raise FitError(needed_message(MIN_REVIEWS - int(data["reviews"])))
    if data.get("error") == "unavailable":
        raise FitError(_("the optimizer cannot run: {reason}").format(reason=data["reason"]))
    if data.get("error") == "no_fit":
        raise FitError(_("the optimizer found no parameters that fit your reviews"))
    return FitResult.from_json(data)


def fit(db_path: Path, parameters: Sequence[float] | None = None) -> FitResult:
    """Fit and wait (seconds for a thousand reviews)."""
    return finish(start(db_path, parameters))


def adopted(study: Study, result: FitResult, now: datetime) -> Study:
    """`study` with the fitted parameters in use (keep it only when `result.improves`)."""
    return msgspec.structs.replace(
        study, fsrs_parameters=result.after, optimized_at=now, optimized_reviews=result.reviews
    )


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
