"""The SQLite store on a real file: commits, schedule, recovery, migrations, two writers."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from quiz.store import SCHEMA_VERSION, Store, now_utc


def review(store: Store, qid: str, due_in: timedelta, correct: bool = True) -> int:
    return store.record_review(
        session_id=None,
        question_id=qid,
        card_json='{"x": 1}',
        due=now_utc() + due_in,
        elapsed_s=3.0,
        correct=correct,
        score=float(correct),
        rating=3,
        answer={"picked": "答案"},
    )


def test_reviews_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = Store(path)
    review(store, "a", timedelta(days=-1))
    review(store, "b", timedelta(days=3), correct=False)
    store.close()
    again = Store(path)
    assert [r.question_id for r in again.reviews()] == ["a", "b"]
    assert again.due_ids() == ["a"]
    assert set(again.due_dates()) == {"a", "b"}
    assert again.reviews("b")[0].correct is False


def test_practice_answers_leave_the_schedule_alone(store: Store) -> None:
    store.record_review(
        session_id=None,
        question_id="p",
        card_json=None,
        due=None,
        elapsed_s=1,
        correct=True,
        score=1,
        rating=3,
        answer=1,
    )
    assert store.cards() == {}
    assert len(store.reviews()) == 1


def test_change_rating_updates_review_and_card(store: Store) -> None:
    rid = review(store, "a", timedelta(days=1))
    store.change_rating(rid, 1, '{"y": 2}', now_utc() - timedelta(minutes=1))
    assert store.reviews()[0].rating == 1
    assert store.card_json("a") == '{"y": 2}'
    assert store.due_ids() == ["a"]


def test_corrupt_file_is_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    store = Store(path)
    assert store.recovered_from is not None
    assert store.recovered_from.read_bytes().startswith(b"this is not a database")
    assert store.recovered_from.parent == tmp_path
    review(store, "a", timedelta(days=1))
    assert len(store.reviews()) == 1


def test_schema_version_and_migration_from_version_1(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    from quiz.store import MIGRATIONS

    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute(
        "INSERT INTO reviews (question_id, answered_at, elapsed_s, correct, score, rating,"
        " answer_json) VALUES ('kept', '2026-01-01T00:00:00+00:00', 1, 1, 1, 3, '1')"
    )
    conn.commit()
    conn.close()
    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    assert [r.question_id for r in store.reviews()] == ["kept"]
    store.record_exercise_attempt("lstm_cell", passed=False, diagnosis="x", device="cpu", seed=1)


def test_two_open_copies_both_write(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    first, second = Store(path), Store(path)
    for i in range(20):
        review(first, f"a{i}", timedelta(days=1))
        review(second, f"b{i}", timedelta(days=1))
    assert len(Store(path).reviews()) == 40
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert journal == "wal"


def test_exercise_status_follows_the_latest_attempt(store: Store) -> None:
    store.record_exercise_attempt("gru_cell", passed=True, diagnosis=None, device="cpu", seed=1)
    store.record_exercise_attempt(
        "gru_cell", passed=False, diagnosis="gru.gate_order", device="cpu", seed=2
    )
    status = store.exercise_status()["gru_cell"]
    assert (status.status, status.attempts, status.last_diagnosis) == (
        "failing",
        2,
        "gru.gate_order",
    )


def test_flags(store: Store) -> None:
    store.flag("gates.lstm-order", "choice 3 reads oddly")
    assert [(f.question_id, f.note) for f in store.flags()] == [
        ("gates.lstm-order", "choice 3 reads oddly")
    ]


def test_interviews_are_kept_with_their_scores(store: Store) -> None:
    first = store.start_interview("lstm-junior", "junior")
    store.start_interview("gru-senior", "senior")
    store.finish_interview(first, 0.75, "/tmp/report.md")
    done, open_one = store.interviews()
    assert (done.script, done.score, done.report_path) == ("lstm-junior", 0.75, "/tmp/report.md")
    assert done.ended_at is not None and done.ended_at >= done.started_at
    assert (open_one.level, open_one.score, open_one.ended_at) == ("senior", None, None)


def test_flag_notes_lose_control_characters(store: Store) -> None:
    store.flag("gates.lstm-order", "odd\x1b]0;title\x07 wording\r")
    assert store.flags()[0].note == "odd]0;title wording"
