"""The study plan with an interview date, and leeches, against a simulated learner.

The learner is a seeded memory model: each question has a stability S in days, the chance of
recalling it after t days is exp(-t / S), a recall multiplies S by 2.5 and a lapse halves it
(but seeing the answer leaves at least a day). Every day it first reads what helps with each
leech and brings it back (which helps: S = 3 days), then answers what is due, then the new
questions the plan allows, through the real plan, scheduler and SQLite store, with the clock
set to that day.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest

import quiz.session
import quiz.store
from quiz.bank import Bank, load_bank
from quiz.leeches import help_for, leech_ids, leeches, release
from quiz.posing import Outcome
from quiz.scheduler import Spacing
from quiz.session import plan, record_answer
from quiz.settings import Study, load_study
from quiz.store import Store
from quiz.study_plan import WINDOW_DAYS, day_start, standing

REPO = Path(__file__).resolve().parent.parent
START = dt.date(2027, 3, 1)


@contextmanager
def clock(at: dt.datetime) -> Iterator[None]:
    with (
        mock.patch.object(quiz.store, "now_utc", lambda: at),
        mock.patch.object(quiz.session, "now_utc", lambda: at),
    ):
        yield


class Learner:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.stability: dict[str, float] = {}
        self.last: dict[str, dt.datetime] = {}

    def recalls(self, question_id: str, at: dt.datetime) -> bool:
        if question_id not in self.stability:  # a new question: a coin weighted to knowing
            ok = self.rng.random() < 0.6
            self.stability[question_id] = 2.0 if ok else 0.5
        else:
            days = (at - self.last[question_id]).total_seconds() / 86400
            ok = self.rng.random() < math.exp(-days / self.stability[question_id])
            stability = self.stability[question_id]
            self.stability[question_id] = stability * 2.5 if ok else max(stability / 2, 1.0)
        self.last[question_id] = at
        return ok


def answer(store: Store, spacing: Spacing, question_id: str, bank: Bank, right: bool) -> None:
    outcome = Outcome(correct=right, score=float(right), expected="", response=None)
    record_answer(
        store,
        spacing,
        session_id=store.start_session("quiz"),
        question=bank.questions[question_id],
        outcome=outcome,
        elapsed_s=20.0,
        schedule=True,
    )


def simulate(bank: Bank, store: Store, study: Study, days: int, seed: int = 7) -> Learner:
    learner = Learner(seed)
    spacing = Spacing(study)
    for day in range(days):
        morning = day_start(START + dt.timedelta(days=day)) + dt.timedelta(hours=9)
        with clock(morning):
            for leech in leeches(bank, store, study):
                release(store, leech.question, morning)
                learner.stability[leech.question.id] = 3.0
            due = plan(bank, store, "review", count=10_000, study=study, at=morning)
            fresh = [q for q in plan(bank, store, "quiz", count=10_000, study=study, at=morning)]
            fresh = [q for q in fresh if store.card_json(q.id) is None]
            for step, question in enumerate([*due, *fresh]):
                at = morning + dt.timedelta(seconds=30 * step)
                with clock(at):
                    answer(store, spacing, question.id, bank, learner.recalls(question.id, at))
    return learner


def test_with_a_date_everything_seen_is_reviewed_in_the_last_three_days(store: Store) -> None:
    bank = load_bank()
    interview = START + dt.timedelta(days=30)
    study = Study(interview_date=interview)
    simulate(bank, store, study, days=30)

    window = day_start(interview - dt.timedelta(days=WINDOW_DAYS))
    end = day_start(interview)
    reviewed_late = {r.question_id for r in store.reviews() if window <= r.answered_at < end}
    seen = set(store.cards())
    assert seen == set(bank.questions)  # the daily new questions met the whole bank in time
    assert seen <= reviewed_late
    # and no day before the window was asked to take more than the plan's share of new ones
    first = {}
    for r in store.reviews():
        first.setdefault(r.question_id, r.answered_at.astimezone().date())
    per_day = max(list(first.values()).count(d) for d in set(first.values()))
    assert per_day <= math.ceil(len(bank.questions) / (30 - WINDOW_DAYS))


def test_without_a_date_reviews_follow_plain_fsrs(store: Store) -> None:
    bank = load_bank()
    study = Study(new_per_day=10)
    simulate(bank, store, study, days=6)
    later = day_start(START + dt.timedelta(days=9))
    # FSRS spaces good answers out: some cards are due only days after the last sitting
    assert any(due > later for due in store.due_dates().values())
    assert len(store.cards()) == 60  # ten new a day, as set


def test_the_plan_reports_days_left_load_and_an_unrealistic_pace(store: Store) -> None:
    bank = load_bank()
    now = day_start(START) + dt.timedelta(hours=9)
    relaxed = standing(bank, store, Study(interview_date=START + dt.timedelta(days=40)), now)
    assert relaxed.days_left == 40 and relaxed.seen == 0
    assert relaxed.new_per_day == math.ceil(len(bank.questions) / (40 - WINDOW_DAYS))
    assert relaxed.warning is None
    rushed = standing(bank, store, Study(interview_date=START + dt.timedelta(days=5)), now)
    assert rushed.new_per_day == math.ceil(len(bank.questions) / 2)
    assert rushed.warning is not None and "minutes a day" in rushed.warning
    capped = standing(
        bank, store, Study(interview_date=START + dt.timedelta(days=10), new_per_day=5), now
    )
    assert capped.new_per_day == 5
    assert capped.warning is not None and "stay unseen" in capped.warning


def test_a_question_failed_eight_times_is_a_leech_until_released(store: Store) -> None:
    bank = load_bank()
    study = Study()
    spacing = Spacing(study)
    generated = next(
        q for q in bank.questions.values() if getattr(q, "generator", None) is not None
    )
    other = next(q for q in bank.questions.values() if q.topic != generated.topic)
    start = day_start(START)
    for i in range(8):
        at = start + dt.timedelta(days=i)
        with clock(at):
            answer(store, spacing, generated.id, bank, right=False)
            answer(store, spacing, other.id, bank, right=i % 2 == 0)  # 4 wrong: not a leech
        if i == 6:
            assert generated.id not in leech_ids(bank, store, study)  # 7 wrong so far
    assert leech_ids(bank, store, study) == {generated.id}
    assert leeches(bank, store, study)[0].wrong == 8

    # out of the rotation, even though it is due
    later = start + dt.timedelta(days=30)
    assert generated.id in store.due_ids(later)
    sitting = plan(bank, store, "review", count=100, study=study, at=later)
    assert generated.id not in {q.id for q in sitting} and sitting

    offered = help_for(generated, random.Random(1))
    assert offered.variant is not None  # a fresh draw of the generated question
    assert offered.variant.question.id == generated.id

    release(store, generated, later)
    assert not leech_ids(bank, store, study)
    back = plan(bank, store, "review", count=100, study=study, at=later)
    assert generated.id in {q.id for q in back}


def test_plan_command_sets_the_date_and_lists_leeches(data_home: Path) -> None:
    def plan_cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quiz", "--lang", "en", "plan", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )

    interview = dt.date.today() + dt.timedelta(days=20)
    done = plan_cli("--date", interview.isoformat(), "--new-per-day", "12", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["standing"]["days_left"] == 20 and report["standing"]["new_per_day"] == 12
    assert load_study(data_home).interview_date == interview
    assert load_study(data_home).new_per_day == 12

    text = plan_cli()
    assert "20 days left" in text.stdout and "New a day: 12" in text.stdout

    bad = plan_cli("--retention", "1.5")
    assert bad.returncode == 2 and "0.70 and 0.97" in bad.stderr
    past = plan_cli("--date", "2001-01-01")
    assert past.returncode == 2 and "after today" in past.stderr
    assert load_study(data_home).interview_date == interview  # nothing changed


@pytest.mark.parametrize("raw", ['{"study": {"desired_retention": 3}}', '{"study": [1]}', "{"])
def test_a_hand_edited_settings_file_never_stops_the_plan(data_home: Path, raw: str) -> None:
    data_home.mkdir(parents=True, exist_ok=True)
    (data_home / "settings.json").write_text(raw)
    assert load_study(data_home) == Study()
