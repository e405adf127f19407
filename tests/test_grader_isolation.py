"""The learner can't reach the judge: the grading processes, driven for real.

Learner code runs in a process of its own, forked per grading from a clean template; the judge
holds the reference and compares. These tests run hostile files through the real grader (the
`grade` CLI, or the warm Worker the app and --all keep) and check what the learner's process
must not be able to do: outlive the grade, write to the parent's stdout, change the next
grading's verdict.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from test_grader_support import FIXTURES, MISTAKE_FILES, grade

from exercises import catalogue, devcheck
from exercises.runner import Job, Worker
from exercises.zygote import SPAWN_ENV

HOSTILE = FIXTURES / "hostile"


@pytest.fixture(scope="module")
def warm() -> Iterator[Worker]:
    """One warm grader for many gradings, as the app and `--all` keep (each grading still gets
    a fresh learner's process)."""
    with Worker() as worker:
        yield worker


SEEDS_PER_FILE = 6  # a different six for each file: 72 seeds across the styles


def _verdict(result: object) -> str:
    diagnosis = getattr(result, "diagnosis", None)
    return "pass" if getattr(result, "passed", False) else (diagnosis.id if diagnosis else "null")


def test_writing_to_the_parents_stdout_leaves_one_json_object(tmp_path: Path) -> None:
    """The learner's code opens /proc/<ppid>/fd/N for every N, writes a passing verdict there
    and signals its parent: refused, and the CLI's stdout is exactly the one real verdict."""
    run = grade(
        "exercise",
        "rnn_cell",
        "--file",
        str(HOSTILE / "forbidden_api__writes_parent_stdout.py"),
        "--json",
        home=tmp_path,
    )
    assert run.code == 1, run.stderr
    assert run.stdout.count("\n") == 1 and run.stdout.endswith("\n")
    result = json.loads(run.stdout)
    assert result["passed"] is False
    assert result["diagnosis"]["id"] == "forbidden_api"
    assert "/proc/" in result["diagnosis"]["message"]


@pytest.fixture
def pidfile() -> Iterator[Path]:
    """Where the survivor writes its pid: a folder anyone may write to, since the learner's
    process runs as `nobody` when the grader runs as root."""
    folder = Path(tempfile.mkdtemp(prefix="rnnprep-survivor-", dir="/tmp"))
    folder.chmod(0o777)
    yield folder / "survivor.pid"
    shutil.rmtree(folder, ignore_errors=True)


def _survivor(path: Path, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError("the fixture's survivor never wrote its pid")


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_no_process_started_by_learner_code_outlives_the_grade(
    pidfile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double fork into a session of its own escapes process groups; the warm worker is still
    running after the grade, so only the grader's clean-up can have ended it."""
    monkeypatch.setenv("RNNPREP_TEST_SURVIVOR", str(pidfile))
    exercise = catalogue.load("rnn_cell")
    with Worker() as worker:
        result = worker.grade(Job(exercise, HOSTILE / "forbidden_api__setsid_survivor.py"))
        pid = _survivor(pidfile)
        assert not _alive(pid), f"process {pid}, started by learner code, outlived the grade"
        assert _verdict(result) == "forbidden_api"
        assert "os.fork" in result.diagnosis.message  # type: ignore[union-attr]
        # The worker itself is unharmed and grades on.
        again = worker.grade(Job(exercise, exercise.folder / "solution.py"))
        assert again.passed


def test_the_cli_leaves_no_process_behind(pidfile: Path, tmp_path: Path) -> None:
    run = grade(
        "exercise",
        "rnn_cell",
        "--file",
        str(HOSTILE / "forbidden_api__setsid_survivor.py"),
        "--json",
        home=tmp_path,
        env={"RNNPREP_TEST_SURVIVOR": str(pidfile)},
    )
    assert run.json()["diagnosis"]["id"] == "forbidden_api"
    assert not _alive(_survivor(pidfile))


def test_a_hostile_file_does_not_change_the_next_verdict() -> None:
    """The same LSTM files get the same verdicts before and after a file that patches torch,
    the grader's modules and the default dtype, and leaves a thread patching them, in the same
    warm worker."""
    lstm = catalogue.load("lstm_cell")
    files = [
        lstm.folder / "solution.py",
        *sorted((MISTAKE_FILES / "lstm_cell" / "mistakes").glob("*.py")),
    ]
    poison = Job(catalogue.load("rnn_cell"), HOSTILE / "null__poisons_the_worker.py", seed=3)
    with Worker() as worker:
        before = [_verdict(worker.grade(Job(lstm, f, seed=3))) for f in files]
        assert _verdict(worker.grade(poison)) == "null"
        after = [_verdict(worker.grade(Job(lstm, f, seed=3))) for f in files]
    assert before[0] == "pass"
    assert after == before


# The cells' correct fixtures, in every style the guard must let through (the other exercises'
# are graded once per run by the dev check, and every model solution on 25 seeds in-process by
# test_grader_catalogue).
CELLS = ("rnn_cell", "lstm_cell", "gru_cell")
PASSING = [
    (exercise, path)
    for exercise in map(catalogue.load, CELLS)
    for path, expected in devcheck.expectations(exercise)
    if expected == "pass" and path.name != "solution.py"
]


@pytest.mark.parametrize(
    ("exercise", "path"), PASSING, ids=lambda v: getattr(v, "stem", getattr(v, "name", v))
)
def test_correct_files_pass_on_many_seeds(
    warm: Worker, exercise: catalogue.Exercise, path: Path
) -> None:
    """Every correct file, in any style (checkpointing, torch.func, custom ops, TorchScript,
    custom autograd), passes through the real grader on six seeds of its own."""
    first = PASSING.index((exercise, path)) * SEEDS_PER_FILE
    failed = {
        seed: result.diagnosis
        for seed in range(first, first + SEEDS_PER_FILE)
        if not (result := warm.grade(Job(exercise, path, seed=seed))).passed
    }
    assert not failed, failed


COMPILED = sorted((FIXTURES / "compiled").glob("*.py"))


@pytest.mark.parametrize("path", COMPILED, ids=lambda p: p.stem)
def test_compiled_cells_are_not_cheating(path: Path, tmp_path: Path) -> None:
    """torch.compile imports torch._dynamo, which reads torch's own recurrent ops: no call of
    them by the learner. (Compiling takes seconds, hence the longer limit.)"""
    run = grade(
        "exercise",
        path.stem.split("__")[0],
        "--file",
        str(path),
        "--json",
        "--timeout",
        "120",
        home=tmp_path,
    )
    result = run.json()
    assert result["passed"], result


SPAWNED = {
    "solution.py": "pass",
    "forbidden_api__reads_solution.py": "forbidden_api",
    "crash__segfault.py": "crash",
}


def test_without_fork_each_grading_gets_a_fresh_python(tmp_path: Path) -> None:
    """Where forking after `import torch` is unsafe (macOS), each learner's process is a fresh
    `python -I`: same verdicts, same refusals ($RNNPREP_GRADER_SPAWN=1 forces it here)."""
    files = {
        "solution.py": catalogue.load("rnn_cell").solution,
        "forbidden_api__reads_solution.py": FIXTURES
        / "rnn_cell"
        / "forbidden_api__reads_solution.py",
        "crash__segfault.py": HOSTILE / "crash__segfault.py",
    }
    for name, path in files.items():
        run = grade(
            "exercise",
            "rnn_cell",
            "--file",
            str(path),
            "--json",
            home=tmp_path,
            env={SPAWN_ENV: "1"},
        )
        result = run.json()
        got = "pass" if result["passed"] else result["diagnosis"]["id"]
        assert got == SPAWNED[name], result
        assert run.code == (0 if got == "pass" else 1)


def test_learner_code_runs_on_one_thread(tmp_path: Path) -> None:
    """Small tensors need no thread pool, and two gradings' spinning OpenMP threads on two
    cores once made a grading time out: judge, template and learner run on one thread."""
    solution = (catalogue.load("rnn_cell").solution).read_text()
    learner = tmp_path / "rnn_cell.py"
    learner.write_text(f"{solution}\nprint('threads', torch.get_num_threads())\n")
    run = grade(
        "exercise",
        "rnn_cell",
        "--file",
        str(learner),
        "--json",
        "--no-record",
        home=tmp_path,
        env={"OMP_NUM_THREADS": "2"},
    )
    result = run.json()
    assert result["passed"], result
    assert "threads 1" in result["output"], result["output"]
