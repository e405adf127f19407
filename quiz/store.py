"""Progress in one SQLite file: cards, every review, sessions, flags and exercise attempts.

Every write commits at once (autocommit), so a process killed mid-session keeps every answer
already given. WAL mode and a busy timeout let two copies of the app share the file.

This module is the store's API (`Store`); its pieces live beside it and are re-exported here:
the schema and migrations (quiz.store_schema), the records and the clock (quiz.store_records),
the conditions it raises (quiz.store_errors: StoreError, StoreLocked, StoreUnavailable) and
how the file is opened, locked, read-only or corrupt (quiz.store_open).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quiz.sanitize import clean_text
from quiz.store_errors import StoreError, StoreLocked, StoreUnavailable
from quiz.store_open import open_store
from quiz.store_records import ExerciseStatus, Flag, Interview, Review, now_utc
from quiz.store_schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ExerciseStatus",
    "Flag",
    "Interview",
    "Review",
    "Store",
    "StoreError",
    "StoreLocked",
    "StoreUnavailable",
    "now_utc",
]


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (sqlite3 types it Optional)."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


class Store:
    """The progress database. Open one per process; every method commits before it returns."""

    def __init__(self, path: Path, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        opened = open_store(self.path, busy_timeout)
        self._conn = opened.conn
        self.read_only = opened.read_only
        self.recovered_from = opened.recovered_from

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self) -> None:
        self._conn.close()

    def snapshot(self) -> sqlite3.Connection:
        """An in-memory copy of everything, as it is now (for an export)."""
        memory = sqlite3.connect(":memory:")
        self._conn.backup(memory)
        return memory

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    # sessions -------------------------------------------------------------------------------

    def start_session(self, mode: str, topic: str | None = None) -> int:
        cur = self._conn.execute(
            "INSERT INTO sessions (mode, topic, started_at) VALUES (?, ?, ?)",
            (mode, topic, now_utc().isoformat()),
        )
        return _row_id(cur)

    def end_session(self, session_id: int) -> None:
        self._conn.execute(
            "UPDATE sessions SET ended_at = ? WHERE id = ?", (now_utc().isoformat(), session_id)
        )

    # cards and reviews ----------------------------------------------------------------------

    def card_json(self, question_id: str) -> str | None:
        row = self._conn.execute(
            "SELECT card_json FROM cards WHERE question_id = ?", (question_id,)
        ).fetchone()
        return row[0] if row else None

    def cards(self) -> dict[str, str]:
        """Every scheduled card, question id -> serialized FSRS card."""
        return dict(self._conn.execute("SELECT question_id, card_json FROM cards"))

    def record_review(
        self,
        *,
        session_id: int | None,
        question_id: str,
        card_json: str | None,
        due: datetime | None,
        elapsed_s: float,
        correct: bool,
        score: float,
        rating: int,
        answer: Any,
    ) -> int:
        """Keep the answer and the card's new schedule in one commit; returns the review id.

        `card_json=None` records the answer without touching the schedule (practice mode).
        """
        with self._transaction() as conn:
            cur = conn.execute(
                "INSERT INTO reviews (session_id, question_id, answered_at, elapsed_s, correct,"
                " score, rating, answer_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    question_id,
                    now_utc().isoformat(),
                    elapsed_s,
                    int(correct),
                    score,
                    rating,
                    json.dumps(answer, ensure_ascii=False),
                ),
            )
            if card_json is not None and due is not None:
                self._put_card(conn, question_id, card_json, due)
        return _row_id(cur)

    def change_rating(
        self, review_id: int, rating: int, card_json: str | None, due: datetime | None
    ) -> None:
        """The learner overrode the suggested rating: fix the review and the schedule together."""
        with self._transaction() as conn:
            (question_id,) = conn.execute(
                "UPDATE reviews SET rating = ? WHERE id = ? RETURNING question_id",
                (rating, review_id),
            ).fetchone()
            if card_json is not None and due is not None:
                self._put_card(conn, question_id, card_json, due)

    @staticmethod
    def _put_card(
        conn: sqlite3.Connection, question_id: str, card_json: str, due: datetime
    ) -> None:
        conn.execute(
            "INSERT INTO cards (question_id, card_json, due) VALUES (?, ?, ?)"
            " ON CONFLICT(question_id) DO UPDATE SET card_json = excluded.card_json,"
            " due = excluded.due",
            (question_id, card_json, due.astimezone(UTC).isoformat()),
        )

    def make_due(
        self,
        question_ids: Iterable[str],
        at: datetime,
        due_card: Callable[[str | None, datetime], str],
    ) -> None:
        """Make these questions due at `at` in one commit (cards already due by then stay put).

        `due_card(card_json, at)` gives the card brought forward, or a fresh one for a question
        never scheduled (quiz.scheduler.due_at), so the store never needs to know fsrs. Nothing
        is recorded as a review: the learner has not answered anything.
        """
        moment = at.astimezone(UTC)
        with self._transaction() as conn:
            for question_id in question_ids:
                row = conn.execute(
                    "SELECT card_json, due FROM cards WHERE question_id = ?", (question_id,)
                ).fetchone()
                if row is None or datetime.fromisoformat(row[1]) > moment:
                    card_json = due_card(row[0] if row else None, moment)
                    self._put_card(conn, question_id, card_json, moment)

    def due_ids(self, at: datetime | None = None) -> list[str]:
        """Question ids whose card is due at `at` (default now), most overdue first."""
        moment = (at or now_utc()).astimezone(UTC).isoformat()
        rows = self._conn.execute(
            "SELECT question_id FROM cards WHERE due <= ? ORDER BY due", (moment,)
        )
        return [r[0] for r in rows]

    def due_dates(self) -> dict[str, datetime]:
        rows = self._conn.execute("SELECT question_id, due FROM cards")
        return {qid: datetime.fromisoformat(due) for qid, due in rows}

    def reviews(self, question_id: str | None = None) -> list[Review]:
        sql = "SELECT question_id, answered_at, elapsed_s, correct, score, rating FROM reviews"
        params: tuple[Any, ...] = ()
        if question_id is not None:
            sql += " WHERE question_id = ?"
            params = (question_id,)
        rows = self._conn.execute(sql + " ORDER BY id", params)
        return _reviews(rows)

    def session_reviews(self, session_id: int) -> list[Review]:
        rows = self._conn.execute(
            "SELECT question_id, answered_at, elapsed_s, correct, score, rating FROM reviews"
            " WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return _reviews(rows)

    def schedule_reviews(self) -> list[Review]:
        """Answers that moved a card, oldest first: not practice, and only for questions with a
        card (one asked inline by an interview has none). FSRS's review log."""
        rows = self._conn.execute(
            "SELECT r.question_id, r.answered_at, r.elapsed_s, r.correct, r.score, r.rating"
            " FROM reviews r JOIN cards c ON c.question_id = r.question_id"
            " LEFT JOIN sessions s ON s.id = r.session_id"
            " WHERE COALESCE(s.mode, '') != 'practice' ORDER BY r.answered_at, r.id"
        )
        return _reviews(rows)

    def wrong_answers(self) -> dict[str, list[datetime]]:
        """When each question was answered wrong, in schedule-keeping sittings (practice
        answers leave the schedule alone, and so leave leeches alone too)."""
        rows = self._conn.execute(
            "SELECT r.question_id, r.answered_at FROM reviews r"
            " LEFT JOIN sessions s ON s.id = r.session_id"
            " WHERE r.correct = 0 AND COALESCE(s.mode, '') != 'practice' ORDER BY r.id"
        )
        wrong: dict[str, list[datetime]] = {}
        for question_id, at in rows:
            wrong.setdefault(question_id, []).append(datetime.fromisoformat(at))
        return wrong

    def release_leech(self, question_id: str, at: datetime) -> None:
        """The learner has looked at what helps: earlier wrong answers no longer count."""
        self._conn.execute(
            "INSERT INTO leech_releases (question_id, released_at) VALUES (?, ?)"
            " ON CONFLICT(question_id) DO UPDATE SET released_at = excluded.released_at",
            (question_id, at.astimezone(UTC).isoformat()),
        )

    def leech_releases(self) -> dict[str, datetime]:
        rows = self._conn.execute("SELECT question_id, released_at FROM leech_releases")
        return {qid: datetime.fromisoformat(at) for qid, at in rows}

    # flags ----------------------------------------------------------------------------------

    def flag(self, question_id: str, note: str = "") -> None:
        """Keep a flag; control characters in the note are dropped."""
        self._conn.execute(
            "INSERT INTO flags (question_id, note, created_at) VALUES (?, ?, ?)",
            (question_id, clean_text(note), now_utc().isoformat()),
        )

    def flags(self) -> list[Flag]:
        rows = self._conn.execute("SELECT question_id, note, created_at FROM flags ORDER BY id")
        return [Flag(q, n, datetime.fromisoformat(at)) for q, n, at in rows]

    # exercises ------------------------------------------------------------------------------

    def record_exercise_attempt(
        self, exercise: str, *, passed: bool, diagnosis: str | None, device: str, seed: int
    ) -> None:
        self._conn.execute(
            "INSERT INTO exercise_attempts (exercise, attempted_at, passed, diagnosis, device,"
            " seed) VALUES (?, ?, ?, ?, ?, ?)",
            (exercise, now_utc().isoformat(), int(passed), diagnosis, device, seed),
        )

    def exercise_status(self) -> dict[str, ExerciseStatus]:
        """Standing per graded exercise, from its latest attempt."""
        rows = self._conn.execute(
            "SELECT a.exercise, a.passed, a.attempted_at, a.diagnosis, counts.n"
            " FROM exercise_attempts a JOIN (SELECT exercise, COUNT(*) AS n, MAX(id) AS last"
            " FROM exercise_attempts GROUP BY exercise) counts ON a.id = counts.last"
        )
        return {
            name: ExerciseStatus(
                name, "passing" if passed else "failing", n, datetime.fromisoformat(at), diag
            )
            for name, passed, at, diag, n in rows
        }

    # mock interviews ------------------------------------------------------------------------

    def start_interview(self, script: str, level: str) -> int:
        cur = self._conn.execute(
            "INSERT INTO interviews (script, level, started_at) VALUES (?, ?, ?)",
            (script, level, now_utc().isoformat()),
        )
        return _row_id(cur)

    def finish_interview(self, interview_id: int, score: float, report_path: str | None) -> None:
        self._conn.execute(
            "UPDATE interviews SET ended_at = ?, score = ?, report_path = ? WHERE id = ?",
            (now_utc().isoformat(), score, report_path, interview_id),
        )

    def interviews(self) -> list[Interview]:
        """Every interview, oldest first; unfinished ones have no score."""
        rows = self._conn.execute(
            "SELECT id, script, level, started_at, ended_at, score, report_path FROM interviews"
            " ORDER BY id"
        )
        return [
            Interview(
                i,
                script,
                level,
                datetime.fromisoformat(start),
                datetime.fromisoformat(end) if end else None,
                score,
                path,
            )
            for i, script, level, start, end, score, path in rows
        ]


def _reviews(rows: Iterable[tuple[Any, ...]]) -> list[Review]:
    """Rows of (question_id, answered_at, elapsed_s, correct, score, rating) as Reviews."""
    return [
        Review(q, datetime.fromisoformat(at), el, bool(ok), sc, rt)
        for q, at, el, ok, sc, rt in rows
    ]
