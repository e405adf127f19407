"""Helpers shared by the grader's tests (no tests here): the real `grade` CLI in a subprocess.

Every run gets RNNPREP_HOME pointing at a temporary folder, so nothing touches the real data dir.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "solutions"
MISTAKE_FILES = REPO / "exercises"  # <exercise>/mistakes/<id>__<what>.py
# `grade` from this checkout (run() sets cwd=REPO, first on the path), not the venv's console
# script, which runs whatever checkout its editable install points at.
GRADE = [
    sys.executable,
    "-c",
    "import sys; from exercises.cli import main; sys.exit(main(sys.argv[1:]))",
]
PARALLEL = 2  # grading processes at once: the CI machine has two cores


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    elapsed: float

    def json(self) -> dict[str, Any]:
        """The single JSON object `--json` must print (anything else on stdout fails)."""
        lines = self.stdout.strip().splitlines()
        assert len(lines) == 1, f"expected one JSON line, got:\n{self.stdout}\n{self.stderr}"
        return json.loads(lines[0])


def run(
    command: list[str], home: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    env = {**os.environ, **(env or {}), "RNNPREP_HOME": str(home)}
    start = time.monotonic()
    proc = subprocess.run(
        command,
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=180,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def grade(*args: str, home: Path, env: dict[str, str] | None = None) -> Run:
    return run([*GRADE, *args], home, env=env)


# `rnnprep exercise ARGS`, through the function the rnnprep CLI hands them to.
EXERCISE = [
    sys.executable,
    "-c",
    "import sys; from exercises.cli import exercise_main; sys.exit(exercise_main(sys.argv[1:]))",
]


def exercise(*args: str, home: Path, stdin: str | None = None) -> Run:
    return run([*EXERCISE, *args], home, stdin)


def grade_many(
    jobs: dict[str, list[str]], home: Path, env: dict[str, str] | None = None
) -> dict[str, Run]:
    """Run several `grade` commands, PARALLEL at a time; results by key."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = {key: pool.submit(grade, *args, home=home, env=env) for key, args in jobs.items()}
        return {key: future.result() for key, future in futures.items()}


def expected_verdict(path: Path) -> str:
    """A fixture's verdict is its file name up to "__" ("pass", a diagnosis id, or "null")."""
    return path.stem.split("__")[0]


def verdict(result: dict[str, Any]) -> str:
    if result["passed"]:
        return "pass"
    return result["diagnosis"]["id"] if result["diagnosis"] else "null"
