"""The progress file's schema: its version, the migration steps, and applying them.

Each entry of MIGRATIONS upgrades the schema from its index to index + 1; never edit a shipped
step, add one. A file written by a newer rnnprep (a higher user_version) is healthy and is never
touched: `migrate` refuses it with StoreUnavailable.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from quiz.l10n import _
from quiz.store_errors import StoreUnavailable

SCHEMA_VERSION = 3

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
    # A leech (a question answered wrong again and again, quiz.leeches) comes back into the
    # rotation once the learner has looked at what helps; wrong answers count from then on.
    """
    CREATE TABLE leech_releases (
        question_id TEXT PRIMARY KEY,
        released_at TEXT NOT NULL
    );
    """,
]
assert len(MIGRATIONS) == SCHEMA_VERSION


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the database on `conn` (the file at `path`, for messages) up to SCHEMA_VERSION."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:  # a newer rnnprep's file: healthy, so never moved aside
        raise StoreUnavailable(
            _(
                "{path} was written by a newer rnnprep (schema {version}, this one knows"
                " {known}); update rnnprep to open it"
            ).format(path=path, version=version, known=SCHEMA_VERSION)
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read again under the write lock: another process opening a fresh file at the same
            # moment may have run this step already ("table cards already exists").
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < SCHEMA_VERSION:
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
