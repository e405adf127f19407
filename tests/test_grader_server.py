"""The warm grading server behind `grade`, through the real commands: started on first use and
reused, verdicts identical without it, a server killed mid-grade answered by grading again
in-process, a stale socket replaced, the socket its user's alone, idle exit, new code replacing
an old server, two shells at once, and `rnnprep server status|stop`.

Every other test grades with RNNPREP_NO_SERVER=1 (conftest), so none leaves a server behind;
here each test has its own data folder, hence its own server, stopped at the end."""

from __future__ import annotations

import json
import os
import pwd
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from test_grader_support import FIXTURES, GRADE, MISTAKE_FILES, REPO, Run, grade, run

from exercises import server_client
from quiz.locations import grader_socket
from tests.conftest import CatalogueRun

SOLUTION = MISTAKE_FILES / "rnn_cell" / "solution.py"
RELU = MISTAKE_FILES / "rnn_cell" / "mistakes" / "rnn.wrong_activation__relu.py"
RNNPREP = [sys.executable, "-m", "quiz"]
SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture(autouse=True)
def served(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The server on (this test's data folder), and stopped afterwards whatever happened."""
    monkeypatch.delenv(server_client.NO_SERVER_ENV, raising=False)
    yield data_home
    status = server_client.request({"op": "status"})
    server_client.stop()
    if status is not None:
        with pytest.raises(psutil.NoSuchProcess):
            psutil.Process(status["pid"]).wait(30)
            psutil.Process(status["pid"])


def graded(path: Path, *extra: str, home: Path, env: dict[str, str] | None = None) -> Run:
    return grade("exercise", "rnn_cell", "--file", str(path), "--json", *extra, home=home, env=env)


def status() -> dict[str, object]:
    reply = server_client.request({"op": "status"})
    assert reply is not None, "no server is running"
    return reply


def test_first_use_starts_the_server_and_the_next_grade_reuses_it(served: Path) -> None:
    assert server_client.request({"op": "status"}) is None
    first = graded(SOLUTION, home=served)
    assert (first.code, first.stderr) == (0, "")  # nothing printed about the server
    assert first.json()["passed"] is True and len(first.stdout.splitlines()) == 1
    pid = status()["pid"]
    second = graded(RELU, home=served)
    assert second.code == 1 and second.json()["diagnosis"]["id"] == "rnn.wrong_activation"
    assert status()["pid"] == pid and status()["grades"] == 2
    # the attempts are recorded by the command, as without a server
    listed = run([*RNNPREP, "exercise", "list", "--json"], served).stdout.splitlines()
    assert next(e for e in map(json.loads, listed) if e["name"] == "rnn_cell")["attempts"] == 2


FILES = [
    SOLUTION,
    RELU,
    MISTAKE_FILES / "rnn_cell" / "starter.py",
    MISTAKE_FILES / "lstm_cell" / "mistakes" / "lstm.gate_order__ifog.py",
    FIXTURES / "hostile" / "crash__segfault.py",
]


@pytest.mark.xdist_group("catalogue")  # the worker that made the session's catalogue runs
def test_verdicts_and_exit_codes_are_the_same_without_the_server(
    served: Path, catalogue_runs: dict[str, CatalogueRun]
) -> None:
    """Every exercise's files (the dev check's whole set, graded both ways on one seed by the
    session's fixture) get the same verdicts, and single files the same JSON and exit code.
    (Messages of the whole set are not compared: a fixture drawing from torch's global random
    stream names different tokens on every run.)"""
    in_process, through_server = catalogue_runs["in_process"], catalogue_runs["served"]

    def verdicts(run: CatalogueRun) -> list[tuple[str, str, bool]]:
        return [(o["file"], o["got"], o["ok"]) for o in run.outcomes]

    assert len(through_server.outcomes) > 150
    assert through_server.server_grades == len(through_server.outcomes)  # it did grade them
    assert through_server.code == in_process.code
    assert verdicts(through_server) == verdicts(in_process)
    both = {}
    for env in ({}, {server_client.NO_SERVER_ENV: "1"}):
        files = {}
        for path in FILES:
            name = "lstm_cell" if "lstm" in path.name else "rnn_cell"
            one = grade(
                "exercise",
                name,
                "--file",
                str(path),
                "--json",
                "--seed",
                "5",
                "--no-record",
                home=served,
                env=env,
            )
            files[path.name] = (one.code, one.json())
        both[bool(env)] = files
    assert status()["grades"] == len(FILES)  # the first pass went through the server
    assert both[False] == both[True]


def test_a_server_killed_mid_grade_is_said_and_the_grade_is_done_in_process(
    served: Path, tmp_path: Path
) -> None:
    slow = tmp_path / "slow.py"
    slow.write_text(
        "import time\n"
        + SOLUTION.read_text()
        + "\nstarted = time.monotonic()\nwhile time.monotonic() - started < 2:\n    pass\n"
    )
    graded(SOLUTION, home=served)  # the server is up and warm
    pid = status()["pid"]
    env = {**os.environ, "RNNPREP_HOME": str(served)}
    env.pop(server_client.NO_SERVER_ENV, None)
    started = time.monotonic()
    proc = subprocess.Popen(
        [*GRADE, "exercise", "rnn_cell", "--file", str(slow), "--json"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while status()["busy"] == 0:
        assert proc.poll() is None and time.monotonic() - started < 30
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert "stopped mid-grade; grading again without it" in err
    assert proc.returncode == 0 and json.loads(out)["passed"] is True
    # the socket it left is stale: the next grade starts a new server in its place
    again = graded(SOLUTION, home=served)
    assert again.code == 0 and status()["pid"] != pid


def test_a_stale_socket_file_is_replaced(served: Path) -> None:
    path = grader_socket()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))
    dead.close()  # the file stays, nobody listens
    assert path.exists()
    result = graded(SOLUTION, home=served)
    assert result.code == 0 and psutil.pid_exists(int(status()["pid"]))


def test_the_socket_is_usable_by_its_user_alone(served: Path) -> None:
    graded(SOLUTION, home=served)
    path = grader_socket()
    assert path.stat().st_mode & 0o777 == 0o600
    if os.getuid() != 0 or not os.access(SYSTEM_PYTHON, os.X_OK):
        pytest.skip("needs root and a system python to try the socket as another user")
    # the same socket through a folder anyone may enter: only its mode keeps others out
    with tempfile.TemporaryDirectory() as shared:
        os.chmod(shared, 0o755)
        link = Path(shared) / "grader.sock"
        os.link(path, link)
        probe = (
            "import socket, sys\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    sys.exit(7)\n"
        )
        nobody = pwd.getpwnam("nobody").pw_uid
        python = [SYSTEM_PYTHON, "-I", "-c", probe, str(link)]  # one that nobody may run
        assert subprocess.run(python, user=nobody, check=False).returncode == 7
        assert subprocess.run(python, check=False).returncode == 0


def test_an_idle_server_exits(served: Path) -> None:
    graded(SOLUTION, home=served, env={server_client.IDLE_ENV: "1"})
    pid = int(status()["pid"])
    psutil.Process(pid).wait(30)
    assert server_client.request({"op": "status"}) is None and not grader_socket().exists()


def test_a_server_of_other_code_is_replaced(served: Path, tmp_path: Path) -> None:
    graded(SOLUTION, home=served)
    pid = status()["pid"]
    stale = server_client.request({"op": "grade", "stamp": "older code", "job": {}})
    assert stale is not None and stale["error"] == "stale"
    psutil.Process(pid).wait(30)  # it leaves for the new code's server
    assert graded(SOLUTION, home=served).code == 0 and status()["pid"] != pid


def test_the_stamp_follows_the_grader_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "exercises"
    code.mkdir()
    (code / "checks.py").write_text("A = 1\n")
    monkeypatch.setattr(server_client, "_CODE", code)
    server_client.stamp.cache_clear()
    before = server_client.stamp()
    (code / "checks.py").write_text("A = 2\n")
    server_client.stamp.cache_clear()
    assert server_client.stamp() != before
    server_client.stamp.cache_clear()


def test_two_shells_grading_at_once_each_get_their_verdict(served: Path) -> None:
    graded(SOLUTION, home=served)
    env = {**os.environ, "RNNPREP_HOME": str(served)}
    env.pop(server_client.NO_SERVER_ENV, None)
    procs = {
        path: subprocess.Popen(
            [*GRADE, "exercise", "rnn_cell", "--file", str(path), "--json", "--no-record"],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for path in (SOLUTION, RELU)
    }
    verdicts = {path: json.loads(proc.communicate(timeout=120)[0]) for path, proc in procs.items()}
    assert verdicts[SOLUTION]["passed"] is True
    assert verdicts[RELU]["diagnosis"]["id"] == "rnn.wrong_activation"


def test_no_server_grades_in_process(served: Path) -> None:
    assert graded(SOLUTION, "--no-server", home=served).code == 0
    assert graded(SOLUTION, home=served, env={server_client.NO_SERVER_ENV: "1"}).code == 0
    assert server_client.request({"op": "status"}) is None and not grader_socket().exists()


def test_server_status_and_stop_commands(served: Path) -> None:
    none = run([*RNNPREP, "server", "status"], served)
    assert none.code == 1 and "No grading server is running" in none.stdout
    graded(SOLUTION, home=served)
    text = run([*RNNPREP, "server", "status"], served)
    assert text.code == 0 and "gradings so far: 1." in text.stdout
    data = json.loads(run([*RNNPREP, "server", "status", "--json"], served).stdout)
    assert data["running"] is True and data["grades"] == 1
    zh = run([*RNNPREP, "--lang", "zh-Hant", "server", "status"], served)
    assert "評分伺服器" in zh.stdout
    stopped = run([*RNNPREP, "server", "stop"], served)
    assert stopped.code == 0 and not grader_socket().exists()
    psutil.Process(data["pid"]).wait(30)
