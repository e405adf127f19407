"""What can go wrong with the progress file, as exceptions whose message is for the learner.

`StoreLocked` (another program holds the file: retry, nothing is lost) and `StoreUnavailable`
(the file or its folder can't be used at all) are both `StoreError`s. `LockAwareConnection` turns
SQLite's "database is locked" into StoreLocked wherever it happens, at open or mid-session.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from quiz.l10n import _


class StoreError(Exception):
    """The progress file can't be used as asked; the message is written for the learner."""


class StoreLocked(StoreError):
    """Another program has held the file past the busy timeout: retry later; nothing is lost."""


class StoreUnavailable(StoreError):
    """The data folder or progress file can't be opened at all."""


LOCKED = ("database is locked", "database table is locked", "database is busy")


def locked_error(exc: sqlite3.Error, path: Path) -> StoreLocked:
    return StoreLocked(
        _(
            "{path} is in use by another program. Nothing was moved or lost; try again in a moment."
        ).format(path=path)
    )


class LockAwareConnection(sqlite3.Connection):
    """Turns "database is locked" into StoreLocked wherever it happens, at open or mid-session."""

    store_path = Path()

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.OperationalError as exc:
            if any(text in str(exc) for text in LOCKED):
                raise locked_error(exc, self.store_path) from exc
            raise
