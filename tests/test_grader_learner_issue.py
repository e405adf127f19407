"""What a learner hit with `grade`: exit codes documented alike, watch mode counting only changed
content as an attempt, and --json keeping what the learner's code printed. Real `grade` runs in
subprocesses, as in tests/test_grader_cli.py."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_grader_support import GRADE, MISTAKE_FILES, REPO, exercise, grade, run

from exercises import cli
from exercises.results import OUTPUT_LIMIT, learner_output
from quiz.locations import db_path
from quiz.store import Store

SOLUTION = REPO / "exercises" / "rnn_cell" / "solution.py"
STARTER = REPO / "exercises" / "rnn_cell" / "starter.py"
RELU = MISTAKE_FILES / "rnn_cell" / "mistakes" / "rnn.wrong_activation__relu.py"
RNNPREP = [sys.executable, "-m", "quiz"]
EXIT_CODES = (
    "0 passed, 1 failed, 2 usage error, 3 the grader itself broke (not your code),"
    " 130 interrupted by Ctrl-C (--watch ends with 0 when Ctrl-C stops it)"
)


@pytest.fixture
def home(data_home: Path) -> Path:
    """The data dir the subprocesses share with this process's reads of the store."""
    return data_home


def _words(text: str) -> str:
    return " ".join(text.replace("`", "").split())


def attempts(name: str) -> int:
    store = Store(db_path())
    try:
        seen = store.exercise_status().get(name)
    finally:
        store.close()
    return seen.attempts if seen else 0


# -- 1. exit codes: README, --help and the code agree ---------------------------------------


def test_help_and_readme_list_the_same_exit_codes(home: Path) -> None:
    helped = grade("exercise", "--help", home=home)
    assert helped.code == 0
    assert f"exit codes: {EXIT_CODES}" in _words(helped.stdout)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Coding exercises", 1)[1].split("\n### ", 1)[0]
    assert f"Exit codes: {EXIT_CODES}." in _words(section)
    assert (cli.EXIT_PASSED, cli.EXIT_FAILED, cli.EXIT_USAGE, cli.EXIT_GRADER) == (0, 1, 2, 3)


def test_each_exit_code_from_the_real_cli(home: Path) -> None:
    assert grade("exercise", "rnn_cell", "--file", str(SOLUTION), home=home).code == 0
    assert grade("exercise", "rnn_cell", "--file", str(RELU), home=home).code == 1
    assert grade("exercise", "rnn_cel", home=home).code == 2
    # A grading process that cannot start is the grader's failure, never the learner's.
    broken = run(
        [
            sys.executable,
            "-c",
            "import sys; from exercises import runner, cli;"
            " runner._BOOT = 'import sys; sys.exit(7)  # {child}';"
            " sys.exit(cli.main(sys.argv[1:]))",
            "exercise",
            "rnn_cell",
            "--file",
            str(SOLUTION),
        ],
        home,
    )
    assert broken.code == 3, broken.stderr
    assert "the grading process did not start" in broken.stderr


def test_ctrl_c_mid_grading_exits_130(home: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.py"
    slow.write_text("import time\ntime.sleep(60)\n" + SOLUTION.read_text())
    proc = subprocess.Popen(
        [*GRADE, "exercise", "rnn_cell", "--file", str(slow), "--timeout", "90"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "RNNPREP_HOME": str(home)},
    )
    try:
        deadline = time.monotonic() + 60
        while not psutil.Process(proc.pid).children():  # the grading child is started
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(1.0)  # inside main()'s try by now
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err


# -- 2. watch mode: an attempt is a grading of changed content -----------------------------


def _next_result(proc: subprocess.Popen[str], timeout: float = 60) -> dict:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "no grading printed in time"
    return json.loads(proc.stdout.readline())


@pytest.mark.parametrize("server", ["0", "1"], ids=["through the server", "in-process"])
def test_watch_counts_neither_an_unchanged_save_nor_a_reset(home: Path, server: str) -> None:
    path = home / "workspace" / "rnn_cell.py"
    path.parent.mkdir(parents=True)
    path.write_text(RELU.read_text())
    env = {**os.environ, "RNNPREP_HOME": str(home), "RNNPREP_NO_SERVER": server}
    proc = subprocess.Popen(
        [*GRADE, "exercise", "rnn_cell", "--watch", "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert _next_result(proc)["diagnosis"]["id"] == "rnn.wrong_activation"
        assert attempts("rnn_cell") == 1
        time.sleep(0.5)  # let the watcher settle before the first save

        path.write_text(RELU.read_text())  # saved without a change
        assert _next_result(proc)["diagnosis"]["id"] == "rnn.wrong_activation"
        assert attempts("rnn_cell") == 1

        assert exercise("reset", "rnn_cell", "--yes", home=home).code == 0  # only a reset
        assert _next_result(proc)["diagnosis"]["id"] == "not_implemented"
        assert attempts("rnn_cell") == 1

        path.write_text(SOLUTION.read_text())  # changed content: an attempt
        assert _next_result(proc)["passed"] is True
        assert attempts("rnn_cell") == 2
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        subprocess.run([*RNNPREP, "server", "stop"], cwd=REPO, env=env, capture_output=True)
    assert err.count("Not counted as an attempt") == 2
    assert proc.returncode == 0


def test_plain_grading_of_a_new_file_still_counts(home: Path) -> None:
    """Outside watch mode nothing changes: the first grading of the starter is attempt 1."""
    assert grade("exercise", "rnn_cell", home=home).code == 1
    assert attempts("rnn_cell") == 1


# -- 3. --json keeps what the learner's code printed ---------------------------------------


CHATTY = (
    "import sys\n"
    "print('\\x1b[31mred\\x1b[0m and \\x1b]0;title\\x07plain')\n"
    "print('progress 10%\\rprogress 99%', file=sys.stderr)\n"
    "print('\\x1b[2J' + 'é' * 6000)\n" + SOLUTION.read_text()
)


def test_json_and_report_carry_the_learners_output(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "chatty.py"
    path.write_text(CHATTY, encoding="utf-8")
    as_json = grade("exercise", "rnn_cell", "--file", str(path), "--json", home=home)
    assert as_json.code == 0
    result = as_json.json()
    assert list(result)[-1] == "output"
    output = result["output"]
    assert output.startswith("red and plain\nprogress 10%\nprogress 99%\n")
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output)  # no escape is left
    body, marker = output.rstrip("\n").rsplit("\n", 1)
    assert len(body.encode()) <= OUTPUT_LIMIT < len(body.encode()) + 2  # 8 KiB, whole chars
    assert re.fullmatch(r"…truncated \([\d,]+ bytes printed; the first 8 KiB are kept\)", marker)

    human = grade("exercise", "rnn_cell", "--file", str(path), home=home)
    assert human.code == 0
    printed = human.stdout.split("Your code printed", 1)[1]
    assert "  | red and plain\n  | progress 10%\n  | progress 99%\n" in printed
    assert "\x1b" not in human.stdout
    assert "…truncated" in printed


def test_learner_output_cleaning() -> None:
    raw = "a\x1b[1;32mb\x1b[0m\r\nc\x00d\te\x1bPq#0\x1b\\f\x9b2Kg".encode()
    assert learner_output(raw) == "ab\ncd\tefg"
    assert learner_output(b"\xff ok") == "\ufffd ok"
    small = learner_output(b"x" * 10, total=OUTPUT_LIMIT * 100)  # the rest was never read
    assert small == f"{'x' * 10}\n…truncated ({OUTPUT_LIMIT * 100:,} bytes printed;" + (
        " the first 8 KiB are kept)\n"
    )
