"""Spaced repetition with FSRS: when each question comes back, and the rating we suggest.

The `fsrs` package does the scheduling; this module only turns an answer into a rating and
(de)serialises cards for the store.
"""

from __future__ import annotations

import json
from datetime import datetime

from fsrs import Card, Rating

from quiz.questions import question_class
from quiz.settings import Study
from quiz.study_plan import before_interview


def expected_seconds(question_type: str, difficulty: int) -> float:
    """Seconds a prepared candidate needs: the type's own time at level 1 (its class's
    `expected_seconds`), half as much again per level above."""
    return question_class(question_type).expected_seconds * (1 + 0.5 * (difficulty - 1))


def suggest_rating(score: float, elapsed_s: float, question_type: str, difficulty: int) -> Rating:
    """Again when wrong; Hard, Good or Easy for a right answer by how quickly it came.

    `score` is 1.0 for a right answer, 0.0 for a wrong one, and the share of key points
    covered for a free answer (at least 0.8 counts as right, at least 0.5 as Hard).
    """
    if score < 0.5:
        return Rating.Again
    if score < 0.8:
        return Rating.Hard
    budget = expected_seconds(question_type, difficulty)
    if elapsed_s <= 0.5 * budget and score >= 1.0:
        return Rating.Easy
    if elapsed_s <= 1.5 * budget:
        return Rating.Good
    return Rating.Hard


def due_at(card_json: str | None, at: datetime) -> str:
    """The card (a fresh one if None) made due at `at`, serialised.

    Only the due time changes: the card's memory state stays, so its next review is scheduled
    from what the learner really knows. For linking: a grader diagnosis queues the questions
    on the idea the learner got wrong.
    """
    card = Card.from_dict(json.loads(card_json)) if card_json else Card(due=at)
    card.due = at
    return json.dumps(card.to_dict())


class Spacing:
    """FSRS over serialised cards, so the store never needs to know fsrs.

    With `study`, FSRS uses the learner's desired retention and fitted parameters, and a review
    that would next fall due after the interview date is brought into its last days
    (quiz.study_plan.before_interview), so everything seen is reviewed once more in time.
    """

    def __init__(self, study: Study | None = None) -> None:
        study = study or Study()
        self._scheduler = study.fsrs()
        self._interview = study.interview_date

    def review(self, card_json: str | None, rating: Rating, at: datetime) -> tuple[str, datetime]:
        """The card after this review, serialised, and its next due time."""
        card = Card.from_dict(json.loads(card_json)) if card_json else Card(due=at)
        card, _log = self._scheduler.review_card(card, rating, review_datetime=at)
        if self._interview is not None:
            card.due = before_interview(card.due, at, self._interview, card.card_id)
        return json.dumps(card.to_dict()), card.due

    def retrievability(self, card_json: str, at: datetime) -> float:
        """Probability of recall now, 0-1."""
        card = Card.from_dict(json.loads(card_json))
        return self._scheduler.get_card_retrievability(card, current_datetime=at)
