"""Locked, read-only and corrupt progress files are told apart, and only corrupt is moved.

A healthy file held by another program must never be called corrupt and moved aside (the
learner would see "0 seen"); a read-only one must still open; a damaged one is kept.
"""

from __future__ import annotations

import sqlite3
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from quiz.store import SCHEMA_VERSION, Store, StoreLocked, StoreUnavailable, now_utc
from tests.unprivileged import give_to_nobody, run_read_only, share


def _answer(store: Store, qid: str) -> None:
    store.record_review(
        session_id=None,
        question_id=qid,
        card_json="{}",
        due=now_utc() + timedelta(days=1),
        elapsed_s=1.0,
        correct=True,
        score=1.0,
        rating=3,
        answer=0,
    )


def _healthy(path: Path) -> bytes:
    store = Store(path)
    _answer(store, "kept")
    store.close()
    return path.read_bytes()


def test_locked_at_open_raises_locked_and_never_moves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    _healthy(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreLocked, match="in use by another program"):
        Store(path, busy_timeout=0.2)
    holder.execute("COMMIT")
    holder.close()
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []
    assert [r.question_id for r in Store(path).reviews()] == ["kept"]


def test_locked_mid_session_raises_locked_then_writes_once_released(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    _healthy(path)
    store = Store(path, busy_timeout=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer that doesn't let go
    with pytest.raises(StoreLocked):
        _answer(store, "late")
    holder.execute("ROLLBACK")
    _answer(store, "late")  # the retry succeeds: nothing was lost or moved
    assert [r.question_id for r in Store(path).reviews()] == ["kept", "late"]


def test_corrupt_is_still_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    store = Store(path)
    assert store.recovered_from is not None and not store.read_only
    assert store.recovered_from.read_bytes() == b"garbage" * 1000


def test_a_newer_schema_is_refused_not_moved(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    _healthy(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreUnavailable, match="newer rnnprep"):
        Store(path)
    assert path.exists() and not list(tmp_path.glob("*corrupt*"))


def test_a_data_folder_that_is_a_file_is_refused_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="data folder") as caught:
        Store(blocker / "progress.sqlite3")
    assert "\n" not in str(caught.value)


CHILD = """
import json, sys
from datetime import timedelta
from pathlib import Path
from quiz.store import Store, StoreUnavailable, now_utc
path = Path({path!r})
try:
    store = Store(path)
except StoreUnavailable as exc:
    print(json.dumps({{"unavailable": str(exc)}}))
    sys.exit(0)
seen = [r.question_id for r in store.reviews()]
store.record_review(session_id=None, question_id="new", card_json="{{}}",
    due=now_utc() + timedelta(days=1), elapsed_s=1.0, correct=True, score=1.0, rating=3, answer=0)
print(json.dumps({{"read_only": store.read_only, "seen": seen,
    "after": [r.question_id for r in store.reviews()], "moved": str(store.recovered_from)}}))
"""


def _unprivileged_open(path: Path, read_only: Path) -> dict:
    code = textwrap.dedent(CHILD.format(path=str(path)))
    return run_read_only([sys.executable, "-c", code], [read_only])


def test_a_read_only_file_opens_read_only_and_is_left_alone(tmp_path: Path) -> None:
    folder = share(tmp_path / "data")
    give_to_nobody(folder)  # the folder is writable, the file is not
    path = folder / "progress.sqlite3"
    before = _healthy(path)
    for side in folder.glob("progress.sqlite3-*"):
        side.unlink()
    path.chmod(0o444)
    result = _unprivileged_open(path, read_only=path)
    assert result["read_only"] is True and result["moved"] == "None"
    assert result["seen"] == ["kept"] and result["after"] == ["kept", "new"]
    assert path.read_bytes() == before
    assert not list(folder.glob("*corrupt*"))


def test_a_read_only_folder_is_not_called_corrupt(tmp_path: Path) -> None:
    folder = share(tmp_path / "data")
    path = folder / "progress.sqlite3"
    _healthy(path)
    folder.chmod(0o555)
    path.chmod(0o444)
    result = _unprivileged_open(path, read_only=folder)
    assert result["read_only"] is True and result["seen"] == ["kept"]
    assert not list(folder.glob("*corrupt*"))


def test_a_damaged_file_in_a_read_only_folder_is_named_and_kept(tmp_path: Path) -> None:
    folder = share(tmp_path / "data")
    path = folder / "progress.sqlite3"
    path.write_bytes(b"garbage" * 1000)
    path.chmod(0o444)
    folder.chmod(0o555)
    result = _unprivileged_open(path, read_only=folder)
    assert "damaged" in result["unavailable"] and "read-only" in result["unavailable"]
    assert path.read_bytes() == b"garbage" * 1000


def test_many_processes_opening_a_fresh_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Two copies of the app (or gradings) starting together on a new data folder both create
    the schema; the second must see the first's work, not fail with "table already exists"."""
    import subprocess
    import sys
    import time

    path = tmp_path / "progress.sqlite3"
    code = (
        "import sys, time; from pathlib import Path; from quiz.store import Store; "
        "time.sleep(max(0.0, float(sys.argv[2]) - time.time())); "
        "Store(Path(sys.argv[1])).close(); print('ok')"
    )
    together = time.time() + 2.0  # every process imports first, then all open at this moment
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(path), str(together)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(12)
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    assert Store(path).schema_version == SCHEMA_VERSION
