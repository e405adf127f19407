"""Rating suggestions and FSRS scheduling."""

from __future__ import annotations

from datetime import timedelta

from fsrs import Rating

from quiz.scheduler import Spacing, expected_seconds, suggest_rating
from quiz.store import now_utc


def test_wrong_is_again_whatever_the_speed() -> None:
    assert suggest_rating(0.0, 1.0, "single", 1) is Rating.Again


def test_right_answers_rated_by_time() -> None:
    budget = expected_seconds("single", 1)
    assert suggest_rating(1.0, 0.2 * budget, "single", 1) is Rating.Easy
    assert suggest_rating(1.0, budget, "single", 1) is Rating.Good
    assert suggest_rating(1.0, 3 * budget, "single", 1) is Rating.Hard


def test_harder_questions_get_more_time() -> None:
    assert expected_seconds("numeric", 3) > expected_seconds("numeric", 1)
    assert suggest_rating(1.0, 70, "numeric", 3) is Rating.Good
    assert suggest_rating(1.0, 70, "numeric", 1) is Rating.Hard


def test_partial_free_answers() -> None:
    assert suggest_rating(0.6, 10, "free", 2) is Rating.Hard
    assert suggest_rating(0.4, 10, "free", 2) is Rating.Again
    assert suggest_rating(0.8, 100, "free", 2) is Rating.Good


def test_fsrs_pushes_good_answers_further_out() -> None:
    spacing = Spacing()
    now = now_utc()
    card, due_again = spacing.review(None, Rating.Again, now)
    _, due_easy = spacing.review(None, Rating.Easy, now)
    assert due_again < due_easy
    later = due_easy + timedelta(hours=1)
    card, due_second = spacing.review(spacing.review(None, Rating.Easy, now)[0], Rating.Good, later)
    assert due_second - later > due_easy - now
    assert 0.0 < spacing.retrievability(card, later + timedelta(days=30)) < 1.0
