"""The learner's settings, in `settings.json` in the data folder.

One JSON object with a key per part, so each part changes without touching the others: `lang`
(the interface language, quiz.l10n) and `study` (the study plan and the scheduler, `Study`
below). A value that is missing, of the wrong type or out of range falls back to its default,
and the problem is logged: a hand-edited file never stops the app.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from quiz.l10n import _

if TYPE_CHECKING:
    from fsrs import Scheduler

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
STUDY_KEY = "study"


class Study(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """How reviews are planned (`rnnprep plan`, and the app's plan screen)."""

    # The day of the interview. Reviews are pulled into its last days, and new questions are
    # spread so the whole bank is met before it. None: no date, plain FSRS.
    interview_date: dt.date | None = None
    # The chance of recalling a question when it comes back (FSRS's desired retention).
    # Higher means more reviews.
    desired_retention: float = 0.9
    # At most this many new questions a day. None: as many as the date needs.
    new_per_day: int | None = None
    # A question answered wrong this many times is a leech. It leaves the rotation until the
    # learner has looked at what helps.
    leech_after: int = 8
    # FSRS parameters fitted to this learner's reviews. None: FSRS's defaults.
    fsrs_parameters: tuple[float, ...] | None = None
    # When those parameters were fitted, and on how many reviews.
    optimized_at: dt.datetime | None = None
    optimized_reviews: int = 0

    def fsrs(self) -> Scheduler:
        """The FSRS scheduler these settings describe (its defaults where none were fitted)."""
        from fsrs import Scheduler  # not at start-up: the home screen needs no scheduling

        if self.fsrs_parameters is None:
            return Scheduler(desired_retention=self.desired_retention)
        return Scheduler(parameters=self.fsrs_parameters, desired_retention=self.desired_retention)

    def problem(self) -> str | None:
        """Why these values can't be used (one line, in the interface language), or None."""
        if not 0.7 <= self.desired_retention <= 0.97:
            return _("desired retention must be between 0.70 and 0.97")
        if self.new_per_day is not None and not 1 <= self.new_per_day <= 500:
            return _("new questions per day must be 1 to 500")
        if not 2 <= self.leech_after <= 100:
            return _("a leech must take 2 to 100 wrong answers")
        if self.fsrs_parameters is not None and len(self.fsrs_parameters) != 21:
            return _("FSRS needs 21 parameters")
        return None


def read_file(folder: Path) -> dict[str, Any]:
    """The whole settings object ({} when the file is missing or unreadable)."""
    try:
        settings = json.loads((folder / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return settings if isinstance(settings, dict) else {}


def update_file(folder: Path, key: str, value: Any) -> None:
    """Set one part of the settings, leaving the others as they are (written atomically)."""
    settings = read_file(folder)
    settings[key] = value
    path = folder / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def load_study(folder: Path) -> Study:
    """The study settings; what can't be used is logged and left at its default."""
    raw = read_file(folder).get(STUDY_KEY)
    if not isinstance(raw, dict):
        return Study()
    defaults = msgspec.structs.asdict(Study())
    kept: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in defaults:
            continue
        try:
            candidate = msgspec.convert({**kept, name: value}, Study, strict=False)
        except msgspec.ValidationError as exc:
            log.warning("settings.json: study.%s: %s; using the default", name, exc)
            continue
        if candidate.problem() is not None:
            log.warning("settings.json: study.%s: %s", name, candidate.problem())
            continue
        kept[name] = value
    return msgspec.convert(kept, Study, strict=False)


def save_study(folder: Path, study: Study) -> None:
    update_file(folder, STUDY_KEY, msgspec.to_builtins(study))
