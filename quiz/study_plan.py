"""A study plan that knows the interview date.

Two rules, both from the date (quiz.settings.Study.interview_date):
- every question seen is reviewed once more in the last WINDOW_DAYS days before it: a review
  that would next fall due after the date is brought into that window (`before_interview`),
  spread over its days by card so no day takes them all;
- new questions are spread so the whole bank is met before the window opens (`new_per_day`),
  capped by the learner's own daily limit when one is set.
`standing` sums it up for the home screen and `rnnprep plan`: days left, what is seen, due and
mastered, the daily load the plan implies, and a warning when that load is unrealistic.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from fsrs import Card, State

from quiz.bank import Bank
from quiz.l10n import _, ngettext
from quiz.settings import Study
from quiz.store import Store

WINDOW_DAYS = 3  # the last days before the interview, kept for reviews
NEW_PER_CARD_REVIEWS = 3  # reviews a new question brings in its first week (FSRS's steps)
SECONDS_PER_REVIEW = 40  # an answer with its feedback, on average
TOO_MANY_MINUTES = 120  # a daily load above this is called unrealistic


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, on this machine's clock (an aware datetime)."""
    return dt.datetime.combine(day, dt.time.min).astimezone()


def before_interview(
    due: dt.datetime, reviewed_at: dt.datetime, interview: dt.date, card_id: int
) -> dt.datetime:
    """`due`, or the start of a day in the window before the interview when `due` would miss
    it (or fall late on one of those days, after the learner's sitting)."""
    start = day_start(interview - dt.timedelta(days=WINDOW_DAYS))
    end = day_start(interview)
    if reviewed_at >= start or due < start:  # reviewed in the window already, or due before it
        return due
    if due < end:
        return day_start(due.astimezone().date())
    return start + dt.timedelta(days=card_id % WINDOW_DAYS)


def pull_forward(store: Store, study: Study, now: dt.datetime) -> int:
    """Bring cards already due after the interview into its window (a date just set or moved);
    returns how many moved. Cards reviewed within the window stay as they are."""
    if study.interview_date is None or day_start(study.interview_date) <= now:
        return 0
    moved: dict[dt.datetime, list[str]] = {}
    for question_id, card_json in store.cards().items():
        card = Card.from_dict(json.loads(card_json))
        reviewed = card.last_review or now
        target = before_interview(card.due, reviewed, study.interview_date, card.card_id)
        if target != card.due:
            moved.setdefault(target, []).append(question_id)
    for at, ids in moved.items():
        store.make_due(ids, at, _due_card)
    return sum(len(ids) for ids in moved.values())


def _due_card(card_json: str | None, at: dt.datetime) -> str:
    from quiz.scheduler import due_at

    return due_at(card_json, at)


def introduced_on(store: Store, day: dt.date) -> set[str]:
    """Questions whose first scheduled answer was given on `day` (this machine's calendar)."""
    first: dict[str, dt.datetime] = {}
    scheduled = set(store.cards())
    for review in store.reviews():
        if review.question_id in scheduled and review.question_id not in first:
            first[review.question_id] = review.answered_at
    return {qid for qid, at in first.items() if at.astimezone().date() == day}


def new_per_day(study: Study, unseen: int, today: dt.date) -> tuple[int | None, int | None]:
    """(what the plan allows a day, what meeting the whole bank in time would need); None for
    no limit or no date."""
    need = None
    if study.interview_date is not None:
        days = (study.interview_date - dt.timedelta(days=WINDOW_DAYS) - today).days
        need = math.ceil(unseen / max(days, 1)) if unseen else 0
    limits = [n for n in (need, study.new_per_day) if n is not None]
    return (min(limits) if limits else None), need


@dataclass(frozen=True)
class Today:
    """Where today's new questions stand."""

    seen: set[str]  # questions with a card
    new_today: int  # introduced today so far
    unseen_this_morning: int
    per_day: int | None  # what the plan allows a day (None: no limit)
    needed: int | None  # what meeting the whole bank by the date would need a day


def today(bank: Bank, store: Store, study: Study, now: dt.datetime) -> Today:
    day = now.astimezone().date()
    seen = {qid for qid in store.cards() if qid in bank.questions}
    new_today = len(introduced_on(store, day) & seen)
    unseen = len(bank.questions) - len(seen) + new_today
    per_day, needed = new_per_day(study, unseen, day)
    return Today(seen, new_today, unseen, per_day, needed)


