"""quiz.stats on a real SQLite store filled at known moments: every figure checked by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, timedelta, timezone
from unittest import mock

import pytest
from fsrs import Rating

import quiz.store
from exercises import catalogue
from quiz.bank import Bank
from quiz.progress import topic_progress
from quiz.scheduler import Spacing
from quiz.stats import BUTTONS, FORECAST_DAYS, HEATMAP_WEEKS, compute_stats
from quiz.store import Store

AT = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday, noon UTC
EXERCISES = ["gru_cell", "lstm_cell", "rnn_cell"]

JSON_KEYS = {
    "generated_at",
    "today",
    "totals",
    "topics",
    "reviews_per_day",
    "accuracy_per_week",
    "due_forecast",
    "answer_buttons",
    "exercises",
    "interviews",
}


def clock(moment: datetime) -> AbstractContextManager[object]:
    """While open, the store stamps what it writes with `moment`."""
    return mock.patch.object(quiz.store, "now_utc", lambda: moment)


def record(
    store: Store,
    question_id: str,
    moment: datetime,
    rating: int,
    *,
    due: datetime | None = None,
    practice: bool = False,
) -> str | None:
    """One answer given at `moment` (right unless Again), scheduled by FSRS; `due` overrides the
    scheduled due time. Returns the card as stored (None for practice)."""
    card_json, scheduled = Spacing().review(store.card_json(question_id), Rating(rating), moment)
    with clock(moment):
        store.record_review(
            session_id=None,
            question_id=question_id,
            card_json=None if practice else card_json,
            due=None if practice else (due or scheduled),
            elapsed_s=5.0,
            correct=rating > 1,
            score=float(rating > 1),
            rating=rating,
            answer=None,
        )
    return None if practice else card_json


@pytest.fixture
def filled(store: Store) -> Store:
    """Reviews on four known days, three scheduled cards, a practice answer long ago, a card left
    by a question no longer in the bank, exercise attempts and interviews."""
    day = timedelta(days=1)
    record(store, "gates.lstm-order", AT - 3 * day, 3)  # Sun 03-09
    record(store, "gates.lstm-order", AT - day, 3, due=AT + 2 * day)  # Tue 03-11
    record(store, "gates.sigmoid-gates", AT - day, 1, due=AT - timedelta(hours=2))
    record(store, "counting.gru-gates", AT - 10 * day, 4, due=AT + 20 * day)
    record(store, "counting.rnn-bias", AT - 200 * day, 2, practice=True)
    record(store, "removed.question", AT - day, 3, due=AT)

    with clock(AT - 5 * day):
        store.record_exercise_attempt(
            "lstm_cell", passed=False, diagnosis="x", device="cpu", seed=1
        )
        store.record_exercise_attempt("gru_cell", passed=False, diagnosis="y", device="cpu", seed=1)
        store.record_exercise_attempt("old_cell", passed=True, diagnosis=None, device="cpu", seed=1)
    with clock(AT - 4 * day):
        store.record_exercise_attempt(
            "lstm_cell", passed=True, diagnosis=None, device="cpu", seed=2
        )
    with clock(AT - 6 * day):
        late = store.start_interview("lstm-basics", "junior")
        early = store.start_interview("gru-basics", "senior")
        store.start_interview("never-finished", "junior")
    with clock(AT - 6 * day + timedelta(minutes=30)):
        store.finish_interview(early, 0.5, None)
    with clock(AT - 2 * day):
        store.finish_interview(late, 0.75, "/tmp/report.md")
    return store


def test_empty_store_gives_zeros(mini_bank: Bank, store: Store) -> None:
    s = compute_stats(mini_bank, store, AT, tz=UTC, exercise_names=EXERCISES)
    assert (s.questions, s.seen, s.reviews, s.correct, s.accuracy) == (12, 0, 0, 0, None)
    assert [(t.topic, t.questions, t.seen, t.due) for t in s.topics] == [
        ("counting", 6, 0, 0),
        ("gates", 6, 0, 0),
    ]
    assert all(t.retrievability is None and t.accuracy is None for t in s.topics)
    assert s.reviews_per_day.counts == {}
    assert s.accuracy_per_week == []
    assert [f.due for f in s.due_forecast] == [0] * FORECAST_DAYS
    assert s.buttons == dict.fromkeys(BUTTONS, 0)
    assert (s.exercises.total, s.exercises.attempted, s.exercises.solved) == (3, 0, 0)
    assert s.interviews == []
    json.dumps(s.to_json())


def test_topics_mastery_and_accuracy(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    topics = {t.topic: t for t in s.topics}
    gates, counting = topics["gates"], topics["counting"]
    assert (gates.seen, gates.due, gates.accuracy) == (2, 1, pytest.approx(2 / 3))
    # the practice answer counts for accuracy but schedules nothing
    assert (counting.seen, counting.due, counting.accuracy) == (
        2,
        0,
        1.0,
    )  # the practice answer counts as seen
    for topic in (gates, counting):
        assert 0 < topic.retrievability <= 1
    spacing, cards = Spacing(), filled.cards()
    expected = [
        spacing.retrievability(cards[q], AT) for q in ("gates.lstm-order", "gates.sigmoid-gates")
    ]
    assert gates.retrievability == pytest.approx(sum(expected) / 2)
    # recall fades: a month later it is lower
    later = compute_stats(mini_bank, filled, AT + timedelta(days=30), tz=UTC, exercise_names=[])
    assert {t.topic: t for t in later.topics}["gates"].retrievability < gates.retrievability
    assert (s.questions, s.seen, s.reviews, s.correct) == (12, 4, 6, 5)


def test_recall_is_predicted_with_the_learners_fitted_parameters(
    mini_bank: Bank, filled: Store
) -> None:
    from fsrs.scheduler import DEFAULT_PARAMETERS

    from quiz.settings import Study

    # a learner whose memories fade faster: FSRS's decay weight (w20) doubled
    faster = Study(fsrs_parameters=(*DEFAULT_PARAMETERS[:20], DEFAULT_PARAMETERS[20] * 2))
    default = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=[])
    fitted = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=[], study=faster)
    recall = {t.topic: t.retrievability for t in fitted.topics}
    assert recall["gates"] != pytest.approx(
        {t.topic: t.retrievability for t in default.topics}["gates"]
    )
    spacing, cards = Spacing(faster), filled.cards()
    expected = [
        spacing.retrievability(cards[q], AT) for q in ("gates.lstm-order", "gates.sigmoid-gates")
    ]
    assert recall["gates"] == pytest.approx(sum(expected) / 2)


def test_reviews_per_day_heatmap_window(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    daily = s.reviews_per_day
    assert daily.end == date(2025, 3, 12)
    assert daily.start.weekday() == 0  # Monday: the heatmap's first column is a whole week
    assert (daily.end - daily.start).days == 7 * (HEATMAP_WEEKS - 1) + daily.end.weekday()
    # the removed question's answer is history too; the practice answer 200 days ago is out of view
    assert daily.counts == {date(2025, 3, 2): 1, date(2025, 3, 9): 1, date(2025, 3, 11): 3}
    assert len(daily.days()) == (daily.end - daily.start).days + 1


def test_days_are_local(mini_bank: Bank, store: Store) -> None:
    """02:00 UTC on the 11th is still the evening of the 10th in New York (UTC-5 in winter)."""
    record(store, "gates.lstm-order", datetime(2025, 3, 11, 2, 0, tzinfo=UTC), 3)
    new_york = timezone(timedelta(hours=-5))
    assert compute_stats(mini_bank, store, AT, tz=UTC).reviews_per_day.counts == {
        date(2025, 3, 11): 1
    }
    local = compute_stats(mini_bank, store, AT, tz=new_york)
    assert local.reviews_per_day.counts == {date(2025, 3, 10): 1}
    # Monday the 10th starts the week there; in UTC the review falls in the same week too
    assert [w.week for w in local.accuracy_per_week] == [date(2025, 3, 10)]
    # the same review on a Sunday evening local is a different week than in UTC
    at_midnight = datetime(2025, 3, 10, 1, 0, tzinfo=UTC)  # Sun 20:00 in New York
    record(store, "gates.sigmoid-gates", at_midnight, 3)
    weeks_utc = compute_stats(mini_bank, store, AT, tz=UTC).accuracy_per_week
    weeks_ny = compute_stats(mini_bank, store, AT, tz=new_york).accuracy_per_week
    assert [(w.week, w.answered) for w in weeks_utc] == [(date(2025, 3, 10), 2)]
    assert [(w.week, w.answered) for w in weeks_ny] == [
        (date(2025, 3, 3), 1),
        (date(2025, 3, 10), 1),
    ]


def test_accuracy_per_week(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    rows = [(w.week, w.answered, w.correct) for w in s.accuracy_per_week]
    long_ago = (AT - timedelta(days=200)).date()
    assert rows == [
        (long_ago - timedelta(days=long_ago.weekday()), 1, 1),
        (date(2025, 2, 24), 1, 1),  # Sun 03-02
        (date(2025, 3, 3), 1, 1),  # Sun 03-09
        (date(2025, 3, 10), 3, 2),  # Tue 03-11: Good, Again, and the removed question
    ]
    assert s.accuracy_per_week[-1].accuracy == pytest.approx(2 / 3)


def test_due_forecast(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    assert [f.day for f in s.due_forecast] == [
        date(2025, 3, 12) + timedelta(days=i) for i in range(FORECAST_DAYS)
    ]
    counts = [f.due for f in s.due_forecast]
    # overdue sigmoid card -> today; lstm-order in two days; gru-gates (20 days) is out of range;
    # the removed question's card is never asked again, so it is not forecast
    assert counts == [1, 0, 1] + [0] * (FORECAST_DAYS - 3)
    # a week on, the lstm-order card is overdue and joins today's pile
    week_on = compute_stats(mini_bank, filled, AT + timedelta(days=7), tz=UTC, exercise_names=[])
    assert week_on.due_forecast[0].due == 2


def test_answer_buttons(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    assert s.buttons == {"again": 1, "hard": 1, "good": 3, "easy": 1}
    assert list(s.buttons) == list(BUTTONS)


def test_exercises_solved(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    e = s.exercises
    # old_cell is gone from the catalogue; lstm_cell failed first, then passed
    assert (e.total, e.attempted, e.solved) == (3, 2, 1)
    assert e.status == {"gru_cell": "failing", "lstm_cell": "passing"}
    # the default reads the shipped catalogue (folder names only)
    shipped = compute_stats(mini_bank, filled, AT, tz=UTC)
    assert shipped.exercises.total == len(catalogue.names()) and shipped.exercises.solved == 1


def test_interview_scores_in_the_order_they_ended(mini_bank: Bank, filled: Store) -> None:
    s = compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES)
    assert [(i.day, i.script, i.level, i.score) for i in s.interviews] == [
        (date(2025, 3, 6), "gru-basics", "senior", 0.5),
        (date(2025, 3, 10), "lstm-basics", "junior", 0.75),
    ]


def test_to_json_is_the_documented_shape(mini_bank: Bank, filled: Store) -> None:
    out = json.loads(
        json.dumps(compute_stats(mini_bank, filled, AT, tz=UTC, exercise_names=EXERCISES).to_json())
    )
    assert set(out) == JSON_KEYS
    assert out["today"] == "2025-03-12"
    assert out["totals"] == {
        "questions": 12,
        "seen": 4,
        "reviews": 6,
        "correct": 5,
        "credit": 5.0,
        "accuracy": pytest.approx(5 / 6),
    }
    assert set(out["topics"][0]) == {
        "topic",
        "title",
        "questions",
        "seen",
        "retrievability",
        "accuracy",
        "due",
    }
    assert out["reviews_per_day"]["counts"] == {"2025-03-02": 1, "2025-03-09": 1, "2025-03-11": 3}
    assert out["due_forecast"][2] == {"date": "2025-03-14", "due": 1}
    assert out["answer_buttons"] == {"again": 1, "hard": 1, "good": 3, "easy": 1}
    assert out["exercises"] == {
        "total": 3,
        "attempted": 2,
        "solved": 1,
        "status": {"gru_cell": "failing", "lstm_cell": "passing"},
    }
    assert out["interviews"][1] == {
        "date": "2025-03-10",
        "script": "lstm-basics",
        "level": "junior",
        "score": 0.75,
    }


def test_stats_json_imports_no_torch() -> None:
    """`rnnprep stats --json` must answer fast: no torch, no Textual."""
    code = (
        "import sys; from quiz.stats import stats_json; stats_json();"
        " print(sorted(m for m in ('torch', 'textual') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_partly_right_answer_counts_its_credit_everywhere(mini_bank: Bank, store: Store) -> None:
    """A 75% free answer is neither right nor missed: accuracy counts 0.75 of it, on the stats
    screen, per week and per topic alike."""
    with clock(AT - timedelta(hours=1)):
        store.record_review(
            session_id=None,
            question_id="gates.why-cell",
            card_json=None,
            due=None,
            elapsed_s=60.0,
            correct=False,
            score=0.75,
            rating=2,
            answer=None,
        )
    stats = compute_stats(mini_bank, store, AT, tz=UTC, exercise_names=EXERCISES)
    assert (stats.correct, stats.accuracy) == (0, 0.75)
    assert stats.accuracy_per_week[-1].accuracy == 0.75
    (gates,) = [t for t in topic_progress(mini_bank, store, at=AT) if t.topic == "gates"]
    assert gates.accuracy == 0.75
