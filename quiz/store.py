"""Progress in one SQLite file: cards, every review, sessions, flags and exercise attempts.

Every write commits at once (autocommit), so a process killed mid-session keeps every answer
already given. WAL mode and a busy timeout let two copies of the app share the file.

Three conditions are told apart, because each wants a different answer:
- locked: another program holds the file past the busy timeout. `StoreLocked` is raised; the
  file is healthy and never moved, and the caller retries.
- read-only (the file or its folder can't be written): the store works on an in-memory copy and
  says so (`read_only`), so the app runs and the learner is told answers won't be kept.
- corrupt (not a database, or it fails its integrity check): the file is moved aside, kept, and
  replaced by a fresh one (`recovered_from` says where).
Anything else that makes the file unusable raises `StoreUnavailable` with a one-line reason.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from quiz.l10n import _
from quiz.sanitize import clean_text

SCHEMA_VERSION = 2

# Each entry upgrades the schema from its index to index + 1; never edit a shipped step.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        card_json   TEXT NOT NULL,
        due         TEXT NOT NULL
    );
    CREATE INDEX cards_due ON cards(due);
    CREATE TABLE sessions (
        id          INTEGER PRIMARY KEY,
        mode        TEXT NOT NULL,
        topic       TEXT,
        started_at  TEXT NOT NULL,
        ended_at    TEXT
    );
    CREATE TABLE reviews (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER REFERENCES sessions(id),
        question_id TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        elapsed_s   REAL NOT NULL,
        correct     INTEGER NOT NULL,
        score       REAL NOT NULL,
        rating      INTEGER NOT NULL,
        answer_json TEXT NOT NULL
    );
    CREATE INDEX reviews_question ON reviews(question_id);
    CREATE TABLE flags (
        id          INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        note        TEXT NOT NULL,
        created_at  TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE exercise_attempts (
        id           INTEGER PRIMARY KEY,
        exercise     TEXT NOT NULL,
        attempted_at TEXT NOT NULL,
        passed       INTEGER NOT NULL,
        diagnosis    TEXT,
        device       TEXT NOT NULL,
        seed         INTEGER NOT NULL
    );
    CREATE INDEX attempts_exercise ON exercise_attempts(exercise);
    CREATE TABLE interviews (
        id          INTEGER PRIMARY KEY,
        script      TEXT NOT NULL,
        level       TEXT NOT NULL,
        started_at  TEXT NOT NULL,
        ended_at    TEXT,
        score       REAL,
        report_path TEXT
    );
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def now_utc() -> datetime:
    """The store's clock: timezone-aware UTC, as FSRS expects."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Review:
    """One answer as the store keeps it."""

    question_id: str
    answered_at: datetime
    elapsed_s: float
    correct: bool
    score: float
    rating: int


@dataclass(frozen=True)
class Flag:
    question_id: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class ExerciseStatus:
    """Where a learner stands on one exercise."""

    exercise: str
    status: str  # "failing" or "passing"; exercises never graded are absent
    attempts: int
    last_attempt: datetime
    last_diagnosis: str | None


@dataclass(frozen=True)
class Interview:
    """One mock interview; `score` (0-1) and `report_path` are set when it ends."""

    id: int
    script: str
    level: str
    started_at: datetime
    ended_at: datetime | None
    score: float | None
    report_path: str | None


class StoreError(Exception):
    """The progress file can't be used as asked; the message is written for the learner."""


class StoreLocked(StoreError):
    """Another program has held the file past the busy timeout: retry later; nothing is lost."""


class StoreUnavailable(StoreError):
    """The data folder or progress file can't be opened at all."""


_LOCKED = ("database is locked", "database table is locked", "database is busy")


def _locked(exc: sqlite3.Error, path: Path) -> StoreLocked:
    return StoreLocked(
        _(
            "{path} is in use by another program. Nothing was moved or lost; try again in a moment."
        ).format(path=path)
    )


