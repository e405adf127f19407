"""SIGKILL mid-session loses nothing already answered."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from quiz.store import Store
from tests.conftest import FIXTURES


def test_sigkill_keeps_every_answer(data_home: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, str(FIXTURES / "answer_then_hang.py"), "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RNNPREP_HOME": str(data_home)},
    )
    answered = []
    try:
        for line in proc.stdout:
            if line.strip() == "READY":
                break
            answered.append(line.strip())
        else:
            raise AssertionError(f"the app never got ready: {proc.stderr.read()}")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(answered) == 3
    store = Store(data_home / "progress.sqlite3")
    assert [r.question_id for r in store.reviews()] == answered
    assert set(store.due_dates()) == set(answered)
