"""The `grade` and `rnnprep exercise` command lines, run for real in subprocesses."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch
from test_grader_support import EXERCISE, FIXTURES, GRADE, MISTAKE_FILES, REPO, exercise, grade

from exercises import catalogue
from exercises.results import CHECKS
from quiz.locations import db_path
from quiz.store import Store

SOLUTION = {name: REPO / "exercises" / name / "solution.py" for name in catalogue.names()}
GATE_ORDER = MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py"
cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data dir, for the subprocesses and for this process's reads of the store."""
    monkeypatch.setenv("RNNPREP_HOME", str(tmp_path))
    return tmp_path


# -- usage errors (exit 2) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["exercise", "lstm_cel"], "Did you mean lstm_cell?"),
        (["exercise", "rnn_cell", "--file", "no/such/file.py"], "There is no file"),
        (["exercise"], "give an exercise NAME or --all"),
        (["exercise", "rnn_cell", "--all"], "give an exercise NAME or --all"),
        (["exercise", "rnn_cell", "--device", "tpu"], "invalid choice"),
        (["exercise", "--all", "--watch"], "no --file or --watch"),
    ],
)
def test_usage_errors_exit_2(home: Path, args: list[str], message: str) -> None:
    run = grade(*args, home=home)
    assert run.code == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_help_explains(home: Path) -> None:
    run = grade("exercise", "--help", home=home)
    assert run.code == 0
    for words in ("--watch", "--seed", "exit codes", '"diagnosis"', "--check-catalogue"):
        assert words in run.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_cuda_is_a_usage_error(home: Path) -> None:
    run = grade(
        "exercise", "rnn_cell", "--file", str(SOLUTION["rnn_cell"]), "--device", "cuda", home=home
    )
    assert run.code == 2
    assert "no usable CUDA" in run.stderr


# -- grading ------------------------------------------------------------------------------


def test_first_use_creates_the_file_and_never_overwrites_it(home: Path) -> None:
    first = grade("exercise", "rnn_cell", home=home)
    path = home / "workspace" / "rnn_cell.py"
    assert first.code == 1
    assert f"Created your file from the starter: {path}" in first.stdout
    assert path.read_text() == (REPO / "exercises" / "rnn_cell" / "starter.py").read_text()
    assert "Diagnosis (not_implemented)" in first.stdout

    path.write_text(SOLUTION["rnn_cell"].read_text())
    second = grade("exercise", "rnn_cell", "--json", home=home)
    assert second.code == 0, second.stdout
    assert second.json()["passed"] is True
    assert "Created" not in second.stdout + second.stderr
    assert path.read_text() == SOLUTION["rnn_cell"].read_text()

    standing = Store(db_path()).exercise_status()["rnn_cell"]
    assert (standing.status, standing.attempts, standing.last_diagnosis) == ("passing", 2, None)


def test_json_is_exactly_the_documented_object(home: Path) -> None:
    run = grade(
        "exercise", "lstm_cell", "--file", str(GATE_ORDER), "--seed", "123", "--json", home=home
    )
    assert run.code == 1
    result = run.json()
    assert list(result) == ["exercise", "passed", "device", "seed", "checks", "diagnosis", "output"]
    assert (result["exercise"], result["passed"], result["device"], result["seed"]) == (
        "lstm_cell",
        False,
        "cpu",
        123,
    )
    assert [c["name"] for c in result["checks"]] == list(CHECKS[: len(result["checks"])])
    assert all(set(c) == {"name", "passed", "message"} for c in result["checks"])
    assert result["diagnosis"]["id"] == "lstm.gate_order"
    assert "i,f,o,g" in result["diagnosis"]["message"]

    again = grade(
        "exercise", "lstm_cell", "--file", str(GATE_ORDER), "--seed", "123", "--json", home=home
    )
    assert again.json() == result  # the seed replays the same inputs, hence the same errors

    standing = Store(db_path()).exercise_status()["lstm_cell"]
    assert (standing.status, standing.last_diagnosis) == ("failing", "lstm.gate_order")


def test_human_report(home: Path) -> None:
    run = grade("exercise", "lstm_cell", "--file", str(GATE_ORDER), "--seed", "7", home=home)
    out = run.stdout
    assert run.code == 1
    assert "  ✓ shape, dtype and device" in out
    assert "  ✗ values (float64)" in out
    assert "  · gradients (not run)" in out
    assert "Diagnosis (lstm.gate_order): Your code reads the four stacked gate blocks" in out
    assert "Largest error: " in out and " at h_next[" in out
    assert f"Same inputs again: grade exercise lstm_cell --seed 7 --file {GATE_ORDER}" in out


def test_all_grades_every_exercise_in_one_go(home: Path) -> None:
    run = grade("exercise", "--all", "--json", "--seed", "3", home=home)
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert run.code == 1
    assert [r["exercise"] for r in results] == catalogue.names()
    assert all(r["diagnosis"]["id"] == "not_implemented" and r["seed"] == 3 for r in results)
    assert len(Store(db_path()).exercise_status()) == len(catalogue.names())


