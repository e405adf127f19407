"""The grader's Python API, as the TUI will use it: plain functions, no printing, no torch."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_grader_support import FIXTURES, MISTAKE_FILES, REPO

from exercises import api, catalogue
from exercises.errors import UsageError
from quiz.store import Store

SOLUTION = REPO / "exercises" / "rnn_cell" / "solution.py"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RNNPREP_HOME", str(tmp_path))
    return tmp_path


def test_parent_side_never_imports_torch() -> None:
    modules = (
        "exercises.cli, exercises.api, exercises.catalogue, exercises.report, exercises.devcheck"
    )
    code = f"import sys, {modules}; print(sorted(m for m in sys.modules if m.startswith('torch')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_warm_grader_regrades_fast_and_survives_a_crash(store: Store) -> None:
    mistake = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
    with api.Grader(store) as grader:
        grader.start()
        first = grader.grade("rnn_cell", SOLUTION, record=False)
        grader.grade("lstm_cell", mistake, record=False)
        started = time.monotonic()
        second = grader.grade("lstm_cell", mistake, record=False)  # a re-grade after a save
        assert time.monotonic() - started < 1.0  # a cold grade imports torch: over 1.3 s
        crashed = grader.grade("rnn_cell", FIXTURES / "hostile" / "crash__os_exit.py", record=False)
        after = grader.grade("rnn_cell", SOLUTION, record=False)
    assert (first.verdict, second.verdict, crashed.verdict, after.verdict) == (
        "pass",
        "lstm.gate_order",
        "crash",
        "pass",
    )
    assert second.worst is not None and second.worst.output in ("h_next", "c_next")
    assert "--seed" in second.replay


def test_grade_records_and_list_reports(home: Path) -> None:
    store = Store(home / "progress.sqlite3")  # the caller's one store, passed in
    assert [(i.name, i.status) for i in api.list_exercises(store)] == [
        (name, "not started") for name in catalogue.names()
    ]
    result = api.grade("rnn_cell", SOLUTION, seed=11, store=store)
    assert result.passed and result.seed == 11 and result.device == "cpu"
    assert result.to_json()["checks"][-1] == {
        "name": "inputs unchanged",
        "passed": True,
        "message": "",
    }
    [info] = [i for i in api.list_exercises(store) if i.name == "rnn_cell"]
    assert (info.status, info.attempts, info.last_diagnosis) == ("passing", 1, None)
    assert info.last_attempt is not None and info.file == home / "workspace" / "rnn_cell.py"


def test_learner_file_is_created_only_when_asked(home: Path) -> None:
    path = api.learner_file("gru_cell", create=False)
    assert not path.exists()
    assert api.learner_file("gru_cell") == path and path.exists()
    path.write_text("# mine\n")
    assert api.learner_file("gru_cell").read_text() == "# mine\n"
    api.reset("gru_cell")
    assert "NotImplementedError" in path.read_text()


def test_usage_errors(store: Store) -> None:
    with pytest.raises(UsageError, match="Did you mean gru_cell"):
        api.grade("gru", store=store)
    with pytest.raises(UsageError, match="device"):
        api.grade("gru_cell", device="tpu", store=store)
    with pytest.raises(UsageError, match="no file"):
        api.grade("gru_cell", file="missing.py", store=store)


def test_hints_count_up() -> None:
    assert api.hints_shown("rnn_cell") == 0
    assert [api.next_hint("rnn_cell").number for _ in range(4)] == [1, 2, 3, 3]
    assert api.hints_shown("rnn_cell") == 3
