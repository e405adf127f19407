"""The personal scheduler: FSRS fitted to a simulated learner's reviews (quiz.fsrs_fit), through
`rnnprep optimize` as a user runs it, and reported by `rnnprep stats --json`."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card, Rating, ReviewLog, Scheduler
from fsrs.scheduler import DEFAULT_PARAMETERS

from quiz import fsrs_fit
from quiz.settings import load_study
from quiz.store import Store
from tests.test_stats import clock

REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def rnnprep(*args: str) -> subprocess.CompletedProcess[str]:
    """A real `rnnprep` on this test's data folder (the autouse fixture sets RNNPREP_HOME)."""
    return subprocess.run([*RNNPREP, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def answer(
    store: Store,
    session_id: int,
    question_id: str,
    at: datetime,
    rating: Rating,
    card: Card | None,
) -> None:
    """One answer at `at`; `card` is the question's card after it (None: practice, no card)."""
    with clock(at):
        store.record_review(
            session_id=session_id,
            question_id=question_id,
            card_json=json.dumps(card.to_dict()) if card else None,
            due=card.due if card else None,
            elapsed_s=8.0,
            correct=rating != Rating.Again,
            score=float(rating != Rating.Again),
            rating=int(rating),
            answer=None,
        )


def simulate_learner(store: Store, counted: int, *, seed: int = 7, questions: int = 60) -> int:
    """A learner who forgets faster than FSRS's defaults assume, reviewing on the app's schedule.

    Memory model: each question has a stability S (days; recall after t days is 0.9 ** (t / S),
    so S is the gap at 90% recall). A first sight is recalled with probability 0.6; S starts at
    0.4 days, grows 1.3x on a recall and falls to 0.4x (at least 0.2) on a lapse. Eight new
    questions a day; each comes back when the default FSRS scheduler says, up to 30 hours late.
    Stops once `counted` reviews count for the fit (a day or more after the previous one).
    Returns how many answers were recorded.
    """
    rng = random.Random(seed)
    scheduler = Scheduler(enable_fuzzing=False)
    session = store.start_session("quiz")
    queue = [(START + timedelta(days=i // 8, minutes=i), f"sim.q{i:03d}") for i in range(questions)]
    memory: dict[str, tuple[float, datetime]] = {}
    cards: dict[str, Card] = {}
    done = answers = 0
    while done < counted:
        queue.sort()
        at, qid = queue.pop(0)
        stability, last = memory.get(qid, (0.4, None))
        if last is None:
            recalled = rng.random() < 0.6
        else:
            gap = (at - last).total_seconds() / 86400
            recalled = rng.random() < 0.9 ** (gap / stability)
            done += gap >= 1
        memory[qid] = (stability * 1.3 if recalled else max(0.2, stability * 0.4), at)
        rating = Rating.Good if recalled else Rating.Again
        card, _log = scheduler.review_card(
            cards.get(qid) or Card(due=at), rating, review_datetime=at
        )
        cards[qid] = card
        answer(store, session, qid, at, rating, card)
        answers += 1
        later = max(card.due, at + timedelta(hours=1)) + timedelta(hours=rng.uniform(0, 30))
        queue.append((later, qid))
    return answers


def test_optimize_fits_the_learner_and_stats_reports_it(store: Store, data_home: Path) -> None:
    simulate_learner(store, 600)
    assert fsrs_fit.reviews_needed(store) == 0

    done = rnnprep("optimize", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "saved"
    assert out["reviews"] == 600
    before, after = out["before"], out["after"]
    assert before["parameters"] == pytest.approx(DEFAULT_PARAMETERS)
    assert len(after["parameters"]) == 21
    assert (
        max(abs(a - b) for a, b in zip(after["parameters"], DEFAULT_PARAMETERS, strict=True)) > 0.05
    )
    # The defaults expect far more recall than this learner has; the fit expects about what
    # they really recalled, and predicts their answers better.
    recalled = out["recalled"]
    assert recalled < 0.7 < before["predicted"]
    assert abs(after["predicted"] - recalled) < abs(before["predicted"] - recalled) / 2
    assert after["log_loss"] < before["log_loss"]

    study = load_study(data_home)
    assert study.fsrs_parameters == pytest.approx(after["parameters"])
    assert study.optimized_reviews == 600 and study.optimized_at is not None

    shown = rnnprep("stats", "--json")
    assert shown.returncode == 0, shown.stderr
    scheduler = json.loads(shown.stdout)["scheduler"]
    assert scheduler["source"] == "fitted"
    assert scheduler["parameters"] == pytest.approx(after["parameters"])
    assert scheduler["fitted_on_reviews"] == 600
    assert scheduler["fitted_at"] == study.optimized_at.isoformat()
    assert scheduler["desired_retention"] == study.desired_retention


def test_too_few_reviews_says_how_many_and_changes_nothing(store: Store, data_home: Path) -> None:
    simulate_learner(store, 100)
    assert fsrs_fit.reviews_needed(store) == fsrs_fit.MIN_REVIEWS - 100

    done = rnnprep("optimize", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "not_enough_reviews"
    assert (out["reviews"], out["needed"]) == (100, fsrs_fit.MIN_REVIEWS - 100)
    assert out["scheduler"]["source"] == "default"
    assert not (data_home / "settings.json").exists()

    text = rnnprep("optimize")
    assert text.returncode == 0, text.stderr
    assert "412 more reviews needed" in text.stdout
    chinese = rnnprep("--lang", "zh-Hant", "optimize")
    assert "還需要 412 次複習" in chinese.stdout
    assert load_study(data_home).fsrs_parameters is None

    shown = json.loads(rnnprep("stats", "--json").stdout)["scheduler"]
    assert shown["source"] == "default" and shown["fitted_at"] is None
    assert shown["parameters"] == pytest.approx(DEFAULT_PARAMETERS)

    with pytest.raises(fsrs_fit.FitError, match="412 more reviews needed"):
        fsrs_fit.fit(store.path)  # the worker counts too, before it loads torch


def test_counting_reviews_needs_no_torch(store: Store) -> None:
    simulate_learner(store, 20)
    code = (
        "import sys; from quiz import fsrs_fit; from quiz.store import Store;"
        f" n = fsrs_fit.reviews_needed(Store({str(store.path)!r}));"
        " print(n, 'torch' in sys.modules, 'pandas' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(fsrs_fit.MIN_REVIEWS - 20), "False", "False"]


def test_practice_and_same_day_reviews_do_not_count(store: Store) -> None:
    quiz_session = store.start_session("quiz")
    practice = store.start_session("practice")
    interview = store.start_session("interview")
    scheduler = Scheduler(enable_fuzzing=False)
    card = Card(due=START)
    for day, hours in ((0, 0), (0, 2), (1, 2), (3, 0), (3, 5)):  # counted: days 1 and 3
        at = START + timedelta(days=day, hours=hours)
        card, _log = scheduler.review_card(card, Rating.Good, review_datetime=at)
        answer(store, quiz_session, "kept", at, Rating.Good, card)
    for day in (2, 4, 5):  # practice: the schedule is left alone, and so is the fit
        answer(store, practice, "kept", START + timedelta(days=day), Rating.Again, None)
        answer(store, practice, "practised", START + timedelta(days=day), Rating.Good, None)
        answer(store, interview, "inline", START + timedelta(days=day), Rating.Good, None)
    logs = fsrs_fit.review_logs(store)
    assert len(logs) == 5 and {log.card_id for log in logs} == {fsrs_fit.card_id("kept")}
    assert fsrs_fit.counted(logs) == 2
    assert fsrs_fit.reviews_needed(store) == fsrs_fit.MIN_REVIEWS - 2
    assert fsrs_fit.recall_rate(logs) == 1.0


def test_calibration_prefers_parameters_that_fit() -> None:
    """On a log where every review a day later fails, parameters that forget fast predict it
    better than FSRS's defaults."""
    logs = []
    for q in range(20):
        cid = fsrs_fit.card_id(f"q{q}")
        for day in range(6):
            rating = Rating.Good if day == 0 else Rating.Again
            logs.append(ReviewLog(cid, rating, START + timedelta(days=2 * day), review_duration=1))
    default = fsrs_fit.calibration(logs, DEFAULT_PARAMETERS)
    forgetful = fsrs_fit.calibration(logs, (0.01, 0.01, 0.01, 0.01, *DEFAULT_PARAMETERS[4:]))
    assert fsrs_fit.recall_rate(logs) == 0.0
    assert forgetful.predicted < default.predicted
    assert forgetful.log_loss < default.log_loss


def test_a_failing_worker_is_a_message_not_a_traceback() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; print('Traceback ...', file=sys.stderr); sys.exit('boom')",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with pytest.raises(fsrs_fit.FitError, match=r"^the fit failed: boom$"):
        fsrs_fit.finish(proc)
