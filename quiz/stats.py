"""Every number the stats screen and `rnnprep stats --json` show, computed from the store.

Plain Python, no UI: `compute_stats(bank, store, at)` returns a `Stats`, `Stats.to_json()` turns it
into the documented JSON object and `stats_json()` does both for the shipped bank and the user's
progress file.

Days are the learner's local calendar days: every timestamp (kept in UTC by the store) is converted
to the local time zone (`tz`, default the system's) before it is grouped by day or week, so a review
at 23:30 counts for the day the learner lived it. Weeks start on Monday.

Which questions count where:
- topic rows and the due forecast cover questions still in the bank (a card left behind by a
  removed question is never asked again);
- the heatmap, accuracy over time and answer-button counts cover every review ever kept,
  practice-mode answers included.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

from quiz.bank import Bank
from quiz.i18n import Lang
from quiz.progress import topic_progress
from quiz.settings import Study
from quiz.store import Review, Store, now_utc

HEATMAP_WEEKS = 18
FORECAST_DAYS = 14
BUTTONS = ("again", "hard", "good", "easy")  # reviews.rating 1-4, as fsrs.Rating numbers them


@dataclass(frozen=True)
class TopicMastery:
    """One topic: how much is seen, how well it would be recalled now, how often it was right."""

    topic: str
    title: str
    questions: int
    seen: int  # questions answered at least once (practice included)
    retrievability: float | None  # mean FSRS recall probability (0-1) of seen cards at `at`
    accuracy: float | None  # share of answers right; None before the first answer
    due: int  # due now (at `at`)


@dataclass(frozen=True)
class DailyReviews:
    """Reviews per local day from `start` (a Monday) to `end` (today); `counts` skips empty days."""

    start: date
    end: date
    counts: dict[date, int]

    def days(self) -> list[date]:
        return [self.start + timedelta(d) for d in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class WeekAccuracy:
    week: date  # the Monday starting the week
    answered: int
    correct: int
    credit: float  # partial answers count by their score, as in the quiz summary

    @property
    def accuracy(self) -> float:
        return self.credit / self.answered


@dataclass(frozen=True)
class ForecastDay:
    day: date
    due: int  # day 0 includes everything overdue


@dataclass(frozen=True)
class ExerciseCounts:
    """Coding exercises: `total` from the catalogue (None when it cannot be read)."""

    total: int | None
    attempted: int
    solved: int  # latest attempt passing
    status: dict[str, str]  # exercise -> "passing" | "failing", graded ones only


@dataclass(frozen=True)
class InterviewScore:
    day: date  # local day the interview ended
    script: str
    level: str
    score: float  # 0-1


@dataclass(frozen=True)
class Stats:
    at: datetime
    today: date
    questions: int
    seen: int
    reviews: int
    correct: int
    credit: float  # the sum of scores: accuracy counts a 75% answer as 0.75, like the summary
    topics: list[TopicMastery]
    reviews_per_day: DailyReviews
    accuracy_per_week: list[WeekAccuracy]
    due_forecast: list[ForecastDay]
    buttons: dict[str, int]  # BUTTONS -> count
    exercises: ExerciseCounts
    interviews: list[InterviewScore]  # finished ones, in the order they ended

    @property
    def accuracy(self) -> float | None:
        return self.credit / self.reviews if self.reviews else None

    def to_json(self) -> dict[str, Any]:
        """The object `rnnprep stats --json` prints; dates are ISO strings."""
        return {
            "generated_at": self.at.isoformat(),
            "today": self.today.isoformat(),
            "totals": {
                "questions": self.questions,
                "seen": self.seen,
                "reviews": self.reviews,
                "correct": self.correct,
                "credit": self.credit,
                "accuracy": self.accuracy,
            },
            "topics": [
                {
                    "topic": t.topic,
                    "title": t.title,
                    "questions": t.questions,
                    "seen": t.seen,
                    "retrievability": t.retrievability,
                    "accuracy": t.accuracy,
                    "due": t.due,
                }
                for t in self.topics
            ],
            "reviews_per_day": {
                "start": self.reviews_per_day.start.isoformat(),
                "end": self.reviews_per_day.end.isoformat(),
                "counts": {d.isoformat(): n for d, n in self.reviews_per_day.counts.items()},
            },
            "accuracy_per_week": [
                {
                    "week": w.week.isoformat(),
                    "answered": w.answered,
                    "correct": w.correct,
                    "credit": w.credit,
                    "accuracy": w.accuracy,
                }
                for w in self.accuracy_per_week
            ],
            "due_forecast": [{"date": f.day.isoformat(), "due": f.due} for f in self.due_forecast],
            "answer_buttons": dict(self.buttons),
            "exercises": {
                "total": self.exercises.total,
                "attempted": self.exercises.attempted,
                "solved": self.exercises.solved,
                "status": dict(self.exercises.status),
            },
            "interviews": [
                {"date": i.day.isoformat(), "script": i.script, "level": i.level, "score": i.score}
                for i in self.interviews
            ],
        }


def compute_stats(
    bank: Bank,
    store: Store,
    at: datetime | None = None,
    *,
    lang: Lang = "en",
    tz: tzinfo | None = None,
    exercise_names: list[str] | None = None,
    study: Study | None = None,
) -> Stats:
    """Every figure at the moment `at` (default now), grouped by local days of `tz`.

    `exercise_names` is the exercise catalogue (default: read from exercises/); `study` gives
    the FSRS parameters that recall is predicted with (default: FSRS's own).
    """
    moment = at or now_utc()

    def local_day(t: datetime) -> date:
        return t.astimezone(tz).date()

    today = local_day(moment)
    reviews = store.reviews()
    cards = store.cards()

    # per topic: progress.py's counts plus the mean retrievability of the seen cards
    recall: dict[str, list[float]] = {}
    if cards:
        from quiz.scheduler import Spacing  # fsrs only when there is a card to read

        spacing = Spacing(study)
        for qid, card_json in cards.items():
            question = bank.questions.get(qid)
            if question is not None:
                recall.setdefault(question.topic, []).append(
                    spacing.retrievability(card_json, moment)
                )
    topics = [
        TopicMastery(
            topic=row.topic,
            title=row.title,
            questions=row.total,
            seen=row.seen,
            retrievability=_mean(recall.get(row.topic)),
            accuracy=row.accuracy,
            due=row.due,
        )
        for row in topic_progress(bank, store, lang, moment)
    ]

    # reviews per day over the last HEATMAP_WEEKS weeks, Monday-aligned columns
    start = today - timedelta(days=today.weekday() + 7 * (HEATMAP_WEEKS - 1))
    review_days = [local_day(r.answered_at) for r in reviews]
    per_day = Counter(d for d in review_days if start <= d <= today)

    # accuracy per week, all history
    weeks: dict[date, list[Review]] = {}
    for review, day in zip(reviews, review_days, strict=True):
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(review)
    accuracy_per_week = [
        WeekAccuracy(week, len(done), sum(r.correct for r in done), sum(r.score for r in done))
        for week, done in sorted(weeks.items())
    ]

    # due forecast: day 0 is today and everything overdue
    forecast = [0] * FORECAST_DAYS
    for qid, due in store.due_dates().items():
        if qid in bank.questions:
            offset = max(0, (local_day(due) - today).days)
            if offset < FORECAST_DAYS:
                forecast[offset] += 1

    ratings = Counter(r.rating for r in reviews)
    buttons = {name: ratings.get(i, 0) for i, name in enumerate(BUTTONS, start=1)}

    status = {name: s.status for name, s in sorted(store.exercise_status().items())}
    if exercise_names is None:
        from exercises.catalogue import names  # a folder glob: no YAML, no torch

        exercise_names = names()
    status = {name: s for name, s in status.items() if name in exercise_names}

    finished = sorted(
        ((i, i.score) for i in store.interviews() if i.score is not None),
        key=lambda pair: pair[0].ended_at or pair[0].started_at,
    )
    interviews = [
        InterviewScore(local_day(i.ended_at or i.started_at), i.script, i.level, score)
        for i, score in finished
    ]

    return Stats(
        at=moment,
        today=today,
        questions=sum(t.questions for t in topics),
        seen=sum(t.seen for t in topics),
        reviews=len(reviews),
        correct=sum(r.correct for r in reviews),
        credit=sum(r.score for r in reviews),
        topics=topics,
        reviews_per_day=DailyReviews(start, today, dict(sorted(per_day.items()))),
        accuracy_per_week=accuracy_per_week,
        due_forecast=[ForecastDay(today + timedelta(days=i), n) for i, n in enumerate(forecast)],
        buttons=buttons,
        exercises=ExerciseCounts(
            total=len(exercise_names),
            attempted=len(status),
            solved=sum(s == "passing" for s in status.values()),
            status=status,
        ),
        interviews=interviews,
    )


def stats_json(
    bank_dir: Path | None = None, at: datetime | None = None, lang: Lang = "en"
) -> dict[str, Any]:
    """`rnnprep stats --json`: the shipped bank (or `bank_dir`) against the user's progress.

    Topic titles are in `lang` (the CLI passes the language `--lang` chose). `scheduler` says
    which FSRS parameters the schedule uses: FSRS's defaults, or those `rnnprep optimize` fitted.
    """
    from quiz.bank import load_bank
    from quiz.fsrs_fit import scheduler_json
    from quiz.locations import data_dir, db_path
    from quiz.settings import load_study

    bank = load_bank(bank_dir)
    study = load_study(data_dir())
    store = Store(db_path())
    try:
        out = compute_stats(bank, store, at, lang=lang, study=study).to_json()
    finally:
        store.close()
    return {**out, "scheduler": scheduler_json(study)}


def _mean(values: list[float] | None) -> float | None:
    return sum(values) / len(values) if values else None