class _Connection(sqlite3.Connection):
    """Turns "database is locked" into StoreLocked wherever it happens, at open or mid-session."""

    store_path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if any(text in str(exc) for text in _LOCKED):
                raise _locked(exc, self.store_path) from exc
            raise


def _row_id(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made (sqlite3 types it Optional)."""
    assert cursor.lastrowid is not None
    return cursor.lastrowid


class Store:
    """The progress database. Open one per process; every method commits before it returns."""

    def __init__(self, path: Path, *, busy_timeout: float = 10.0) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.recovered_from: Path | None = None
        self.read_only = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            if not self.path.parent.is_dir():
                raise StoreUnavailable(
                    _("cannot use {folder} as the data folder: {reason}").format(
                        folder=self.path.parent, reason=exc.strerror
                    )
                ) from exc
        if self.path.is_dir():
            raise StoreUnavailable(
                _("{path} is a folder, not a progress file").format(path=self.path)
            )
        if not self._writable():
            self.read_only = True
            self._conn = self._open_read_only()
            return
        try:
            self._conn = self._open()
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc):
                raise StoreUnavailable(
                    _("cannot open {path}: {reason}").format(path=self.path, reason=exc)
                ) from exc
            self.read_only = True
            self._conn = self._open_read_only()
        except sqlite3.DatabaseError:
            self.recovered_from = self._move_aside()
            self._conn = self._open()

    def _writable(self) -> bool:
        folder_ok = os.access(self.path.parent, os.W_OK)
        return folder_ok and (not self.path.exists() or os.access(self.path, os.W_OK))

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn: _Connection = sqlite3.connect(
            target,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=uri,
            factory=_Connection,
        )
        conn.store_path = self.path
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = self._connect(str(self.path))
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            self._migrate(conn)
        except (sqlite3.DatabaseError, StoreError):
            conn.close()
            raise
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """An in-memory copy of the file (or an empty store): the app works, nothing is kept."""
        memory = self._connect(":memory:")
        if self.path.exists():
            name = quote(str(self.path.resolve()))
            for mode in (
                "mode=ro",
                "immutable=1",
            ):  # immutable: a WAL file whose -shm can't be made
                try:
                    source = self._connect(f"file:{name}?{mode}", uri=True)
                    try:
                        source.backup(memory)
                    finally:
                        source.close()
                    break
                except sqlite3.OperationalError as exc:
                    if any(text in str(exc) for text in _LOCKED):
                        raise _locked(exc, self.path) from exc
                    problem = exc
                except sqlite3.DatabaseError as exc:
                    raise StoreUnavailable(
                        _(
                            "{path} is damaged and its folder is read-only, so it can't be moved"
                            " aside; copy it somewhere writable or use --data-dir"
                        ).format(path=self.path)
                    ) from exc
            else:
                raise StoreUnavailable(
                    _("cannot read {path}: {reason}").format(path=self.path, reason=problem)
                )
        self._migrate(memory)
        return memory

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:  # a newer rnnprep's file: healthy, so never moved aside
            raise StoreUnavailable(
                _(
                    "{path} was written by a newer rnnprep (schema {version}, this one knows"
                    " {known}); update rnnprep to open it"
                ).format(path=self.path, version=version, known=SCHEMA_VERSION)
            )
        for step in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[step].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {step + 1}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    def _move_aside(self) -> Path:
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target

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
        return [
            Review(q, datetime.fromisoformat(at), el, bool(ok), sc, rt)
            for q, at, el, ok, sc, rt in rows
        ]

    def session_reviews(self, session_id: int) -> list[Review]:
        rows = self._conn.execute(
            "SELECT question_id, answered_at, elapsed_s, correct, score, rating FROM reviews"
            " WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [
            Review(q, datetime.fromisoformat(at), el, bool(ok), sc, rt)
            for q, at, el, ok, sc, rt in rows
        ]

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
