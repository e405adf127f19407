"""The records the progress store hands out, and its clock (timezone-aware UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def now_utc() -> datetime:
    """The store's clock: timezone-aware UTC, as FSRS expects."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Review:
    """One answer as the store keeps it."""

    question_id: str
    answered_at: datetime
    elapsed_s: float
    correct: bool
    score: float
    rating: int


@dataclass(frozen=True)
class Flag:
    question_id: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class ExerciseStatus:
    """Where a learner stands on one exercise."""

    exercise: str
    status: str  # "failing" or "passing"; exercises never graded are absent
    attempts: int
    last_attempt: datetime
    last_diagnosis: str | None


@dataclass(frozen=True)
class Interview:
    """One mock interview; `score` (0-1) and `report_path` are set when it ends."""

    id: int
    script: str
    level: str
    started_at: datetime
    ended_at: datetime | None
    score: float | None
    report_path: str | None
