"""`rnnprep exercise list --json` and `rnnprep dev new / check`, run for real in subprocesses.

The scaffold tests work on a temporary copy of the exercises folder ($RNNPREP_EXERCISES) and
prove the real checkout is left as it was.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exercises import catalogue
from quiz.locations import EXERCISES_ENV, HOME_ENV

REPO = Path(__file__).resolve().parent.parent
EXERCISES = REPO / "exercises"
# The code under test, from this checkout (not the venv's `rnnprep` script).
RNNPREP = [sys.executable, "-m", "quiz"]
GRADE = [
    sys.executable,
    "-c",
    "import sys; from exercises.cli import main; sys.exit(main(sys.argv[1:]))",
]
MIN_EXERCISES = 17  # the cells, layers, backward passes, decoding, masking, attention, cost
LIST_FIELDS = {
    "name",
    "title",
    "topics",
    "track",
    "difficulty",
    "status",
    "attempts",
    "last_attempt",
    "last_diagnosis",
}


def run(
    command: list[str], home: Path, exercises: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, HOME_ENV: str(home)}
    env.pop(EXERCISES_ENV, None)
    if exercises is not None:
        env[EXERCISES_ENV] = str(exercises)
    return subprocess.run(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def git_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def exercises_copy(tmp_path: Path) -> Path:
    """A copy of every exercise folder (those holding exercise.yaml), for $RNNPREP_EXERCISES."""
    copy = tmp_path / "exercises"
    copy.mkdir()
    for spec in EXERCISES.glob(f"*/{catalogue.SPEC_FILE}"):
        shutil.copytree(
            spec.parent, copy / spec.parent.name, ignore=shutil.ignore_patterns("__pycache__")
        )
    return copy


# -- exercise list --json -------------------------------------------------------------------


def test_exercise_list_json_has_one_line_per_exercise(data_home: Path) -> None:
    result = run([*RNNPREP, "exercise", "list", "--json"], data_home)
    assert result.returncode == 0, result.stderr
    listed = json_lines(result.stdout)
    assert [e["name"] for e in listed] == sorted(p.parent.name for p in EXERCISES.glob("*/*.yaml"))
    assert len(listed) >= MIN_EXERCISES, [e["name"] for e in listed]
    for entry in listed:
        assert set(entry) == LIST_FIELDS, entry
        spec = catalogue.load(entry["name"]).spec
        assert entry["title"] == spec.title.en  # the listing's language: English here
        assert entry["topics"] == list(spec.topics) and entry["topics"]
        assert entry["track"] == spec.track in ("torch", "numpy")
        assert entry["difficulty"] == spec.difficulty in (1, 2, 3)
        assert (entry["status"], entry["attempts"]) == ("not started", 0)
        assert entry["last_attempt"] is None and entry["last_diagnosis"] is None
    assert "--json" in run([*RNNPREP, "exercise", "list", "--help"], data_home).stdout


# -- dev new, dev check ---------------------------------------------------------------------


@pytest.mark.parametrize("track", ["torch", "numpy"])
def test_a_new_exercise_passes_the_dev_check_is_listed_and_graded(
    track: str, exercises_copy: Path, data_home: Path
) -> None:
    before = git_status()
    name = f"toy_{track}"
    new = run([*RNNPREP, "dev", "new", name, "--track", track], data_home, exercises_copy)
    assert new.returncode == 0, new.stderr
    folder = exercises_copy / name
    assert f"rnnprep dev check {name}" in new.stdout
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert files == [
        "README.md",
        "README.zh-Hant.md",
        "exercise.yaml",
        "grading.py",
        f"mistakes/{name}.no_activation__forgot_tanh.py",
        "solution.py",
        "starter.py",
    ]
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "{{" not in text, path  # every placeholder filled
    assert f"track: {track}" in (folder / "exercise.yaml").read_text()
    assert "TODO" in (folder / "grading.py").read_text()

    check = run([*RNNPREP, "dev", "check", name, "--seed", "7"], data_home, exercises_copy)
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"checking {name}…" in check.stdout
    assert re.search(
        r"checked 1 exercise, 3 files in \d+\.\d s \(seed 7\): all as expected", check.stdout
    )
    assert "✗" not in check.stdout

    listed = run([*RNNPREP, "exercise", "list", "--json"], data_home, exercises_copy)
    entry = next(e for e in json_lines(listed.stdout) if e["name"] == name)
    assert (entry["topics"], entry["track"], entry["difficulty"]) == (["rnn_basics"], track, 1)

    graded = run(
        [*GRADE, "exercise", name, "--file", str(folder / "solution.py"), "--json"],
        data_home,
        exercises_copy,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    (verdict,) = json_lines(graded.stdout)
    assert verdict["exercise"] == name and verdict["passed"] is True
    assert git_status() == before  # the checkout is untouched: all of it went to the copy


def test_dev_check_json_prints_outcomes_then_a_summary(
    exercises_copy: Path, data_home: Path
) -> None:
    assert run([*RNNPREP, "dev", "new", "toy_map"], data_home, exercises_copy).returncode == 0
    mistake = exercises_copy / "toy_map" / "mistakes" / "toy_map.no_activation__forgot_tanh.py"
    mistake.write_text(mistake.read_text().replace("return x @ w.T", "return (x @ w.T).tanh()"))
    result = run(
        [*RNNPREP, "dev", "check", "toy_map", "--json", "--seed", "3"], data_home, exercises_copy
    )
    assert result.returncode == 1, result.stderr  # the "mistake" now passes: a surprise
    *outcomes, last = json_lines(result.stdout)
    assert [(o["file"].rsplit("/", 1)[-1], o["ok"]) for o in outcomes] == [
        ("starter.py", True),
        ("solution.py", True),
        (mistake.name, False),
    ]
    for outcome in outcomes:
        assert set(outcome) == {"exercise", "file", "expected", "got", "ok", "message"}
        assert outcome["exercise"] == "toy_map"
    assert (outcomes[-1]["expected"], outcomes[-1]["got"]) == ("toy_map.no_activation", "pass")
    summary = last["summary"]
    assert set(summary) == {"exercises", "files", "ok", "not_ok", "seed", "seconds"}
    assert (summary["exercises"], summary["files"], summary["ok"], summary["not_ok"]) == (
        1,
        3,
        2,
        1,
    )
    assert summary["seed"] == 3 and summary["seconds"] >= 0
    assert "checking toy_map…" in result.stderr  # progress stays off stdout in --json mode

    human = run([*RNNPREP, "dev", "check", "toy_map", "--seed", "3"], data_home, exercises_copy)
    assert human.returncode == 1
    assert "expected toy_map.no_activation, got pass" in human.stdout
    assert "1 not as expected" in human.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new", "Bad-Name"], "lowercase snake case"),
        (["new", "9lives"], "lowercase snake case"),
        (["new", "class"], "not a keyword"),
        (["new", "rnn_cell"], "already exists"),
        (["new", "toy", "--track", "jax"], "invalid choice"),
        (["check", "no_such_exercise"], "There is no exercise called 'no_such_exercise'"),
        (["check", "--seed", "-1"], "the seed must be"),
    ],
)
def test_dev_usage_errors_exit_2(
    args: list[str], message: str, exercises_copy: Path, data_home: Path
) -> None:
    before = sorted(p.name for p in exercises_copy.iterdir())
    result = run([*RNNPREP, "dev", *args], data_home, exercises_copy, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in exercises_copy.iterdir()) == before  # nothing made


def test_dev_help_explains(data_home: Path) -> None:
    top = run([*RNNPREP, "--help"], data_home, timeout=120).stdout
    assert "dev" in top and "rnnprep dev check" in top
    dev = run([*RNNPREP, "dev", "--help"], data_home, timeout=120)
    assert dev.returncode == 0
    for words in ("new", "check", "--track", "$RNNPREP_EXERCISES"):
        assert words in dev.stdout
    check = run([*RNNPREP, "dev", "check", "--help"], data_home, timeout=120).stdout
    for words in ("--json", '"summary"', "exit codes", "--seed"):
        assert words in check
    chinese = run([*RNNPREP, "--lang", "zh-Hant", "dev", "new", "--help"], data_home, timeout=120)
    assert "練習" in chinese.stdout


# -- README -------------------------------------------------------------------------------


def test_readme_lists_every_exercise_in_its_table() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Exercises\n", 1)[1].split("\n#", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    named = {re.match(r"\| `([a-z0-9_]+)`", row).group(1) for row in rows}  # type: ignore[union-attr]
    assert named == set(catalogue.names())
    for row in rows:
        name = re.match(r"\| `([a-z0-9_]+)`", row).group(1)  # type: ignore[union-attr]
        spec = catalogue.load(name).spec
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[2] == spec.track, row
        assert set(re.findall(r"`([a-z0-9_]+)`", cells[3])) == set(spec.topics), row