def test_watch_regrades_on_save_and_stops_on_ctrl_c(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text((REPO / "exercises" / "rnn_cell" / "starter.py").read_text())
    proc = subprocess.Popen(
        [*GRADE, "exercise", "rnn_cell", "--file", str(path), "--watch", "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RNNPREP_HOME": str(home)},
    )
    try:
        first = _line(proc, 60)
        assert json.loads(first)["diagnosis"]["id"] == "not_implemented"
        time.sleep(0.5)  # let the watcher settle before the save
        path.write_text(SOLUTION["rnn_cell"].read_text())
        started = time.monotonic()
        second = _line(proc, 30)
        assert json.loads(second)["passed"] is True
        assert time.monotonic() - started < 10  # the warm child re-grades at once
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0
    assert "Stopped watching." in err
    assert "Traceback" not in err


def _line(proc: subprocess.Popen[str], timeout: float) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "no grading printed in time"
    return proc.stdout.readline()


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("name", sorted(SOLUTION))
def test_solutions_pass_on_cuda(home: Path, name: str) -> None:
    run = grade(
        "exercise", name, "--file", str(SOLUTION[name]), "--device", "cuda", "--json", home=home
    )
    assert run.code == 0, run.stdout + run.stderr
    numpy_track = catalogue.load(name).spec.track == "numpy"  # numpy runs on the CPU
    assert run.json()["device"] == ("cpu" if numpy_track else "cuda")


@cuda
@pytest.mark.gpu
def test_auto_picks_cuda_and_mistakes_are_named_there(home: Path) -> None:
    run = grade(
        "exercise", "lstm_cell", "--file", str(GATE_ORDER), "--device", "auto", "--json", home=home
    )
    result = run.json()
    assert (result["device"], result["diagnosis"]["id"]) == ("cuda", "lstm.gate_order")


# -- rnnprep exercise ... --------------------------------------------------------------------


def test_list_shows_standing(home: Path) -> None:
    before = exercise("list", home=home)
    assert before.code == 0
    assert before.stdout.count("not started") == len(catalogue.names())
    grade("exercise", "lstm_cell", "--file", str(GATE_ORDER), home=home)
    after = exercise("list", home=home).stdout
    [row] = [line for line in after.splitlines() if line.startswith("lstm_cell")]
    assert "failing" in row and "lstm.gate_order" in row and " 1 " in row


def test_hints_go_from_gentle_to_explicit_and_are_remembered(home: Path) -> None:
    texts = [exercise("hint", "gru_cell", home=home).stdout for _ in range(5)]
    assert texts[0].startswith("Hint 1/4 for gru_cell:")
    assert texts[1].startswith("Hint 2/4")
    assert texts[3].startswith("Hint 4/4") and "last hint" in texts[3]
    assert texts[4] == texts[3]
    assert exercise("hint", "gru_cel", home=home).code == 2


def test_show_prints_the_task_and_the_file(home: Path) -> None:
    run = exercise("show", "gru_cell", home=home)
    assert run.code == 0
    assert "# GRU cell" in run.stdout
    assert f"Your file: {home / 'workspace' / 'gru_cell.py'}" in run.stdout
    assert (home / "workspace" / "gru_cell.py").exists()


def test_reset_asks_and_refuses_without_a_terminal(home: Path) -> None:
    path = home / "workspace" / "rnn_cell.py"
    path.parent.mkdir(parents=True)
    path.write_text("# my work\n")

    refused = exercise("reset", "rnn_cell", home=home)
    assert refused.code == 2 and "--yes" in refused.stderr
    assert path.read_text() == "# my work\n"

    declined = _in_terminal(["reset", "rnn_cell"], "n\n", home)
    assert "Kept your file." in declined and path.read_text() == "# my work\n"

    done = exercise("reset", "rnn_cell", "--yes", home=home)
    assert done.code == 0
    assert path.read_text() == (REPO / "exercises" / "rnn_cell" / "starter.py").read_text()


def _in_terminal(args: list[str], answer: str, home: Path) -> str:
    """Run `rnnprep exercise ARGS` with a pseudo-terminal as stdin, typing `answer`."""
    controller, terminal = os.openpty()
    proc = subprocess.Popen(
        [*EXERCISE, *args],
        stdin=terminal,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "RNNPREP_HOME": str(home)},
    )
    os.write(controller, answer.encode())
    out, _ = proc.communicate(timeout=60)
    os.close(controller)
    os.close(terminal)
    assert proc.returncode == 0
    return out


def test_no_record_keeps_nothing(home: Path) -> None:
    """`--no-record` (for scripts and editors) grades as usual and leaves no trace: the progress
    file is not even created, so the exercise stays "not started"."""
    run = grade(
        "exercise",
        "rnn_cell",
        "--file",
        str(SOLUTION["rnn_cell"]),
        "--no-record",
        "--json",
        home=home,
    )
    assert run.code == 0 and run.json()["passed"]
    assert not (home / "progress.sqlite3").exists()
    listing = exercise("list", home=home).stdout
    [row] = [line for line in listing.splitlines() if line.startswith("rnn_cell")]
    assert "not started" in row
    recorded = grade("exercise", "rnn_cell", "--file", str(SOLUTION["rnn_cell"]), home=home)
    assert recorded.code == 0
    assert Store(db_path()).exercise_status()["rnn_cell"].status == "passing"


def test_learner_escape_sequences_never_reach_the_terminal(home: Path) -> None:
    """An exception text made of control sequences (clear screen, a fake green PASSED) shows as
    words in the report and the JSON, never as sequences."""
    hostile = FIXTURES / "rnn_cell" / "crash__escape_sequences.py"
    human = grade("exercise", "rnn_cell", "--file", str(hostile), home=home)
    assert human.code == 1 and "FAILED: rnn_cell." in human.stdout
    assert "\x1b" not in human.stdout and "\x07" not in human.stdout
    result = grade("exercise", "rnn_cell", "--file", str(hostile), "--json", home=home).json()
    assert not any("\x1b" in c["message"] for c in result["checks"])
