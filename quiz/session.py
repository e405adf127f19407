"""A sitting of questions: which questions, in what order, and recording each answer at once.

Modes: `quiz` (due cards first, then new ones, then the weakest), `review` (due cards only) and
`practice` (any matching questions; answers are kept but the schedule is left alone, so cramming
works when nothing is due). Each sitting's topics and question types are interleaved
(quiz.interleave).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from fsrs import Rating

from quiz.bank import Bank
from quiz.engine import FreeAnswer, Outcome, Posed, check, pose
from quiz.i18n import Lang
from quiz.interleave import interleave
from quiz.leeches import leech_ids
from quiz.questions import Question
from quiz.scheduler import Spacing, suggest_rating
from quiz.settings import Study
from quiz.store import Store, now_utc
from quiz.study_plan import new_left_today

Mode = Literal["quiz", "review", "practice"]


def plan(
    bank: Bank,
    store: Store,
    mode: Mode,
    *,
    topic: str | None = None,
    count: int = 10,
    difficulty: Iterable[int] | None = None,
    tags: Iterable[str] | None = None,
    rng: random.Random | None = None,
    at: datetime | None = None,
    question_ids: Iterable[str] | None = None,
    study: Study | None = None,
) -> list[Question]:
    """Choose the questions for a sitting; `question_ids` limits it to those questions (a drill
    on what a grader diagnosis queued). With `study`, leeches stay out of the schedule-keeping
    modes (quiz.leeches) and new questions keep to the plan's daily number (quiz.study_plan)."""
    rng = rng or random.Random()
    pool = bank.select(topic=topic, difficulty=difficulty, tags=tags)
    if question_ids is not None:
        wanted = set(question_ids)
        pool = [q for q in pool if q.id in wanted]
    new_limit = None
    if study is not None and mode != "practice":
        out = leech_ids(bank, store, study)
        pool = [q for q in pool if q.id not in out]
        new_limit = new_left_today(bank, store, study, at or now_utc())
    by_id = {q.id: q for q in pool}
    due = [by_id[qid] for qid in store.due_ids(at) if qid in by_id]
    if mode == "review":
        return interleave(due[:count])
    if mode == "practice":
        return interleave(rng.sample(pool, min(count, len(pool))))
    seen = set(store.cards())
    new = [q for q in pool if q.id not in seen]
    rng.shuffle(new)
    new.sort(key=lambda q: q.difficulty)
    new = new if new_limit is None else new[:new_limit]
    rest = [q for q in pool if q.id in seen and q not in due]
    rng.shuffle(rest)
    # Due questions come first even when mixing would rather take a new one.
    chosen = (due + new + rest)[:count]
    return interleave(chosen[: len(due)]) + interleave(chosen[len(due) :])


@dataclass(frozen=True)
class Recorded:
    """What record_answer kept: the review's id, the rating given, the card as it was before."""

    review_id: int
    rating: Rating
    card_before: str | None


def record_answer(
    store: Store,
    spacing: Spacing,
    *,
    session_id: int,
    question: Question,
    outcome: Outcome,
    elapsed_s: float,
    schedule: bool,
) -> Recorded:
    """Keep one checked answer: suggest a rating and, when `schedule`, move the question's FSRS
    card, in one commit. The one place an answer becomes a review (quiz sittings, mock
    interviews); `schedule=False` keeps the answer without touching the schedule (practice, or a
    question the bank does not hold)."""
    rating = suggest_rating(outcome.score, elapsed_s, question.type, question.difficulty)
    before = store.card_json(question.id)
    card_json, due = spacing.review(before, rating, now_utc()) if schedule else (None, None)
    review_id = store.record_review(
        session_id=session_id,
        question_id=question.id,
        card_json=card_json,
        due=due,
        elapsed_s=elapsed_s,
        correct=outcome.correct,
        score=outcome.score,
        rating=int(rating),
        answer=outcome.record,
    )
    return Recorded(review_id, rating, before)


@dataclass
class Answered:
    posed: Posed
    outcome: Outcome
    rating: Rating
    elapsed_s: float
    review_id: int
    card_before: str | None


