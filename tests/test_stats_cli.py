"""`rnnprep stats --json` as a user runs it: a real process on the shipped bank and a real store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from exercises.catalogue import names
from quiz.bank import load_bank
from quiz.store import Store, now_utc
from tests.test_stats import JSON_KEYS, clock, record

# The code under test, from this checkout: never the venv's `rnnprep` script, which runs whatever
# checkout its editable install points at.
REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]
KEYS = JSON_KEYS | {"scheduler"}  # the FSRS parameters in use (rnnprep optimize)


def stats(*flags: str) -> dict:
    """Runs with RNNPREP_HOME pointing at this test's data dir (the autouse fixture sets it)."""
    result = subprocess.run(
        [*RNNPREP, *flags, "stats", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def local_day(moment: datetime) -> str:
    """The learner's calendar day, as the child process (same time zone) groups it."""
    return moment.astimezone().date().isoformat()


def test_empty_store_prints_zeros(data_home: Path) -> None:
    out = stats()
    assert set(out) == KEYS
    bank = load_bank()
    assert out["totals"] == {
        "questions": len(bank.questions),
        "seen": 0,
        "reviews": 0,
        "correct": 0,
        "credit": 0,
        "accuracy": None,
    }
    assert [t["topic"] for t in out["topics"]] == list(bank.topics)
    for topic in out["topics"]:
        assert (topic["seen"], topic["due"]) == (0, 0)
        assert topic["retrievability"] is None and topic["accuracy"] is None
    assert out["reviews_per_day"]["counts"] == {}
    assert date.fromisoformat(out["reviews_per_day"]["start"]).weekday() == 0
    assert out["reviews_per_day"]["end"] == out["today"]
    assert out["accuracy_per_week"] == []
    assert len(out["due_forecast"]) == 14
    assert [d["due"] for d in out["due_forecast"]] == [0] * 14
    assert out["due_forecast"][0]["date"] == out["today"]
    assert out["answer_buttons"] == {"again": 0, "hard": 0, "good": 0, "easy": 0}
    assert out["exercises"] == {"total": len(names()), "attempted": 0, "solved": 0, "status": {}}
    assert out["interviews"] == []
    assert (data_home / "progress.sqlite3").exists()


def test_filled_store_numbers(data_home: Path) -> None:
    bank = load_bank()
    topic = next(iter(bank.topics))
    first, second = [q.id for q in bank.questions.values() if q.topic == topic][:2]
    now = now_utc()
    two_days_ago, yesterday = now - timedelta(days=2), now - timedelta(days=1)
    store = Store(data_home / "progress.sqlite3")
    record(store, first, two_days_ago, 3)
    record(store, first, yesterday, 4, due=now + timedelta(days=3))
    record(store, second, yesterday, 1, due=now - timedelta(hours=1))
    with clock(yesterday):
        store.record_exercise_attempt(
            "lstm_cell", passed=True, diagnosis=None, device="cpu", seed=0
        )
        interview = store.start_interview("lstm-basics", "junior")
        store.finish_interview(interview, 0.8, None)
    store.close()

    out = stats()
    assert out["totals"]["reviews"] == 3 and out["totals"]["correct"] == 2
    assert out["totals"]["seen"] == 2
    row = next(t for t in out["topics"] if t["topic"] == topic)
    assert (row["seen"], row["due"]) == (2, 1)
    assert abs(row["accuracy"] - 2 / 3) < 1e-9
    assert 0 < row["retrievability"] <= 1
    others = [t for t in out["topics"] if t["topic"] != topic]
    assert all(t["seen"] == 0 for t in others)

    expected_days: dict[str, int] = {}
    for moment in (two_days_ago, yesterday, yesterday):
        expected_days[local_day(moment)] = expected_days.get(local_day(moment), 0) + 1
    assert out["reviews_per_day"]["counts"] == expected_days
    assert sum(w["answered"] for w in out["accuracy_per_week"]) == 3

    today = date.fromisoformat(out["today"])
    forecast = [d["due"] for d in out["due_forecast"]]
    in_three = (date.fromisoformat(local_day(now + timedelta(days=3))) - today).days
    assert forecast[0] == 1 and forecast[in_three] == 1 and sum(forecast) == 2

    assert out["answer_buttons"] == {"again": 1, "hard": 0, "good": 1, "easy": 1}
    assert out["exercises"]["solved"] == 1 and out["exercises"]["total"] == len(names())
    assert out["interviews"] == [
        {"date": local_day(yesterday), "script": "lstm-basics", "level": "junior", "score": 0.8}
    ]


def test_titles_follow_lang_and_data_dir_flag(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    out = stats("--lang", "zh-Hant", "--data-dir", str(elsewhere))
    bank = load_bank()
    first = next(iter(bank.topics.values()))
    assert out["topics"][0]["title"] == first.title.zh
    assert (elsewhere / "progress.sqlite3").exists()