def new_left_today(bank: Bank, store: Store, study: Study, now: dt.datetime) -> int | None:
    """How many new questions today's sittings may still bring (None: no limit)."""
    t = today(bank, store, study, now)
    return None if t.per_day is None else max(0, t.per_day - t.new_today)


@dataclass(frozen=True)
class Standing:
    interview: dt.date | None
    days_left: int | None
    total: int
    seen: int
    due: int
    mastered: int  # in review and still recalled on the day (or today) at the desired retention
    new_today: int  # introduced today so far
    new_per_day: int | None  # what the plan allows a day (None: no limit)
    new_needed: int | None  # what meeting the whole bank by the date would need a day
    load_minutes: float | None  # the daily load the plan implies
    warning: str | None


def standing(bank: Bank, store: Store, study: Study, now: dt.datetime) -> Standing:
    t = today(bank, store, study, now)
    cards = store.cards()
    on_the_day = day_start(study.interview_date) if study.interview_date else now
    days_left = (
        (study.interview_date - now.astimezone().date()).days if study.interview_date else None
    )
    load = _load_minutes(store, t.per_day, now) if t.per_day is not None else None
    return Standing(
        interview=study.interview_date,
        days_left=days_left,
        total=len(bank.questions),
        seen=len(t.seen),
        due=len(set(store.due_ids(now)) & t.seen),
        mastered=_mastered((cards[qid] for qid in t.seen), study, on_the_day),
        new_today=t.new_today,
        new_per_day=t.per_day,
        new_needed=t.needed,
        load_minutes=load,
        warning=_warning(study, days_left, t.per_day, t.needed, load, t.unseen_this_morning),
    )


def _mastered(cards: Iterable[str], study: Study, at: dt.datetime) -> int:
    scheduler = study.fsrs()
    count = 0
    for card_json in cards:
        card = Card.from_dict(json.loads(card_json))
        if card.state == State.Review:
            recall = scheduler.get_card_retrievability(card, current_datetime=at)
            count += recall >= study.desired_retention
    return count


def _load_minutes(store: Store, per_day: int, now: dt.datetime) -> float:
    """Minutes a day: the week's due reviews, averaged, plus each new question and the reviews
    it brings in its first week."""
    week = now + dt.timedelta(days=7)
    due_week = sum(1 for due in store.due_dates().values() if due <= week)
    reviews = due_week / 7 + per_day * (1 + NEW_PER_CARD_REVIEWS)
    return reviews * SECONDS_PER_REVIEW / 60


def _warning(
    study: Study,
    days_left: int | None,
    per_day: int | None,
    needed: int | None,
    load: float | None,
    unseen: int,
) -> str | None:
    if days_left is not None and days_left <= 0:
        return _("The interview date has passed; set the next one with `rnnprep plan --date`.")
    if needed is not None and per_day is not None and per_day < needed and days_left is not None:
        missed = max(unseen - per_day * max(days_left - WINDOW_DAYS, 1), 1)
        return ngettext(
            "At {per_day} new a day, {missed} question stays unseen by the interview; raise the"
            " daily limit or accept it.",
            "At {per_day} new a day, {missed} questions stay unseen by the interview; raise the"
            " daily limit or accept it.",
            missed,
        ).format(per_day=per_day, missed=missed)
    if load is not None and load > TOO_MANY_MINUTES:
        return _(
            "About {minutes} minutes a day: more than most people keep up. A later date, a daily"
            " limit on new questions (`--new-per-day`), or a narrower syllabus would help."
        ).format(minutes=round(load))
    return None


def describe(s: Standing) -> str:
    """The standing in a few lines, as the home screen and `rnnprep plan` show it."""
    lines = []
    if s.interview is not None and s.days_left is not None:
        lines.append(
            ngettext(
                "Interview on {date}: {days} day left.",
                "Interview on {date}: {days} days left.",
                s.days_left,
            ).format(date=s.interview.isoformat(), days=s.days_left)
        )
    else:
        lines.append(_("No interview date (rnnprep plan --date YYYY-MM-DD)."))
    lines.append(
        _("Seen {seen} of {total} · due {due} · mastered {mastered}").format(
            seen=s.seen, total=s.total, due=s.due, mastered=s.mastered
        )
    )
    if s.new_per_day is not None:
        lines.append(
            _("New a day: {per_day} (today {today} so far) · about {minutes} minutes a day").format(
                per_day=s.new_per_day, today=s.new_today, minutes=round(s.load_minutes or 0)
            )
        )
    if s.warning:
        lines.append(_("Warning: {warning}").format(warning=s.warning))
    return "\n".join(lines)
