"""Planning sittings and recording answers through a session."""

from __future__ import annotations

import random
from datetime import timedelta

from fsrs import Rating

from quiz.engine import FreeAnswer
from quiz.session import QuizSession, plan
from quiz.store import now_utc


def test_quiz_puts_due_first_then_new_by_difficulty(mini_bank, store) -> None:
    first = QuizSession(mini_bank, store, [mini_bank.questions["gates.why-cell"]])
    first.submit(FreeAnswer("", frozenset()))
    later = now_utc() + timedelta(days=400)
    planned = plan(mini_bank, store, "quiz", count=12, rng=random.Random(1), at=later)
    assert planned[0].id == "gates.why-cell"
    new = planned[1:]  # the easiest new ones (then interleaved: tests/test_interleave.py)
    unseen = sorted(q.difficulty for q in mini_bank.questions.values() if q.id != "gates.why-cell")
    assert sorted(q.difficulty for q in new) == unseen[: len(new)]
    assert len(planned) == 12


def test_review_only_due_and_practice_any(mini_bank, store) -> None:
    assert plan(mini_bank, store, "review") == []
    practice = plan(mini_bank, store, "practice", topic="counting", count=4, rng=random.Random(2))
    assert len(practice) == 4 and {q.topic for q in practice} == {"counting"}


def test_answers_commit_as_given_and_override_changes_schedule(mini_bank, store) -> None:
    q = mini_bank.questions["gates.lstm-order"]
    session = QuizSession(mini_bank, store, [q, mini_bank.questions["counting.gru-gates"]])
    session.current()
    answered = session.submit(1)
    assert answered.outcome.correct and answered.rating in (Rating.Easy, Rating.Good)
    assert len(store.reviews()) == 1
    due_good = store.due_dates()[q.id]
    session.override_rating(Rating.Again)
    assert store.reviews()[0].rating == int(Rating.Again)
    assert store.due_dates()[q.id] < due_good
    session.next()
    session.submit(0)
    assert session.next() is None and session.finished
    summary = session.summary()
    assert (summary.answered, summary.correct) == (2, 1)
    assert [p.question.id for p in summary.missed] == ["counting.gru-gates"]
    assert summary.by_topic == {"gates": (1, 1), "counting": (0, 1)}


def test_practice_session_keeps_answers_not_schedule(mini_bank, store) -> None:
    session = QuizSession(
        mini_bank, store, [mini_bank.questions["gates.lstm-order"]], mode="practice"
    )
    session.submit(0)
    assert store.cards() == {} and len(store.reviews()) == 1


def test_a_partly_right_answer_is_partial_in_the_summary_and_rated_hard(mini_bank, store) -> None:
    questions = [mini_bank.questions["gates.why-cell"], mini_bank.questions["counting.gru-gates"]]
    session = QuizSession(mini_bank, store, questions)
    session.current()
    partly = session.submit(FreeAnswer("additive path", frozenset({0, 1})))  # 2 of 3 points
    assert partly.outcome.verdict == "partial" and partly.rating == Rating.Hard
    session.next()
    session.submit(0)
    summary = session.summary()
    assert [p.question.id for p in summary.partial] == ["gates.why-cell"]
    assert [p.question.id for p in summary.missed] == ["counting.gru-gates"]
    assert summary.accuracy == (2 / 3) / 2
    assert [r.score for r in store.reviews()] == [2 / 3, 0.0]