@dataclass
class Summary:
    answered: int
    correct: int
    seconds: float
    by_topic: dict[str, tuple[int, int]]  # topic -> (correct, answered)
    missed: list[Posed]  # answered wrongly (no credit)
    partial: list[Posed] = field(default_factory=list)  # some credit, not all
    credit: float = 0.0  # the sum of scores: a 75% answer counts 0.75

    @property
    def accuracy(self) -> float | None:
        """The share of credit earned, as the stats count it."""
        return self.credit / self.answered if self.answered else None


@dataclass
class QuizSession:
    """Walks through planned questions; every submitted answer is committed before returning."""

    bank: Bank
    store: Store
    questions: list[Question]
    mode: Mode = "quiz"
    lang: Lang = "en"
    topic: str | None = None
    rng: random.Random = field(default_factory=random.Random)
    clock: Any = time.monotonic
    answered: list[Answered] = field(default_factory=list)
    study: Study = field(default_factory=Study)  # the learner's FSRS settings and interview date

    def __post_init__(self) -> None:
        self._spacing = Spacing(self.study)
        self.session_id = self.store.start_session(self.mode, self.topic)
        self._index = 0
        self._current: Posed | None = None
        self._started = self.clock()
        self._shown_at = self._started

    @property
    def position(self) -> tuple[int, int]:
        """(1-based number of the current question, total)."""
        return min(self._index + 1, len(self.questions)), len(self.questions)

    @property
    def finished(self) -> bool:
        return self._index >= len(self.questions)

    def current(self) -> Posed | None:
        """The question to show now (drawn once per showing), or None when done."""
        if self.finished:
            return None
        if self._current is None:
            self._current = pose(self.questions[self._index], self.rng)
            self._shown_at = self.clock()
        return self._current

    def submit(self, response: Any) -> Answered:
        """Check, suggest a rating, reschedule and commit; AnswerError leaves nothing recorded."""
        posed = self.current()
        if posed is None:
            raise RuntimeError("the session is over")
        outcome = check(posed, response, self.lang)
        elapsed = self.clock() - self._shown_at
        kept = record_answer(
            self.store,
            self._spacing,
            session_id=self.session_id,
            question=posed.question,
            outcome=outcome,
            elapsed_s=elapsed,
            schedule=self.mode != "practice",
        )
        done = Answered(posed, outcome, kept.rating, elapsed, kept.review_id, kept.card_before)
        self.answered.append(done)
        return done

    def override_rating(self, rating: Rating) -> None:
        """Replace the suggested rating of the last answer, in the store too."""
        last = self.answered[-1]
        card_json, due = self._reschedule(last.card_before, rating)
        self.store.change_rating(last.review_id, int(rating), card_json, due)
        last.rating = rating

    def _reschedule(self, card_json: str | None, rating: Rating) -> tuple[str | None, Any]:
        if self.mode == "practice":
            return None, None
        return self._spacing.review(card_json, rating, now_utc())

    def next(self) -> Posed | None:
        """Move on (after feedback); returns the next question or None at the end."""
        self._index += 1
        self._current = None
        if self.finished:
            self.store.end_session(self.session_id)
        return self.current()

    def flag(self, note: str = "") -> None:
        posed = self.current() or (self.answered[-1].posed if self.answered else None)
        if posed is not None:
            self.store.flag(posed.question.id, note)

    def summary(self) -> Summary:
        by_topic: dict[str, tuple[int, int]] = {}
        for a in self.answered:
            ok, n = by_topic.get(a.posed.question.topic, (0, 0))
            by_topic[a.posed.question.topic] = (ok + a.outcome.correct, n + 1)
        return Summary(
            answered=len(self.answered),
            correct=sum(a.outcome.correct for a in self.answered),
            seconds=self.clock() - self._started,
            by_topic=by_topic,
            missed=[a.posed for a in self.answered if a.outcome.verdict == "wrong"],
            partial=[a.posed for a in self.answered if a.outcome.verdict == "partial"],
            credit=sum(a.outcome.score for a in self.answered),
        )


__all__ = [
    "Answered",
    "FreeAnswer",
    "QuizSession",
    "Recorded",
    "Summary",
    "plan",
    "record_answer",
]
