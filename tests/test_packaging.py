"""The wheel ships what the app reads, and every lookup goes through quiz.locations.

The full proof is .ci/wheel-check (build, install in a fresh venv, run from elsewhere); these are
the cheap parts of it that a checkout can show.
"""

from __future__ import annotations

import importlib.resources
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from exercises import devcheck
from quiz import locations

REPO = Path(__file__).resolve().parent.parent
RNNPREP = [sys.executable, "-m", "quiz"]


def test_every_code_package_is_in_the_wheel() -> None:
    """pyproject lists packages by hand (data/ is renamed): a new one must not be left out."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for top in ("quiz", "exercises", "reference")
        for init in (REPO / top).rglob("__init__.py")
    }
    assert on_disk - set(setuptools["packages"]) == set()
    assert setuptools["package-dir"] == {locations.DATA_PACKAGE: "data"}


def test_shipped_content_is_found_through_importlib_resources() -> None:
    data = Path(str(importlib.resources.files(locations.DATA_PACKAGE)))
    assert locations.questions_dir() == data / "questions"
    assert locations.interviews_dir() == data / "interviews"
    for path in (locations.links_path(), locations.sources_path(), locations.glossary_path()):
        assert path.parent == data and path.is_file()
    assert locations.exercises_dir() == Path(str(importlib.resources.files("exercises")))
    assert sorted(locations.questions_dir().glob("*.yaml"))


def test_bank_check_on_an_empty_folder_fails_naming_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RNNPREP, "bank", "check", "--dir", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"no questions found in {tmp_path}" in result.stderr


def test_dev_check_without_a_checkout_checks_the_folders_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An installed wheel ships each exercise's mistake files, so the dev check still judges
    every folder; only the checkout's extra behaviour fixtures (tests/fixtures) are left out."""
    from exercises import catalogue

    exercise = catalogue.load("rnn_cell")
    with_checkout = devcheck.expectations(exercise)
    monkeypatch.setattr(devcheck, "solution_fixtures_dir", lambda: None)
    alone = devcheck.expectations(exercise)
    assert [p for p, _ in alone] == [exercise.starter, exercise.solution, *exercise.mistakes]
    assert len(alone) < len(with_checkout)


def test_grader_child_refuses_a_copy_other_than_the_parents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The child imports the installed package; if that is not the code the parent runs (a venv
    shared with another checkout), grading stops with the reason instead of judging other code."""
    from exercises import catalogue, runner
    from exercises.errors import GraderError

    exercise = catalogue.load("rnn_cell")
    monkeypatch.setattr(runner, "CHILD_FILE", Path("/elsewhere/exercises/child.py"))
    with runner.Worker() as worker, pytest.raises(GraderError, match="is not this one"):
        worker.grade(runner.Job(exercise, exercise.solution))
