"""Opening the progress file, telling its three conditions apart.

- locked: another program holds the file past the busy timeout. `StoreLocked` is raised; the
  file is healthy and never moved, and the caller retries.
- read-only (the file or its folder can't be written): the store works on an in-memory copy and
  says so (`read_only`), so the app runs and the learner is told answers won't be kept.
- corrupt (not a database, or it fails its integrity check): the file is moved aside, kept, and
  replaced by a fresh one (`recovered_from` says where).
Anything else that makes the file unusable raises `StoreUnavailable` with a one-line reason.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from quiz.l10n import _
from quiz.store_errors import (
    LOCKED,
    LockAwareConnection,
    StoreError,
    StoreLocked,
    StoreUnavailable,
    locked_error,
)
from quiz.store_records import now_utc
from quiz.store_schema import migrate


@dataclass
class Opened:
    """A connection to the progress database, and the condition it was opened in."""

    conn: sqlite3.Connection
    read_only: bool = False
    recovered_from: Path | None = None  # where a corrupt file was moved aside


def open_store(path: Path, busy_timeout: float) -> Opened:
    """Open (creating, migrating, or recovering) the progress file at `path`."""
    return _Opener(path, busy_timeout).open()


class _Opener:
    def __init__(self, path: Path, busy_timeout: float) -> None:
        self.path = path
        self.busy_timeout = busy_timeout

    def open(self) -> Opened:
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
            return Opened(self._open_read_only(), read_only=True)
        try:
            return Opened(self._open())
        except sqlite3.OperationalError as exc:
            if "readonly" not in str(exc) and "read-only" not in str(exc):
                raise StoreUnavailable(
                    _("cannot open {path}: {reason}").format(path=self.path, reason=exc)
                ) from exc
            return Opened(self._open_read_only(), read_only=True)
        except sqlite3.DatabaseError:
            recovered_from = self._move_aside()
            return Opened(self._open(), recovered_from=recovered_from)

    def _writable(self) -> bool:
        folder_ok = os.access(self.path.parent, os.W_OK)
        return folder_ok and (not self.path.exists() or os.access(self.path, os.W_OK))

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn: LockAwareConnection = sqlite3.connect(
            target,
            timeout=self.busy_timeout,
            isolation_level=None,
            check_same_thread=False,
            uri=uri,
            factory=LockAwareConnection,
        )
        conn.store_path = self.path
        return conn

    def _open(self) -> sqlite3.Connection:
        """Open, retrying within the busy timeout: SQLite answers "locked" at once, without
        waiting, when processes open a fresh file together (switching it to WAL, say)."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                return self._open_once()
            except StoreLocked:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.05)

    def _open_once(self) -> sqlite3.Connection:
        conn = self._connect(str(self.path))
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            migrate(conn, self.path)
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
                    if any(text in str(exc) for text in LOCKED):
                        raise locked_error(exc, self.path) from exc
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
        migrate(memory, self.path)
        return memory

    def _move_aside(self) -> Path:
        stamp = now_utc().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        self.path.rename(target)
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if side.exists():
                side.rename(target.with_name(target.name + suffix))
        return target
